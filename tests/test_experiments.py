"""glorot.experiments, archive and CLI: validation before compute, archive round trip,
provenance; and the same validation reached through papermill."""

import dataclasses
import json
import subprocess
from pathlib import Path

import pandas as pd
import torch
import pytest

from glorot import archive, experiments, validation
from glorot.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"profile": "huge"}, "profile must be one of smoke, quick, paper for init_statistics, got .huge."),
        ({"activation": "foo"}, "valid activations: sigmoid, tanh, softsign"),
        ({"inits": ["standard", "xavier"]}, "valid inits: standard, normalized"),
        ({"dataset": "imagenet"}, "valid datasets: shapeset, mnist, mnist-5k, cifar10, small-imagenet"),
        ({"widht": 10}, "valid parameters: activation, inits, width"),
    ],
)
def test_config_rejects_unknown_values_naming_valid_ones(kwargs, message):
    profile = kwargs.pop("profile", "quick")
    with pytest.raises(ValueError, match=message):
        experiments.config("init_statistics", profile, **kwargs)


def test_unknown_experiment_and_device():
    with pytest.raises(ValueError, match="valid experiments: shapeset_frequencies"):
        experiments.config("fig99")
    with pytest.raises(ValueError, match="valid devices"):
        validation.check_device("tpu")


def test_run_validates_before_any_compute(monkeypatch):
    called = []
    exp = experiments.EXPERIMENTS["init_statistics"]
    monkeypatch.setitem(experiments.EXPERIMENTS, "init_statistics", exp.__class__(**{**exp.__dict__, "runner": lambda c, d, k: called.append(1)}))
    with pytest.raises(ValueError):
        experiments.run("init_statistics", "smoke", activation="foo")
    assert called == []


def test_every_experiment_defines_valid_profiles():
    for name, exp in experiments.EXPERIMENTS.items():
        assert {"smoke", "quick", "paper"} <= set(exp.profiles) <= set(experiments.PROFILES), name
        for profile in exp.profiles:
            experiments.config(name, profile)  # defaults are themselves valid


def test_a_profile_an_experiment_lacks_is_refused_naming_the_ones_it_has():
    with pytest.raises(ValueError, match=r"profile must be one of smoke, quick, paper for cost_surface, got 'long' \('long' is a "
                                         r"profile of other experiments\)"):
        experiments.config("cost_surface", "long")
    with pytest.raises(ValueError, match="profile must be one of"):
        experiments.config("cost_surface", "huge")


def test_archive_round_trip_with_provenance(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "DEFAULT_ARCHIVE", tmp_path)
    live = experiments.run("variance_propagation", "smoke", save=True)
    assert live.source == "live"
    again = experiments.run("variance_propagation", "smoke")
    assert again.source == "archived"
    pd.testing.assert_frame_equal(live["variance"], again["variance"], check_exact=False, rtol=1e-7)
    prov = again.provenance
    for key in ("package_version", "git_commit", "torch_version", "device", "date", "wall_time_s", "config"):
        assert key in prov
    assert prov["config"] == live.config.to_dict()
    assert "archived run, profile 'smoke'" in again.scale()
    # Another configuration misses the archive and is computed live.
    assert experiments.run("variance_propagation", "smoke", seed=1).source == "live"
    assert experiments.run("variance_propagation", "smoke", use_archive=False).source == "live"


def test_provenance_names_the_threads_the_runner_used(monkeypatch):
    seen = []
    exp = experiments.EXPERIMENTS["variance_propagation"]
    spy = dataclasses.replace(exp, runner=lambda cfg, device, checkpoint_dir, *, settings: (seen.append(torch.get_num_threads()), {})[1],
                              cpu_threads=1)
    monkeypatch.setitem(experiments.EXPERIMENTS, "variance_propagation", spy)
    before = torch.get_num_threads()
    res = experiments.run("variance_propagation", "smoke", use_archive=False)
    assert seen == [1] and res.provenance["device"].endswith("1 torch thread)")
    assert torch.get_num_threads() == before  # restored
    # training experiments declare one thread on a CPU (batch-10 products gain nothing from more)
    for name in ("shapeset_curves", "finite_curves", "svm_baseline"):
        assert experiments.EXPERIMENTS[name].cpu_threads == 1


def test_dirty_means_the_code_changed_not_the_archive(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "src").mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "src" / "a.py").write_text("x = 1\n")
    (tmp_path / "results" / "run.csv").write_text("1\n")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c")
    commit, dirty = archive.git_commit(tmp_path)
    assert len(commit) == 40 and not dirty
    (tmp_path / "results" / "run.csv").write_text("2\n")  # an archived run rewritten
    (tmp_path / "results" / "new.csv").write_text("3\n")
    assert archive.git_commit(tmp_path) == (commit, False)
    (tmp_path / "src" / "b.py").write_text("y = 2\n")  # code the commit lacks
    assert archive.git_commit(tmp_path) == (commit, True)
    (tmp_path / "src" / "b.py").unlink()
    (tmp_path / "src" / "a.py").write_text("x = 2\n")
    assert archive.git_commit(tmp_path) == (commit, True)


