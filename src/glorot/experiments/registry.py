"""The experiment record and the job pipeline every experiment goes through.

A job: chapter parameters / papermill ``-p`` / CLI ``--set`` -> :func:`config` (the
experiment's typed configuration, every field checked before any compute, see
:mod:`glorot.configs`) -> :func:`run`: a verified archive hit (:mod:`glorot.archive`), or
an estimate of the wall time on this device (:mod:`glorot.budget`; over 30 minutes it is
refused unless ``allow_long=True``) followed by the runner, which checkpoints as it goes and
resumes after an interruption -> a :class:`Result` whose :meth:`Result.scale` line every
figure caption carries.

Profiles: ``smoke`` (seconds; for tests), ``quick`` (minutes on a laptop CPU; the phenomenon
visible at reduced width or updates) and ``paper`` (the paper's sizes and budgets; the
configuration class's own defaults). This module imports no section: the sections
(:mod:`glorot.experiments.setting`, ``saturation``, ...) import it and :func:`register`
their experiments, and :mod:`glorot.experiments` imports every section.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import torch

from .. import archive, behaviour, budget, checkpoints
from ..configs import Config, ConfigError, Knob, build, check_value, knob
from ..run_settings import Execution, RunSettings, WorkBudget
from ..train import cpu_threads
from ..validation import check_choice, check_device

PROFILES = ("smoke", "quick", "wide", "search", "long", "paper")
"""Every profile of the book, from the smallest run to the paper's (an experiment has
``smoke``, ``quick`` and ``paper``, and the others where they apply):

* ``smoke``  seconds, for the tests; also the behavioural probe (:mod:`glorot.behaviour`);
* ``quick``  minutes on a laptop CPU: width 100, a few epochs;
* ``wide``   the paper's width 1000 on a CPU for a few epochs (Figs. 3-4, 9-10);
* ``search`` the learning-rate search of ``long`` (Shapeset curves: 500k updates per rate);
* ``long``   the paper's updates, seeds and learning-rate protocol at width 100 (hours on one
  CPU core);
