"""The results archive: finished runs as small data files with their provenance (no weights).

Layout: ``results/<experiment>/<profile>-<key>/`` holding ``provenance.json`` and one
``<frame>.csv.gz`` per result table, where ``key`` is a hash of the full configuration. A
chapter asks for ``(experiment, config)``; a stored run with the same configuration is
returned with its provenance, so the page can say where and when it was computed.

Provenance: package version, git commit (and whether the code had uncommitted changes),
torch version, device name, date, wall time, the full configuration (seeds included).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import subprocess
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
import torch

from . import __version__

REPO_ROOT = Path(__file__).resolve().parents[2]
CODE_PATHS = ("src", "pyproject.toml")
"""What a run's provenance calls its code: a change here marks the run's commit dirty."""
DEFAULT_ARCHIVE = Path(os.environ.get("GLOROT_RESULTS", REPO_ROOT / "results"))


def config_key(config: dict) -> str:
    """A short, stable hash of a configuration (JSON with sorted keys)."""
    blob = json.dumps(config, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:10]


def device_name(device: str | torch.device) -> str:
    """A human-readable device name: the GPU's name, or the CPU's model and core count."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    threads = torch.get_num_threads()
    return f"CPU: {cpu} ({os.cpu_count()} cores, {threads} torch thread{'' if threads == 1 else 's'})"


def git_commit(root: Path = REPO_ROOT) -> tuple[str, bool]:
    """(commit, dirty) of the repository holding this package, or ("unknown", False).

    ``dirty`` means the code that ran differs from the commit: a change to, or a file git does
    not track yet in, ``src/`` or ``pyproject.toml``. The results archive and the chapters do
    not count, so archiving one run after another leaves the next one clean.
    """
    try:
        git = partial(subprocess.run, cwd=root, capture_output=True, text=True, check=True)
        commit = git(["git", "rev-parse", "HEAD"]).stdout.strip()
        dirty = bool(git(["git", "status", "--porcelain", "--untracked-files=all", "--", *CODE_PATHS]).stdout.strip())
        return commit, dirty
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False


def provenance(config: dict, device, wall_time_s: float) -> dict:
    """Everything needed to say where a result came from."""
    commit, dirty = git_commit()
    return {
        "package_version": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "torch_version": torch.__version__,
        "device": device_name(device),
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "wall_time_s": round(float(wall_time_s), 2),
        "config": config,
    }


@dataclass
class ArchivedRun:
    """A stored run: its tables and its provenance."""

    experiment: str
    profile: str
    frames: dict[str, pd.DataFrame]
    provenance: dict
    path: Path


def run_dir(experiment: str, profile: str, config: dict, root: Path | None = None) -> Path:
    return Path(root or DEFAULT_ARCHIVE) / experiment / f"{profile}-{config_key(config)}"


def save(experiment: str, profile: str, config: dict, frames: dict[str, pd.DataFrame], prov: dict, root: Path | None = None) -> Path:
    """Write a run's tables and provenance; the folder is replaced atomically."""
    final = run_dir(experiment, profile, config, root)
    tmp = final.with_name(final.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        df.to_csv(tmp / f"{name}.csv.gz", index=False, float_format="%.8g", compression={"method": "gzip", "mtime": 0})
    (tmp / "provenance.json").write_text(json.dumps(prov | {"frames": sorted(frames)}, indent=2, sort_keys=True, default=str) + "\n")
    if final.exists():
        for f in final.iterdir():
            f.unlink()
        final.rmdir()
    os.replace(tmp, final)
    return final


def load(experiment: str, profile: str, config: dict, root: Path | None = None) -> ArchivedRun | None:
    """The stored run with exactly this configuration, or None."""
    path = run_dir(experiment, profile, config, root)
    prov_file = path / "provenance.json"
    if not prov_file.exists():
        return None
    try:
        prov = json.loads(prov_file.read_text())
        frames = {name: pd.read_csv(path / f"{name}.csv.gz") for name in prov["frames"]}
    except (OSError, ValueError, KeyError) as e:
        raise ValueError(f"archived run {path} is corrupt ({e}); delete the folder or re-run the experiment") from e
    return ArchivedRun(experiment, profile, frames, prov, path)


def describe(prov: dict, source: str) -> str:
    """One line for a caption: where the numbers come from."""
    commit = prov.get("git_commit", "unknown")[:8] + ("+dirty" if prov.get("git_dirty") else "")
    return (
        f"{source}: {prov['device']}, torch {prov['torch_version']}, glorot {prov['package_version']} "
        f"(commit {commit}), {prov['date'][:10]}, {prov['wall_time_s']:.0f} s"
    )