def test_scale_names_every_change_from_the_profile(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "DEFAULT_ARCHIVE", tmp_path)
    plain = experiments.run("variance_propagation", "smoke", use_archive=False)
    assert " with " not in plain.scale()
    changed = experiments.run("variance_propagation", "smoke", use_archive=False, width=24, seed=3)
    default_width = experiments.EXPERIMENTS["variance_propagation"].profiles["smoke"]["width"]
    assert f" with width 24 instead of the profile's {default_width:,}, seed 3 instead of 0" in changed.scale()
    note = experiments.EXPERIMENTS["variance_propagation"].note.get("smoke", "")
    assert not note or note not in changed.scale()  # the profile's note would describe settings the run does not have


def test_longer_run_scales_the_named_keys_or_says_why_not():
    cfg = experiments.config("gradient_dynamics", "quick")
    over, why = experiments.longer_run("quick", 5, cfg, ("updates", "probe_every"))
    assert over == {"updates": 5 * cfg["updates"], "probe_every": 5 * cfg["probe_every"]} and why == ""
    assert experiments.longer_run("paper", 5, cfg, ("updates",))[0] is None
    over, why = experiments.longer_run("quick", 1, cfg, ("updates",))
    assert over is None and "longer_factor" in why
    for bad in (0, 2.5, "5"):
        with pytest.raises(ValueError, match="longer_factor"):
            experiments.longer_run("quick", bad, cfg, ("updates",))
    with pytest.raises(ValueError, match="smoke"):
        experiments.longer_run("fast", 5, cfg, ("updates",))


def test_corrupt_archive_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "DEFAULT_ARCHIVE", tmp_path)
    path = experiments.run("variance_propagation", "smoke", save=True)
    run_dir = archive.run_dir("variance_propagation", "smoke", path.config.to_dict())
    (run_dir / "variance.csv.gz").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="corrupt"):
        experiments.run("variance_propagation", "smoke")


def test_variance_propagation_matches_eqs_5_and_6():
    """The linear-regime network obeys eqs. (5)-(6) within sampling error."""
    df = experiments.run("variance_propagation", "smoke", use_archive=False)["variance"]
    assert (df["ratio"].sub(1).abs() < 0.25).all(), df
    std = df[(df["init"] == "standard") & (df["quantity"].str.startswith("Var[z]"))]["measured"].to_numpy()
    assert all(b / a == pytest.approx(1 / 3, rel=0.15) for a, b in zip(std[:-1], std[1:]))


def test_init_statistics_smoke_shows_the_papers_orderings():
    r = experiments.run("init_statistics", "smoke", use_archive=False)
    stats = r["stats"]
    act = stats[(stats["quantity"] == "activation") & (stats["init"] == "standard")].sort_values("layer")["std"].to_numpy()
    assert (act[1:] < act[:-1]).all()  # Fig. 6: standard init, activations shrink upward
    grad = stats[(stats["quantity"] == "backprop_grad") & (stats["init"] == "standard")].sort_values("layer")["std"].to_numpy()
    assert (grad[1:] > grad[:-1]).all()  # Fig. 7: gradients shrink toward the input
    jac = r["jacobian"].groupby("init")["mean_singular_value"].mean()
    assert jac["standard"] < jac["normalized"]