* ``paper``  the paper's width and budget (the configuration class's defaults; a GPU)."""
REQUIRED_PROFILES = ("smoke", "quick", "paper")

CHECKPOINT_ROOT = Path(os.environ.get("GLOROT_CHECKPOINTS", archive.REPO_ROOT / "tmp" / "checkpoints"))
"""Where runs checkpoint while they train (``tmp/`` is ignored by git): one folder per
experiment and configuration, removed once the run is complete."""


@dataclass(frozen=True)
class Experiment:
    """A named experiment: the paper's figure or table it reproduces, its configuration class
    (whose defaults are the paper profile), the overrides of the other profiles, and how to
    run it.

    ``runner(cfg, device, checkpoint_dir, *, settings=DEFAULT)`` returns the result's tables;
    ``settings`` (a :class:`glorot.run_settings.RunSettings`: execution, a chunk's work budget,
    whether its saves count for the fault injection) are passed on to every training loop it
    calls (a runner that trains nothing takes them and has no use for them). ``stages(cfg)``
    describes a training experiment's work for :func:`glorot.budget.estimate` (None: nothing
    is trained, no estimate). ``data_files(cfg)`` lists the data files the run reads (their
    sha256 go into the provenance). ``cpu_threads``: torch threads on a CPU (None: torch's
    default; a configuration's ``cpu_threads`` wins).
    """

    name: str
    paper: str
    config_class: type[Config]
    profiles: dict[str, dict]
    runner: Callable[..., dict[str, pd.DataFrame]]
    module: str
    note: dict[str, str] = field(default_factory=dict)
    stages: Callable[[Config], list[budget.Stage]] | None = None
    data_files: Callable[[Config], list] | None = None
    cpu_threads: int | None = None
    probe: dict | None = None
    """The overrides of its behavioural probe (:mod:`glorot.behaviour`): a configuration small
    enough to run in about a second that goes through every stage the runner has; None: the
    smoke profile's."""

    def defaults(self, profile: str) -> Config:
        """The configuration of ``profile`` with no overrides."""
        return build(self.config_class, self.profiles[self.check_profile(profile)])

    def check_profile(self, profile) -> str:
        """``profile`` if this experiment has it; else a ValueError naming the ones it has."""
        if not isinstance(profile, str) or profile not in self.profiles:
            known = [p for p in PROFILES if p in self.profiles]
            raise ConfigError(f"profile must be one of {', '.join(known)} for {self.name}, got {profile!r}"
                              + (f" ({profile!r} is a profile of other experiments)" if profile in PROFILES else ""))
        return profile


EXPERIMENTS: dict[str, Experiment] = {}


def register(*experiments: Experiment) -> None:
    """Add experiments to the registry (each section module registers its own)."""
    for e in experiments:
        if e.name in EXPERIMENTS:
            raise ValueError(f"experiment {e.name!r} is registered twice")
        if not set(REQUIRED_PROFILES) <= set(e.profiles) <= set(PROFILES):
            raise ValueError(f"experiment {e.name!r} must define the profiles {REQUIRED_PROFILES}, and others only "
                             f"among {PROFILES}; it defines {sorted(e.profiles)}")
        EXPERIMENTS[e.name] = e


def experiment(name: str) -> Experiment:
    return EXPERIMENTS[check_choice("experiment", name, EXPERIMENTS)]


def staleness(name: str, prov: dict, probe_frames) -> str:
    """The book's staleness judge (:data:`glorot.archive.Staleness`): whether today's code
    computes what the entry of experiment ``name`` stored, by re-running its behavioural probe
    (:func:`glorot.behaviour.staleness`)."""
    if name not in EXPERIMENTS:
        return f"no experiment {name!r} is registered now"
    return behaviour.staleness(EXPERIMENTS[name], prov, probe_frames)


def load_archived(name: str, profile: str, cfg: Config, root: Path | None = None) -> archive.ArchivedRun | None:
    """The archived run of this configuration, verified and judged by its probe (None: none)."""
    return archive.load(name, profile, cfg.to_dict(), root, staleness=staleness)


def check_archive(root: Path | None = None) -> pd.DataFrame:
    """Every entry of the archive checked (:func:`glorot.archive.check_all`) and judged by its
    behavioural probe: each experiment's probe runs once (cached per version of the code)."""
    return archive.check_all(root, staleness=staleness)


def migrate(root: Path | None = None, from_commit: str = "HEAD") -> list[tuple[str, str]]:
    """Record a behavioural probe in every entry that has none, without re-training it, where
    that is sound. Two checks must pass: the entry's text fingerprint (the archive's rule
    before probes) equals that of its module in the code of ``from_commit``, so that commit's
    code made it; and the probe computed by that commit's code (in a fresh interpreter) equals
    the probe today's code computes, within :mod:`glorot.behaviour`'s tolerance, so today's
    code computes what made it. Today's probe is then recorded. Returns ``(entry, what was
    done)`` for every entry without a probe; one that fails a check is left as it is (stale)."""
    import io
    import subprocess
    import tarfile
    import tempfile

    from .. import fingerprint

    root = Path(root or archive.DEFAULT_ARCHIVE)
    done = []
    with tempfile.TemporaryDirectory(prefix="glorot-migrate-") as tmp:
        blob = subprocess.run(["git", "archive", from_commit, "src/glorot"], cwd=archive.REPO_ROOT, capture_output=True,
                              check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(tmp, filter="data")
        old_src = Path(tmp) / "src"
        agree: dict[str, list[str]] = {}
        for entry in sorted(p for p in root.glob("*/*") if p.is_dir() and not p.name.startswith(".")):
            prov = json.loads((entry / "provenance.json").read_text())
            if "probe" in prov:
                continue
            name = entry.parent.name
            try:
                then = fingerprint.code_fingerprint(prov.get("code_module", ""), old_src / "glorot")[0]
            except KeyError:
                then = None
            if name not in EXPERIMENTS or then != prov.get("code_fingerprint"):
                done.append((f"{name}/{entry.name}", f"left as it is: not made by the code of {from_commit}"))
                continue
            probe = behaviour.run_probe(EXPERIMENTS[name])
            if name not in agree:
                then_probe = behaviour.probes_with_package(old_src, {name: probe.config})[name]
                agree[name] = behaviour.compare(then_probe, probe.frames)
            if agree[name]:
                done.append((f"{name}/{entry.name}", f"left as it is: today's code computes other numbers than {from_commit}'s "
                             f"({'; '.join(agree[name][:2])})"))
                continue
            archive.add_probe(entry, probe)
            done.append((f"{name}/{entry.name}", f"probe recorded (made by {from_commit}'s code, whose probe today's equals)"))
    return done


def config(name: str, profile: str = "quick", **overrides) -> Config:
    """The validated configuration of experiment ``name`` at ``profile`` with ``overrides``.

    Raises a ValueError naming the field and its valid values for an unknown experiment,
    profile or parameter, a value of the wrong type, out of range, NaN or infinite, an empty
    list, or an interval longer than the run. An override of None keeps the profile's value.
    """
    exp = experiment(name)
    values = dict(exp.profiles[exp.check_profile(profile)])
    values |= {k: v for k, v in overrides.items() if v is not None}
    return build(exp.config_class, values)


_FACTOR = knob(1, "int", lo=1, hi=1000, doc="how many times the quick budget a chapter's longer run takes")


def longer_run(profile: str, factor, cfg: Config, keys) -> tuple[dict | None, str]:
    """The overrides of a chapter's *longer run*: ``factor`` times each of ``keys`` of ``cfg``
    (the updates, and the intervals or sizes that scale with them). Returns ``(overrides,
    "")``, or ``(None, why)`` where no longer run is made: at the paper profile (its run is
    already full length) or with a factor of 1. ``factor`` is checked first (an integer in
    [1, 1000]), and the longer configuration is built, so that it fails before any compute."""
    factor = check_value("longer_factor", factor, _FACTOR.metadata["knob"])
    if check_choice("profile", profile, PROFILES) in ("paper", "long"):
        return None, f"**Skipped**: the {profile} profile's run above is already at the paper's length."
    if factor == 1:
        return None, "**Skipped**: `longer_factor` is 1."
    overrides = {k: factor * cfg[k] for k in keys}
    cfg.replace(**overrides)
    return overrides, ""


def check_flag(name: str, value) -> bool:
    """A True/False argument (``use_archive``, ``save``, ``allow_long``); the string
    ``"False"`` is not a flag."""
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return value


def check_flags(**flags) -> None:
    """Each keyword a True/False flag (a chapter checks its ``use_archive`` and
    ``allow_long`` parameters with this before any compute)."""
    for name, value in flags.items():
        check_flag(name, value)


@dataclass
class Result:
    """An experiment's tables with where they came from."""

    experiment: str
    profile: str
    config: Config
    frames: dict[str, pd.DataFrame]
    provenance: dict
    source: str  # "live" or "archived"
    stale: bool = False

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def scale(self) -> str:
        """The scale statement every figure carries: live/archived, profile, changes from the
        profile, seeds, device, commit, date, wall time. The profile's note (what it is beside
        the paper) is left out where the run changes the profile's settings: it would describe
        settings the run does not have; the changes are then stated instead."""
        changes = self.changes_from_profile()
        note = "" if changes else EXPERIMENTS[self.experiment].note.get(self.profile, "")
        seeds = self.config.get("seeds", self.config.get("seed"))
        if "n_seeds" in self.config and seeds is not None:
            seeds = list(range(seeds, seeds + self.config["n_seeds"]))
        seeds = "" if seeds is None else f", seed{'s' if isinstance(seeds, list) else ''} {seeds}"
        return (f"{self.source} run, profile '{self.profile}'" + (f" ({note})" if note else "")
                + changes + seeds + f"; {archive.describe(self.provenance, self.source, stale=self.stale, remake=self.remake_command())}")

    def remake_command(self) -> str:
        """The command that recomputes this run and replaces its archive entry: the profile and
        every override it was made with (``--set``), on the CPU."""
        return cli_command(self.experiment, self.profile, self.config, device="cpu").replace(" --device cpu", " --force", 1)

    def changes_from_profile(self) -> str:
        """Where the configuration departs from the profile's defaults (which the profile's note
        describes): ``" with updates 30,000 instead of the profile's 6,000"``; empty if nowhere."""
        defaults = EXPERIMENTS[self.experiment].defaults(self.profile).to_dict()

        def fmt(v):
            return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)

        keys = [k for k, v in self.config.to_dict().items() if defaults.get(k) != v]
        changed = [f"{k} {fmt(self.config[k])} instead of {'the profile' + chr(39) + 's ' if i == 0 else ''}{fmt(defaults.get(k))}"
                   for i, k in enumerate(keys)]
        return f" with {', '.join(changed)}" if changed else ""


def cli_command(name: str, profile: str, cfg: Config, device: str = "cuda") -> str:
    """The ``python -m glorot run`` command that makes this configuration on ``device``."""
    defaults = experiment(name).defaults(profile).to_dict()
    sets = [f"--set {k}={shlex.quote(json.dumps(v))}" for k, v in cfg.to_dict().items() if defaults.get(k) != v]
    return " ".join([f"python -m glorot run {name} --profile {profile} --device {device}", *sets])


def checkpoint_dir(name: str, profile: str, cfg: Config) -> Path:
    """Where a run of this configuration checkpoints."""
    return CHECKPOINT_ROOT / name / f"{profile}-{archive.config_key(cfg.to_dict())}"


def estimate(name: str, cfg: Config, device: str) -> budget.Estimate | None:
    """The predicted wall time of a training experiment on ``device`` (None: nothing trained)."""
    exp = experiment(name)
    if exp.stages is None:
        return None
    return budget.estimate(exp.stages(cfg), device, cpu_threads_of(exp, cfg, device))


def cpu_threads_of(exp: Experiment, cfg: Config, device: str) -> int | None:
    """The torch threads a run of ``exp`` at ``cfg`` trains with on ``device`` (None: not a
    CPU, or the process's default)."""
    if torch.device(device).type != "cpu":
        return None
    return cfg.get("cpu_threads") or exp.cpu_threads


def resolve(job: str | Config, profile: str, overrides: dict) -> tuple[Experiment, Config]:
    """The experiment and its checked configuration for a job given by name with ``overrides``
    of ``profile``, or as a configuration already built (:func:`config`; its class names the
    experiment, and it is checked again, so a hand-made one is refused like a bad override)."""
    if isinstance(job, Config):
        if overrides:
            raise ConfigError(f"pass a built configuration or overrides, not both (got {sorted(overrides)} with a "
                              f"{type(job).__name__})")
        exp = experiment(type(job).NAME)
        exp.check_profile(profile)
        if not isinstance(job, exp.config_class):
            raise ConfigError(f"a {type(job).__name__} is not a configuration of {exp.name}")
        return exp, build(exp.config_class, job.to_dict())
    return experiment(job), config(job, profile, **overrides)


def run(name: str | Config, profile: str = "quick", device: str = "cpu", use_archive: bool = True, save: bool = False,
        allow_long: bool = False, *, kernels: str = "torch", tf32: bool = False, progress: bool = True, **overrides) -> Result:
    """Run (or load from the archive) experiment ``name`` at ``profile`` on ``device``; ``name``
    may instead be a configuration built by :func:`config` (``run(config("gradient_dynamics",
    "quick", width=1000), "quick")``), which then needs no overrides.

    Everything is validated first. With ``use_archive`` a stored run of exactly this
    configuration is returned, verified (:func:`glorot.archive.load`). Otherwise a training
    experiment's wall time is estimated and printed; above 30 minutes it is refused unless
    ``allow_long`` (the message gives the command for a GPU). The run checkpoints under
    :data:`CHECKPOINT_ROOT` and resumes from there after an interruption; with ``save`` it is
    stored in the archive. ``kernels`` (``"torch"`` or ``"triton"``) and ``tf32`` choose how a
    CUDA run computes (:class:`glorot.run_settings.Execution`); a TF32 run is never archived, since
    its numbers are not the paper's float32 ones. ``progress``: a training run shows a progress
    bar with an ETA over its estimated model-updates (tqdm; ``TQDM_DISABLE=1`` turns every bar
    off, as ``make`` does for executed pages); one that trains nothing says what it computes.
    """
    exp, cfg = resolve(name, profile, overrides)
    name = exp.name
    device = check_device(device)
    use_archive, save, allow_long, tf32, progress = (check_flag(n, v) for n, v in (
        ("use_archive", use_archive), ("save", save), ("allow_long", allow_long), ("tf32", tf32), ("progress", progress)))
    check_choice("kernels", kernels, ("torch", "triton"))
    if (kernels != "torch" or tf32) and torch.device(device).type != "cuda":
        raise ConfigError(f"kernels={kernels!r} and tf32={tf32} are for CUDA devices; on {device} use kernels='torch', tf32=False")
    if tf32 and save:
        raise ConfigError("a TF32 run is not archived (the paper's numbers are float32): run it with save=False (CLI --no-save)")
    if use_archive:
        hit = load_archived(name, profile, cfg)
        if hit is not None:
            return Result(name, profile, cfg, hit.frames, hit.provenance, "archived", stale=hit.stale)
    est = estimate(name, cfg, device)
    if est is not None:
        print(f"{name} (profile {profile}): {est.describe()}", flush=True)
        if est.too_long and not allow_long:
            raise ConfigError(
                f"{name} at profile {profile!r} would take about {budget.format_seconds(est.seconds)} on {device}, over the "
                f"{budget.LIMIT_S // 60}-minute limit of an unasked run. Run it on a GPU: `{cli_command(name, profile, cfg)}`; "
                f"or allow it here with allow_long=True (CLI --allow-long, papermill -p allow_long True).")
    if est is None and progress:
        print(f"{name} (profile {profile}): nothing to train; computing its tables on {device}", flush=True)
    bar = None
    if est is not None and progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=est.model_updates, unit="upd", unit_scale=True, desc=name, mininterval=1.0, leave=True)
    try:
        return _execute(exp, profile, cfg, device, est, save, RunSettings(Execution(None, kernels, tf32), progress=bar))
    finally:
        if bar is not None:
            bar.close()


