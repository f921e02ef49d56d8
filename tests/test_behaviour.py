"""Behavioural fingerprints (glorot.behaviour): an archived run goes stale when the numbers the
code computes change, not when its text does.

The edits are made to a *copy* of the package in a temporary folder, whose probes run in a
fresh interpreter (:func:`glorot.behaviour.probes_with_package`), and compared with the probes
of the package as it is: a docstring, a comment, the order of imports, a rename and a newly
registered experiment move no probe; the normalized initialization's 6 (eq. 16) moves exactly
the probes of the experiments that use that initialization. Each probe is about a second.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from glorot import archive, behaviour, checkpoints, experiments, nets
from glorot.configs import ConfigError
from glorot.experiments import registry

SRC = Path(behaviour.__file__).resolve().parents[1]
ALL = sorted(experiments.EXPERIMENTS)
USE_NORMALIZED = {"finite_curves", "gradient_dynamics", "init_statistics", "shapeset_curves", "svm_baseline",
                  "variance_propagation"}
"""The experiments whose probe configuration goes through the normalized initialization."""


def _edited_copy(tmp_path: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """A copy of ``src/glorot`` under ``tmp_path/src`` with each file's (old, new) replacements."""
    dst = tmp_path / "src"
    shutil.copytree(SRC / "glorot", dst / "glorot", ignore=shutil.ignore_patterns("__pycache__"))
    for rel, pairs in edits.items():
        path = dst / "glorot" / rel
        text = path.read_text()
        for old, new in pairs:
            assert old in text, (rel, old)
            text = text.replace(old, new)
        path.write_text(text)
    return dst


def _moved(src: Path, names) -> dict[str, list[str]]:
    """Per experiment, how its probe computed by the package in ``src`` differs from today's."""
    now = {name: behaviour.run_probe(experiments.EXPERIMENTS[name]) for name in names}
    then = behaviour.probes_with_package(src, {name: p.config for name, p in now.items()})
    return {name: behaviour.compare(now[name].frames, then[name]) for name in names}


NEUTRAL_EDITS = {
    # a docstring and a comment
    "nets.py": [("def init_bound(", "# the bounds of eqs. (1) and (16)\ndef init_bound("),
                ('"""Half-width ``a``', '"""Edited docstring. Half-width ``a``')],
    # the order of imports
    "train.py": [("import contextlib\n", ""), ("from __future__ import annotations\n", "from __future__ import annotations\nimport contextlib\n")],
    # a rename throughout (a private helper of the dynamics runner)
    "monitoring.py": [],
    # a newly registered experiment
    "experiments/__init__.py": [("from . import setting, saturation, cost, initialization, gradients, error_curves",
                                 "from . import setting, saturation, cost, initialization, gradients, error_curves, extra")],
}


def _neutral(tmp_path: Path) -> Path:
    src = _edited_copy(tmp_path, {k: v for k, v in NEUTRAL_EDITS.items() if v})
    mon = src / "glorot" / "monitoring.py"
    text = mon.read_text()
    private = sorted(set(re.findall(r"^def (_[a-z]\w+)\(", text, re.M)))[0]
    mon.write_text(re.sub(rf"\b{private}\b", private + "_renamed", text))
    extra = src / "glorot" / "experiments" / "extra.py"
    extra.write_text((SRC / "glorot" / "experiments" / "setting.py").read_text()
                     .replace('name="shapeset_frequencies"', 'name="extra_frequencies"'))
    return src


def test_the_edits_are_real(tmp_path):
    src = _neutral(tmp_path)
    assert (src / "glorot" / "nets.py").read_text() != (SRC / "glorot" / "nets.py").read_text()
    assert "_renamed" in (src / "glorot" / "monitoring.py").read_text()


def test_edits_that_change_no_number_stale_nothing(tmp_path):
    moved = _moved(_neutral(tmp_path), ALL)
    assert moved == {name: [] for name in ALL}


def test_a_constant_that_changes_results_stales_exactly_its_experiments(tmp_path):
    src = _edited_copy(tmp_path, {"nets.py": [("math.sqrt(6.0) / math.sqrt(n_in + n_out)", "math.sqrt(5.0) / math.sqrt(n_in + n_out)")]})
    moved = _moved(src, ALL)
    assert {name for name, diffs in moved.items() if diffs} == USE_NORMALIZED


# --------------------------------------------------------------------------- the tolerance


def _probe_like() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    return {"stats": pd.DataFrame({"update": np.arange(50), "layer": np.tile([1, 2], 25), "mean": rng.normal(0, 1e-3, 50),
                                   "std": rng.uniform(0.1, 1, 50), "saturated": rng.uniform(0, 1, 50),
                                   "diverged": [False] * 50, "activation": ["tanh"] * 50})}