def test_cli_runs_and_archives(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(archive, "DEFAULT_ARCHIVE", tmp_path)
    assert main(["run", "variance_propagation", "--profile", "smoke", "--set", "seed=3"]) == 0
    out = capsys.readouterr().out
    assert "live run, profile 'smoke'" in out
    stored = list((tmp_path / "variance_propagation").glob("smoke-*/provenance.json"))
    assert len(stored) == 1 and json.loads(stored[0].read_text())["config"]["seed"] == 3
    assert main(["run", "variance_propagation", "--profile", "smoke", "--set", "seed=3"]) == 0
    assert "archived run" in capsys.readouterr().out
    assert main(["run", "init_statistics", "--profile", "smoke", "--set", "activation=\"foo\""]) == 2
    assert "valid activations" in capsys.readouterr().err


def _chapters_with(param: str):
    out = []
    for nb in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        if params and any(line.startswith(f"{param} =") for line in "".join(params[0]["source"]).splitlines()):
            out.append(nb)
    return out


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", _chapters_with("activation"), ids=lambda p: p.stem)
def test_papermill_bad_activation_fails_in_first_code_cell(notebook, tmp_path):
    """`papermill book/X.ipynb out.ipynb -p activation foo` stops in the validation cell (the
    first code cell after the parameters) with the list of valid activations."""
    papermill = pytest.importorskip("papermill")
    out = tmp_path / notebook.name
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(notebook), str(out), parameters={"activation": "foo"}, cwd=str(notebook.parent),
                                   kernel_name="python3", progress_bar=False)
    assert err.value.ename == "ValueError"
    assert "valid activations: sigmoid, tanh, softsign" in err.value.evalue
    cells = json.loads(out.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    tags = [c["metadata"].get("tags", []) for c in code]
    failed = [i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert "parameters" in tags[0] and "injected-parameters" in tags[1]
    assert failed == [2], "the error must come from the first code cell after the parameters"


def _papermill_error(notebook, tmp_path, parameters):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / notebook.name
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(notebook), str(out), parameters=parameters, cwd=str(notebook.parent),
                                   kernel_name="python3", progress_bar=False)
    code = [c for c in json.loads(out.read_text())["cells"] if c["cell_type"] == "code"]
    failed = [i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    return err.value, failed


@pytest.mark.notebook
@pytest.mark.parametrize("chapter", ["02_saturation", "04_initialization"])
@pytest.mark.parametrize("parameters, field", [({"seed": "abc"}, "seed"), ({"seed": 2.5}, "seed"), ({"use_archive": "False"}, "use_archive")])
def test_papermill_bad_values_fail_in_the_first_code_cell(chapter, parameters, field, tmp_path):
    """`papermill book/X.ipynb out.ipynb -p seed abc` (or `-r use_archive False`, a string)
    stops in the validation cell with a ValueError that names the parameter."""
    err, failed = _papermill_error(ROOT / "book" / f"{chapter}.ipynb", tmp_path, parameters)
    assert err.ename == "ValueError" and field in err.evalue
    assert failed == [2], "the error must come from the first code cell after the parameters"


@pytest.mark.notebook
def test_papermill_paper_profile_on_a_cpu_is_refused_with_the_estimate(tmp_path, monkeypatch):
    """`-p profile paper` on a CPU would start a day of training: the chapter stops before it,
    with the estimate and the command for a GPU."""
    monkeypatch.setenv("GLOROT_RESULTS", str(tmp_path / "empty-archive"))
    err, failed = _papermill_error(ROOT / "book" / "05_learning_dynamics.ipynb", tmp_path, {"profile": "paper"})
    assert err.ename == "ValueError"
    assert "over the 30-minute limit" in err.evalue and "--device cuda" in err.evalue and "allow_long=True" in err.evalue
    assert "hours" in err.evalue or "days" in err.evalue


def test_a_long_run_is_refused_unless_allowed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(archive, "DEFAULT_ARCHIVE", tmp_path)
    with pytest.raises(ValueError, match="allow_long=True"):
        experiments.run("gradient_dynamics", "paper")
    assert "estimated wall time" in capsys.readouterr().out
    assert main(["run", "gradient_dynamics", "--profile", "paper"]) == 2
    err = capsys.readouterr().err
    assert "--allow-long" in err and "python -m glorot run gradient_dynamics --profile paper --device cuda" in err


def test_cli_archive_check_lists_every_entry(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(archive, "DEFAULT_ARCHIVE", tmp_path)
    assert main(["run", "variance_propagation", "--profile", "smoke"]) == 0
    assert main(["run", "shapeset_frequencies", "--profile", "smoke"]) == 0
    capsys.readouterr()
    assert main(["archive", "check"]) == 0
    out = capsys.readouterr().out
    assert "variance_propagation" in out and "shapeset_frequencies" in out and "ok" in out
    (entry,) = (tmp_path / "variance_propagation").iterdir()
    (entry / "variance.csv.gz").write_bytes(b"garbage")
    assert main(["archive", "check"]) == 1
    assert "corrupt" in capsys.readouterr().out


def test_a_training_run_shows_its_progress_and_a_run_without_training_says_so(capsys, monkeypatch, tmp_path):
    """Issue 26: long work says what it does. A training run's bar (tqdm; recorded here, since
    make's TQDM_DISABLE=1 hides real bars) is made over its estimated model-updates and counts
    every one the loops report; progress=False makes none; a run that trains nothing says so."""
    import tqdm.auto

    bars = []

    class Bar:
        def __init__(self, total, **kwargs):
            self.total, self.n, self.closed = total, 0, False
            bars.append(self)

        def update(self, k):
            self.n += k

        def close(self):
            self.closed = True

    monkeypatch.setattr(archive, "DEFAULT_ARCHIVE", tmp_path)
    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    experiments.run("gradient_dynamics", "smoke", use_archive=False)
    assert len(bars) == 1 and bars[0].closed and bars[0].n == bars[0].total > 0
    experiments.run("gradient_dynamics", "smoke", use_archive=False, progress=False)
    assert len(bars) == 1
    capsys.readouterr()
    experiments.run("variance_propagation", "smoke", use_archive=False)
    assert "nothing to train" in capsys.readouterr().out
    with pytest.raises(ValueError, match="progress"):
        experiments.run("variance_propagation", "smoke", use_archive=False, progress="yes")


def test_the_progress_counts_every_model_update():
    from glorot.run_settings import RunSettings

    class Count:
        n = 0

        def update(self, k):
            Count.n += k

    settings = RunSettings(progress=Count())
    for _ in range(3):
        settings.spend(7)
    assert Count.n == 21
    with pytest.raises(TypeError, match="progress"):
        RunSettings(progress=3)