def _execute(exp: Experiment, profile: str, cfg: Config, device: str, est, save: bool, settings: RunSettings,
             chunk: dict | None = None) -> Result:
    """Run the runner with ``settings`` (resuming from its checkpoints), make the provenance,
    archive, clean up. ``chunk``: this call is one chunk of a chunked run (:func:`run_chunk`,
    whose work budget is in ``settings``); the chunks before it are in the checkpoint folder's
    ledger, and the provenance lists them all."""
    ckpt = checkpoint_dir(exp.name, profile, cfg)
    data_files = exp.data_files(cfg) if exp.data_files else []
    start = _start(exp, ckpt)
    with cpu_threads(cpu_threads_of(exp, cfg, device)):
        # the provenance is made inside, so that its device names the threads used
        t0 = time.perf_counter()
        frames = exp.runner(cfg, device, ckpt, settings=settings)
        wall = time.perf_counter() - t0
        chunks = None
        if chunk is not None:
            chunks = read_ledger(ckpt) + [chunk | {"wall_time_s": round(wall, 1), "status": "finished"}]
            wall = sum(c["wall_time_s"] for c in chunks)
        else:
            wall += start.earlier_wall_s
        prov = archive.provenance(cfg.to_dict(), device, wall, module=exp.module, data_files=data_files, code=start.code)
        prov |= {"experiment": exp.name, "profile": profile}
        if start.attempts > 1 and chunk is None:
            prov["attempts"] = start.attempts
    if settings.execution.describe():
        prov["execution"] = settings.execution.describe()
    if chunks is not None:
        prov["chunks"] = chunks
    if est is not None:
        prov["estimated_wall_time_s"] = round(est.seconds, 1)
    if save:
        archive.save(exp.name, profile, cfg.to_dict(), frames, prov, probe=start.probe)
    if ckpt.exists():
        shutil.rmtree(ckpt)
    return Result(exp.name, profile, cfg, frames, prov, "live")


