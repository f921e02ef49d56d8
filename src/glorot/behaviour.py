"""Behavioural fingerprints: an archived run is stale when the *numbers* the code produces
change, not its text.

Every experiment has a **probe**: a small, fixed configuration of itself (by default its
``smoke`` profile, at one torch thread) that goes through every stage the experiment runs —
training, pre-training, probing, evaluation — in about a second on a CPU. When a run starts,
the probe is run with the code that is about to train (:func:`run_probe`), and its output
tables are stored with the archive entry. Later, :func:`staleness` runs the probe of the
stored configuration again with today's code and compares (:func:`compare`):

* the entry is **fresh** when every table, column and row of the probe output is where it was,
  within a tolerance that absorbs host differences (the machines alternate between AMD and
  Intel CPUs, whose BLAS differ in the last bits; measured: 1e-7 relative between one and two
  threads of one host): a value has moved when ``|now - then| > RTOL * |then| + ATOL * scale``,
  ``scale`` being the largest magnitude in its column; integers, booleans and text must match
  exactly, NaNs must stay NaNs. Classification errors are the exception: an error column
  (named ``error`` or ``*_error``) counts argmax decisions, and an example whose two best
  classes tie to the last bits flips between hosts (measured: one of 63 values of the
  Shapeset-curves probe, one example in 100, AMD EPYC against Intel Xeon, every cost in the
  same table within 1e-4). Such a value may move by up to :data:`ERROR_FLIP` (one example of
  the smallest evaluation set a probe uses), in at most :data:`ERROR_FLIP_SHARE` of its
  column's values (at least one); the continuous columns beside it (costs, losses, weights)
  keep the strict tolerance, and they move when the code does;
* it is **stale** when any value has moved: a docstring, a comment, the order of imports, a
  rename or a newly registered experiment change nothing, while a constant that changes
  results (the normalized initialization's 6 in eq. 16) stales exactly the experiments whose
  probe goes through it.

Code a CPU probe cannot reach — the CUDA-graph engine and the Triton kernels
(:data:`DEVICE_ONLY_MODULES`) — is covered by its text hash (:func:`device_code_hash`),
recorded beside; it stales only entries that ran on a GPU.

Probe outputs are cached by :func:`glorot.fingerprint.source_hash` (every byte of the package)
and torch's version, in memory and under :data:`CACHE_DIR`, so checking the whole archive runs
each experiment's probe once per version of the code (a few seconds in all).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from . import fingerprint
from .configs import ConfigError, build
from .run_settings import RunSettings
from .train import cpu_threads

PROBE_THREADS = 1
"""Torch threads a probe runs with, wherever it runs (one thread: the same order of sums on
every machine, which keeps host differences to the BLAS kernels' last bits)."""

RTOL = 1e-4
"""Relative tolerance of one probe value (see the module docstring)."""
ATOL = 1e-5
"""Absolute tolerance of one probe value, as a share of the largest magnitude in its column."""

ERROR_FLIP = 0.011
"""How far one classification-error value of a probe may move between hosts: one example of
100, the smallest evaluation set of any probe (``n_valid`` of the Shapeset-curves smoke profile),
with room for the float rounding of the share."""
ERROR_FLIP_SHARE = 0.05
"""The share of an error column's values that may each move by up to :data:`ERROR_FLIP`."""

DEVICE_ONLY_MODULES = ("glorot.cuda_step", "glorot.triton_kernels")
"""Code that runs on a GPU only: covered by its text hash, not by the CPU probe."""

CACHE_DIR = Path(os.environ.get("GLOROT_PROBE_CACHE", Path(__file__).resolve().parents[2] / "tmp" / "probe-cache"))
"""Where probe outputs are cached, one folder per version of the package's code."""

FLOAT_FORMAT = "%.8g"
"""How probe tables are written (the archive's format for every table)."""

PROBE_SETTINGS = RunSettings(fault_injection=False)
"""The run settings a probe's runner gets: the default execution, no work budget (a probe run
at the start of a chunk spends none of the chunk's), and saves the fault injection of
``GLOROT_KILL_AFTER_CHECKPOINTS`` does not count (it is not one of the run's checkpoints)."""


@dataclass(frozen=True)
class Probe:
    """One probe's output: the experiment, the probe configuration in full, and its tables in
    their canonical form (as they read back from the archive's CSV)."""

    experiment: str
    config: dict
    frames: dict[str, pd.DataFrame]

    def record(self) -> dict:
        """What the provenance of an entry stores about its probe (the tables go beside, as
        files): the configuration, the threads, the tolerance, the device-only code's hash."""
        return {"config": self.config, "threads": PROBE_THREADS, "rtol": RTOL, "atol": ATOL, "error_flip": ERROR_FLIP,
                "error_flip_share": ERROR_FLIP_SHARE,
                "frames": sorted(self.frames), "device_code": device_code_hash()}


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as it reads back from the archive's CSV (floats to 8 significant digits), so that
    a table computed now and one read from an entry compare like with like."""
    return pd.read_csv(io.StringIO(df.to_csv(index=False, float_format=FLOAT_FORMAT)))


def probe_config(exp) -> dict:
    """The probe configuration of experiment ``exp`` (an :class:`~glorot.experiments.Experiment`),
    in full: its ``probe`` overrides (default: the smoke profile's) at :data:`PROBE_THREADS`."""
    overrides = dict(exp.probe if exp.probe is not None else exp.profiles["smoke"])
    cfg = build(exp.config_class, overrides)
    if "cpu_threads" in cfg.to_dict():
        cfg = cfg.replace(cpu_threads=PROBE_THREADS)
    return cfg.to_dict()


def device_code_hash() -> str:
    """The text hash of :data:`DEVICE_ONLY_MODULES` (docstrings left out)."""
    return fingerprint.modules_hash(DEVICE_ONLY_MODULES)


_MEMORY: dict[tuple, dict[str, pd.DataFrame]] = {}


def _cache_key(name: str, config: dict) -> tuple[str, str]:
    blob = json.dumps(config, sort_keys=True, default=str)
    code = f"{fingerprint.source_hash()[:20]}-torch{torch.__version__}"
    return code, f"{name}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def _read_cached(folder: Path) -> dict[str, pd.DataFrame] | None:
    try:
        names = json.loads((folder / "frames.json").read_text())
        return {n: pd.read_csv(folder / f"{n}.csv") for n in names}
    except (OSError, ValueError):
        return None


def _write_cached(folder: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Written into a temporary folder and renamed into place (two processes may race)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-"))
        for n, df in frames.items():
            df.to_csv(tmp / f"{n}.csv", index=False, float_format=FLOAT_FORMAT)
        (tmp / "frames.json").write_text(json.dumps(sorted(frames)))
        try:
            os.rename(tmp, folder)
        except OSError:  # another process cached it first
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        pass  # a read-only checkout: the probe is simply not cached on disk


def run_probe(exp, config: dict | None = None, *, cache: bool = True) -> Probe:
    """Run the probe of ``exp`` (its :func:`probe_config`, or the stored ``config`` of an
    entry) with today's code, on the CPU at :data:`PROBE_THREADS`, in a temporary checkpoint
    folder, printing nothing, with :data:`PROBE_SETTINGS` (so outside any work budget of a
    chunk, its saves uncounted by the fault injection), with torch's global random state
    restored afterwards. Raises :class:`~glorot.configs.ConfigError` when ``config`` no
    longer builds."""
    config = probe_config(exp) if config is None else config
    cfg = build(exp.config_class, config)
    code, key = _cache_key(exp.name, cfg.to_dict())
    if cache and (code, key) in _MEMORY:
        return Probe(exp.name, cfg.to_dict(), _MEMORY[(code, key)])
    folder = CACHE_DIR / code / key
    frames = _read_cached(folder) if cache else None
    if frames is None:
        with tempfile.TemporaryDirectory(prefix="glorot-probe-") as tmp, torch.random.fork_rng(devices=[]), \
                cpu_threads(PROBE_THREADS), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            out = exp.runner(cfg, "cpu", Path(tmp) / "checkpoints", settings=PROBE_SETTINGS)
        frames = {n: canonical(df) for n, df in out.items()}
        if cache:
            _write_cached(folder, frames)
    if cache:
        _MEMORY[(code, key)] = frames
    return Probe(exp.name, cfg.to_dict(), frames)


def _numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _is_error_column(name: str) -> bool:
    return name == "error" or name.endswith("_error")


def _column_moves(now: pd.Series, then: pd.Series, error: bool = False) -> tuple[int, float]:
    """(how many values moved, the largest move as a share of the column's scale); ``error``:
    the column is a classification error, whose values may flip by one example between hosts
    (module docstring)."""
    if _numeric(now) and _numeric(then) and not (pd.api.types.is_integer_dtype(now) and pd.api.types.is_integer_dtype(then)):
        a, b = now.to_numpy(float), then.to_numpy(float)
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        finite = np.isfinite(b) & np.isfinite(a)
        scale = float(np.max(np.abs(b[finite]))) if finite.any() else 1.0
        scale = scale or 1.0
        diff = np.where(finite, np.abs(a - b), 0.0)
        moved = (nan_a != nan_b) | (finite & (diff > RTOL * np.abs(b) + ATOL * scale))
        moved |= ~finite & ~(nan_a & nan_b) & (a != b)  # infinities must stay where they were
        if error:
            flips = moved & finite & (diff <= ERROR_FLIP)
            if flips.sum() <= max(1, int(ERROR_FLIP_SHARE * len(b))):
                moved &= ~flips
        return int(moved.sum()), float(diff.max() / scale) if len(diff) else 0.0
    moved = now.astype(str).to_numpy() != then.astype(str).to_numpy()
    return int(moved.sum()), float("nan")


def compare(then: dict[str, pd.DataFrame], now: dict[str, pd.DataFrame]) -> list[str]:
    """Where the probe output ``now`` differs from the stored ``then`` beyond the tolerance
    (module docstring), one phrase per table or column; empty when nothing moved."""
    diffs = []
    if set(then) != set(now):
        diffs.append(f"its probe now writes the tables {sorted(now)}, not {sorted(then)}")
    for name in sorted(set(then) & set(now)):
        a, b = now[name], then[name]
        if set(a.columns) != set(b.columns):
            diffs.append(f"table {name} now has the columns {sorted(a.columns)}, not {sorted(b.columns)}")
            continue
        if len(a) != len(b):
            diffs.append(f"table {name} now has {len(a)} rows, not {len(b)}")
            continue
        for col in b.columns:
            n, largest = _column_moves(a[col].reset_index(drop=True), b[col].reset_index(drop=True), _is_error_column(col))
            if n:
                by = f", by up to {largest:.2g} of the column's scale" if largest == largest else ""
                diffs.append(f"{name}.{col}: {n} of {len(b)} values moved{by}")
    return diffs


def staleness(exp, prov: dict, probe_frames: dict[str, pd.DataFrame] | None) -> str:
    """Why the archived run with provenance ``prov`` and stored probe tables ``probe_frames``
    would not be computed the same by today's code ("" when it would): its probe, re-run now,
    moved (:func:`compare`); it ran on a GPU and the device-only code has changed; or it has
    no probe (made before behavioural fingerprints)."""
    record = prov.get("probe")
    if not isinstance(record, dict) or probe_frames is None:
        return "made before the archive recorded a behavioural probe of the code that computed it"
    try:
        now = run_probe(exp, record.get("config"))
    except ConfigError as e:
        return f"its probe configuration is no longer valid ({e})"
    except Exception as e:  # the probe no longer runs: the code has changed in what it does
        return f"its probe no longer runs with today's code ({type(e).__name__}: {e})"
    diffs = compare(probe_frames, now.frames)
    if diffs:
        shown = "; ".join(diffs[:3]) + (f"; and {len(diffs) - 3} more" if len(diffs) > 3 else "")
        return f"today's code computes other numbers: its probe moved ({shown})"
    if not str(prov.get("device", "CPU")).startswith("CPU") and record.get("device_code") != device_code_hash():
        return ("it ran on a GPU, and the device-only code (" + ", ".join(DEVICE_ONLY_MODULES)
                + ") has changed since")
    return ""


_PROBES_IN_PACKAGE = """
import contextlib, io, json, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import torch
from glorot import experiments
from glorot.configs import build
torch.set_num_threads(int(sys.argv[3]))
out = {}
for name, config in json.loads(sys.argv[2]).items():
    exp = experiments.EXPERIMENTS[name]
    cfg = build(exp.config_class, config)
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        frames = exp.runner(cfg, "cpu", Path(tmp) / "checkpoints")
    out[name] = {n: df.to_csv(index=False, float_format="%.8g") for n, df in frames.items()}
json.dump(out, sys.stdout)
"""


def probes_with_package(src: Path | str, configs: dict[str, dict]) -> dict[str, dict[str, pd.DataFrame]]:
    """The probes of the experiments ``configs`` names, each at its configuration, as computed
    by *another copy* of the package, the one under ``src`` (a folder holding ``glorot/``: an
    older commit's ``src/``, or an edited copy in a test), in one fresh interpreter at
    :data:`PROBE_THREADS`; their tables in canonical form. This is how
    :func:`glorot.experiments.registry.migrate` checks that today's code computes what an older
    commit's did."""
    import subprocess
    import sys

    env = os.environ | {"PYTHONHASHSEED": "0", "TQDM_DISABLE": "1"}
    out = subprocess.run([sys.executable, "-c", _PROBES_IN_PACKAGE, str(src), json.dumps(configs), str(PROBE_THREADS)],
                         check=True, capture_output=True, text=True, env=env).stdout
    return {name: {n: pd.read_csv(io.StringIO(text)) for n, text in tables.items()} for name, tables in json.loads(out).items()}