def test_a_relative_perturbation_of_1e7_moves_nothing():
    then = _probe_like()
    now = {k: df.copy() for k, df in then.items()}
    for col in ("mean", "std", "saturated"):
        now["stats"][col] *= 1 + 1e-7 * np.random.default_rng(1).choice([-1, 1], 50)
    assert behaviour.compare(then, now) == []


@pytest.mark.parametrize("change, phrase", [
    (lambda df: df.assign(std=df["std"] * 1.001), "stats.std: 50 of 50 values moved"),
    (lambda df: df.assign(mean=df["mean"].where(df.index != 3, np.nan)), "stats.mean: 1 of 50 values moved"),
    (lambda df: df.assign(update=df["update"] + (df.index == 7)), "stats.update: 1 of 50 values moved"),
    (lambda df: df.assign(diverged=df.index == 0), "stats.diverged: 1 of 50 values moved"),
    (lambda df: df.assign(activation="softsign"), "stats.activation: 50 of 50 values moved"),
    (lambda df: df.iloc[:-1], "table stats now has 49 rows, not 50"),
    (lambda df: df.drop(columns="layer"), "table stats now has the columns"),
])
def test_a_real_change_is_seen(change, phrase):
    then = _probe_like()
    now = {"stats": change(then["stats"].copy())}
    diffs = behaviour.compare(then, now)
    assert any(phrase in d for d in diffs), diffs


def test_host_differences_are_absorbed():
    """One and two torch threads sum in different orders: the measured stand-in for two hosts."""
    for name in ("shapeset_curves", "init_statistics", "gradient_dynamics"):
        exp = experiments.EXPERIMENTS[name]
        one = behaviour.run_probe(exp)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(behaviour, "PROBE_THREADS", 2)
            two = behaviour.run_probe(exp, one.config, cache=False)
        meta = {k: v for k, v in two.frames.items() if k != "meta"}  # meta records the thread count itself
        assert behaviour.compare({k: one.frames[k] for k in meta}, meta) == [], name


# --------------------------------------------------------------------------- the judge and the archive


def _change_the_normalized_init(monkeypatch, tmp_path):
    """eq. (16) with 5 for 6, in this process; the probe cache is emptied (the source is not
    edited, so its key would not change)."""
    bound = nets.init_bound
    monkeypatch.setattr(nets, "init_bound", lambda init, n_in, n_out: bound(init, n_in, n_out) * (
        (5 / 6) ** 0.5 if init == "normalized" else 1.0))
    monkeypatch.setattr(behaviour, "_MEMORY", {})
    monkeypatch.setattr(behaviour, "CACHE_DIR", tmp_path / "cache")


def _archived(tmp_path, name="variance_propagation"):
    exp = experiments.EXPERIMENTS[name]
    cfg = registry.config(name, "smoke")
    probe = behaviour.run_probe(exp)
    prov = archive.provenance(cfg.to_dict(), "cpu", 1.0, module=exp.module) | {"experiment": name, "profile": "smoke"}
    frames = exp.runner(cfg, "cpu", tmp_path / "ckpt")
    path = archive.save(name, "smoke", cfg.to_dict(), frames, prov, tmp_path / "results", probe=probe)
    return path, cfg


def test_the_judge_finds_an_entry_fresh_then_stale(tmp_path, monkeypatch):
    path, cfg = _archived(tmp_path)
    hit = registry.load_archived("variance_propagation", "smoke", cfg, tmp_path / "results")
    assert not hit.stale and hit.stale_reason == ""
    _change_the_normalized_init(monkeypatch, tmp_path)
    hit = registry.load_archived("variance_propagation", "smoke", cfg, tmp_path / "results")
    assert hit.stale and "today's code computes other numbers: its probe moved (variance." in hit.stale_reason
    table = registry.check_archive(tmp_path / "results")
    assert table["status"].tolist() == ["stale"]


def test_an_entry_without_a_probe_is_stale(tmp_path):
    path, cfg = _archived(tmp_path)
    prov = json.loads((path / "provenance.json").read_text())
    del prov["probe"]
    (path / "provenance.json").write_text(json.dumps(prov))
    shutil.rmtree(path / "probe")
    hit = registry.load_archived("variance_propagation", "smoke", cfg, tmp_path / "results")
    assert hit.stale and "before the archive recorded a behavioural probe" in hit.stale_reason


def test_gpu_entries_are_also_judged_by_the_device_code_hash(tmp_path):
    path, cfg = _archived(tmp_path)
    prov = json.loads((path / "provenance.json").read_text())
    prov["device"] = "NVIDIA H200"
    prov["probe"]["device_code"] = "0" * 64
    (path / "provenance.json").write_text(json.dumps(prov))
    hit = registry.load_archived("variance_propagation", "smoke", cfg, tmp_path / "results")
    assert hit.stale and "device-only code" in hit.stale_reason
    prov["device"] = "CPU: some CPU"
    (path / "provenance.json").write_text(json.dumps(prov))
    assert not registry.load_archived("variance_propagation", "smoke", cfg, tmp_path / "results").stale