# --------------------------------------------------------------------------- the start of a run

START = "started.json"
"""The file in a run's checkpoint folder that records how it started: the code it started with
(:func:`glorot.archive.code_identity`), its behavioural probe's configuration, and when each
attempt began and (as far as its last checkpoint shows) ended."""
START_PROBE = "start-probe"
"""The sub-folder of a run's checkpoint folder holding the probe tables of its first start."""


@dataclass(frozen=True)
class _Start:
    code: dict
    probe: behaviour.Probe
    attempts: int
    earlier_wall_s: float
    """Wall time of the earlier attempts, each up to its last checkpoint (the work after it was
    lost, and redone by a later attempt)."""


def _last_write(ckpt: Path) -> float:
    """When the newest file of the checkpoint folder was written (0 if none)."""
    times = [p.stat().st_mtime for p in ckpt.rglob("*") if p.is_file() and p.name != START]
    return max(times, default=0.0)


def _start(exp: Experiment, ckpt: Path) -> _Start:
    """Take the code and the behavioural probe at the start of a run, before any training (so
    that edits made while a long run trains do not describe it). A run resumed from its
    checkpoints must run code that computes the same probe as the code it started with;
    otherwise it would mix two versions' numbers, and it is refused before any compute."""
    probe = behaviour.run_probe(exp)
    path = ckpt / START
    if path.exists():
        try:
            record = json.loads(path.read_text())
            first = {n: pd.read_csv(ckpt / START_PROBE / f"{n}.csv") for n in record["probe_frames"]}
        except (OSError, ValueError, KeyError) as e:
            raise ConfigError(f"the start record {path} is corrupt ({e}); delete the folder {ckpt} to start the run afresh") from None
        moved = behaviour.compare(first, probe.frames) if record.get("probe_config") == probe.config else ["its probe configuration changed"]
        if moved:
            raise ConfigError(f"the checkpoints in {ckpt} were made by code that computes other numbers than today's "
                              f"({'; '.join(moved[:3])}): resuming would mix two versions of the code. Go back to the "
                              f"commit {record['code'].get('git_commit', '?')[:12]} to finish it, or delete the folder to start afresh.")
        probe = behaviour.Probe(exp.name, probe.config, first)
        attempts = record["attempts"]
        if "ended" not in attempts[-1]:
            attempts[-1]["ended"] = max(_last_write(ckpt), attempts[-1]["started"])
        code = record["code"]
    else:
        ckpt.mkdir(parents=True, exist_ok=True)
        (ckpt / START_PROBE).mkdir(exist_ok=True)
        for n, df in probe.frames.items():
            df.to_csv(ckpt / START_PROBE / f"{n}.csv", index=False, float_format=behaviour.FLOAT_FORMAT)
        attempts, code = [], archive.code_identity(exp.module)
        record = {"code": code, "probe_config": probe.config, "probe_frames": sorted(probe.frames)}
    earlier = sum(a["ended"] - a["started"] for a in attempts)
    attempts.append({"started": time.time()})
    tmp = ckpt / (START + ".tmp")
    tmp.write_text(json.dumps(record | {"attempts": attempts}, indent=1, default=str) + "\n")
    os.replace(tmp, path)
    return _Start(code, probe, len(attempts), earlier)


# --------------------------------------------------------------------------- chunks

LEDGER = "chunks.json"
"""The file in a run's checkpoint folder that lists the chunks done so far (plain JSON)."""


def read_ledger(ckpt: Path) -> list[dict]:
    """The chunks of a chunked run done so far, oldest first (empty if none)."""
    path = Path(ckpt) / LEDGER
    if not path.exists():
        return []
    try:
        chunks = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ConfigError(f"the chunk ledger {path} is corrupt ({e}); delete the folder {ckpt} to start the run afresh") from None
    if not isinstance(chunks, list) or not all(isinstance(c, dict) and "chunk" in c for c in chunks):
        raise ConfigError(f"the chunk ledger {path} is corrupt (not a list of chunks); delete the folder {ckpt} to start afresh")
    return chunks


def _write_ledger(ckpt: Path, chunks: list[dict]) -> None:
    ckpt.mkdir(parents=True, exist_ok=True)
    tmp = ckpt / (LEDGER + ".tmp")
    tmp.write_text(json.dumps(chunks, indent=1) + "\n")
    os.replace(tmp, ckpt / LEDGER)


def run_chunk(name: str, profile: str, chunk: int, device: str = "cpu", *, model_updates: int | None = None,
              seconds: float | None = None, save: bool = True, kernels: str = "torch", tf32: bool = False,
              **overrides) -> Result | None:
    """Run chunk number ``chunk`` (1, 2, ...) of experiment ``name`` at ``profile``: resume the
    run from its checkpoints, train until ``model_updates`` model-updates are done or
    ``seconds`` have passed (a :class:`glorot.run_settings.WorkBudget`, carried by the run's
    settings to its training loops), save the state and return None; or, if the run completes
    within the chunk, archive it (``save``) and return its :class:`Result`, whose provenance
    lists every chunk (worker, device, wall time). A run resumed from a checkpoint equals one
    that never stopped, so the merged archive entry is the uninterrupted run's. Chunk ``n``
    needs chunks ``1..n-1`` done (the ledger in the run's checkpoint folder; share that
    folder, ``GLOROT_CHECKPOINTS``, between machines)."""
    exp = experiment(name)
    cfg = config(name, profile, **overrides)
    device = check_device(device)
    chunk = check_value("chunk", chunk, Knob("int", lo=1, hi=100_000))
    if model_updates is not None:
        model_updates = check_value("model_updates", model_updates, Knob("int", lo=1, hi=10**12, unit="model-updates"))
    if seconds is not None:
        seconds = check_value("seconds", seconds, Knob("float", lo=1.0, hi=7 * 86400.0, unit="s"))
    if model_updates is None and seconds is None:
        raise ConfigError("a chunk needs a budget: model_updates (CLI --model-updates) and/or seconds (CLI --minutes)")
    save, tf32 = check_flag("save", save), check_flag("tf32", tf32)
    if tf32 and save:
        raise ConfigError("a TF32 run is not archived (the paper's numbers are float32): run it with save=False (CLI --no-save)")
    hit = load_archived(name, profile, cfg)
    if hit is not None:
        print(f"{name} (profile {profile}) is archived already: chunk {chunk} has nothing to do")
        return Result(name, profile, cfg, hit.frames, hit.provenance, "archived", stale=hit.stale)
    ckpt = checkpoint_dir(name, profile, cfg)
    done = read_ledger(ckpt)
    if chunk != len(done) + 1:
        need = len(done) + 1
        raise ConfigError(f"chunk {chunk} of {name} (profile {profile}) cannot run now: {len(done)} chunk"
                          f"{'s are' if len(done) != 1 else ' is'} done, so the next is chunk {need}"
                          + (f" (chunks {chunk} and later need it)" if chunk > need else " (this one is done already)"))
    entry = {"chunk": chunk, "worker": socket.gethostname(), "device": archive.device_name(torch.device(device)),
             "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    est = estimate(name, cfg, device) if not done else None
    t0 = time.perf_counter()
    spent = WorkBudget(model_updates, seconds)
    settings = RunSettings(Execution(None, kernels, tf32), spent)
    try:
        result = _execute(exp, profile, cfg, device, est, save, settings, chunk=entry)
    except checkpoints.ChunkPaused as paused:
        entry |= {"wall_time_s": round(time.perf_counter() - t0, 1), "model_updates": spent.spent_updates,
                  "status": "paused"}
        _write_ledger(ckpt, done + [entry])
        print(f"{name} chunk {chunk}: {paused}")
        return None
    return result