def test_the_archive_is_fresh_and_checks_quickly():
    """The committed archive, judged by today's code: every entry fresh, in well under 60 s."""
    t0 = time.perf_counter()
    table = registry.check_archive()
    assert time.perf_counter() - t0 < 60
    assert (table["status"] == "ok").all(), table[table["status"] != "ok"].to_string()


def test_a_probe_spends_no_chunk_budget_and_no_checkpoint_count(tmp_path, monkeypatch):
    # a probe's runner is handed PROBE_SETTINGS: no work budget (whatever chunk it starts), and
    # saves the fault injection (GLOROT_KILL_AFTER_CHECKPOINTS) does not count
    monkeypatch.setattr(behaviour, "_MEMORY", {})
    exp = experiments.EXPERIMENTS["gradient_dynamics"]
    given = []

    def runner(cfg, device, checkpoint_dir, *, settings):
        given.append(settings)
        return exp.runner(cfg, device, checkpoint_dir, settings=settings)

    before = checkpoints._saves_done
    behaviour.run_probe(dataclasses.replace(exp, runner=runner), cache=False)
    assert given == [behaviour.PROBE_SETTINGS]
    assert given[0].budget is None and not given[0].fault_injection
    assert checkpoints._saves_done == before
    # the same runner with the default settings checkpoints, and each save is counted
    exp.runner(registry.config("gradient_dynamics", "smoke"), "cpu", tmp_path / "ck")
    assert checkpoints._saves_done > before


# --------------------------------------------------------------------------- the start of a run


def test_a_run_is_fingerprinted_when_it_starts_and_refuses_to_resume_on_other_numbers(tmp_path, monkeypatch):
    exp = experiments.EXPERIMENTS["variance_propagation"]
    ckpt = tmp_path / "ckpt"
    first = registry._start(exp, ckpt)
    assert first.attempts == 1 and first.earlier_wall_s == 0 and first.code["code_module"] == exp.module
    (ckpt / "partial.pt").write_bytes(b"x")  # a checkpoint written by the first attempt
    again = registry._start(exp, ckpt)
    assert again.attempts == 2 and again.earlier_wall_s >= 0 and again.code == first.code
    _change_the_normalized_init(monkeypatch, tmp_path)
    with pytest.raises(ConfigError, match="computes other numbers than today's"):
        registry._start(exp, ckpt)


def test_a_resumed_run_counts_the_wall_time_of_every_attempt(tmp_path):
    exp = experiments.EXPERIMENTS["variance_propagation"]
    ckpt = tmp_path / "ckpt"
    registry._start(exp, ckpt)
    record = json.loads((ckpt / registry.START).read_text())
    record["attempts"][0]["started"] -= 100.0  # the first attempt began 100 s ago ...
    (ckpt / registry.START).write_text(json.dumps(record))
    (ckpt / "partial.pt").write_bytes(b"x")  # ... and checkpointed just now, then died
    again = registry._start(exp, ckpt)
    assert again.attempts == 2 and 99.0 < again.earlier_wall_s < 110.0


def _errors(values) -> dict[str, pd.DataFrame]:
    return {"curves": pd.DataFrame({"update": np.arange(len(values)), "error": values,
                                    "cost": np.linspace(2.3, 1.1, len(values))})}


def test_one_example_flipping_between_hosts_moves_nothing():
    """An argmax at a last-bit tie flips one example of 100 on another CPU (measured: AMD EPYC
    against Intel Xeon, the Shapeset-curves probe); the costs beside it do not move."""
    then = _errors(np.linspace(0.95, 0.4, 63).round(2))
    now = {k: df.copy() for k, df in then.items()}
    now["curves"].loc[17, "error"] += 0.01
    assert behaviour.compare(then, now) == []


@pytest.mark.parametrize("change, phrase", [
    (lambda e: e.assign(error=e["error"] + 0.01), "curves.error: 63 of 63 values moved"),  # every value: not a flip
    (lambda e: e.assign(error=e["error"] + 0.03 * (e.index == 5)), "curves.error: 1 of 63 values moved"),  # 3 examples
    (lambda e: e.assign(cost=e["cost"] * (1 + 1e-3 * (e.index == 5))), "curves.cost: 1 of 63 values moved"),
])
def test_errors_moving_more_than_a_flip_are_seen(change, phrase):
    then = _errors(np.linspace(0.95, 0.4, 63).round(2))
    now = {"curves": change(then["curves"].copy())}
    assert any(d.startswith(phrase) for d in behaviour.compare(then, now)), behaviour.compare(then, now)
