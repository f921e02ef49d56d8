"""A profile's runs (or a grid of them) as Dask tasks: one chunk of a run per task, on any
number of workers, merged into the archive as one uninterrupted run would write it.

The unit of work is a chunk of :mod:`glorot.experiments.plan`: a share, in model-updates,
of one training run, which :func:`glorot.experiments.registry.run_chunk` trains by resuming
the run from its checkpoints and stopping (and saving) once the share is spent; the chunk
that completes the run archives it, with every chunk's worker, device and wall time in its
provenance. A resumed run equals one that never stopped, so where the cuts fall, and which
worker ran which chunk, does not change a single number of the archived tables.

* :func:`plan_sweep` builds the runs: every training experiment of a profile, or those
  named, at one configuration or at every point of a ``grid`` (the cartesian product of
  lists of values), each cut into chunks by the plan's time estimate (``chunk_minutes``)
  or into chunks of a fixed number of model-updates (``chunk_updates``).
* :func:`run_sweep` hands them to a Dask client: the chunks of one run go one after
  another (each resumes from the one before), different runs run side by side. A task
  asks for ``resources={"GPU": 1}`` on GPU workers. Progress is a tqdm bar over chunks with
  the plan's estimate of the time left. What is archived is skipped; a run with chunks in
  its checkpoint ledger goes on from the next one; a chunk whose worker died (SIGKILL, a
  pre-empted node) is re-run by Dask on another worker and resumes from the last
  checkpoint the dead one wrote.
* :func:`advance_run` is the task: on the worker it takes the run's lock
  (:func:`glorot.locks.exclusive`, next to the run's archive entry), then, if the run is not
  archived by now, trains its next chunk. Two sweeps on the same archive therefore never
  train one run at once, and exactly one of them writes its entry: the other reports that
  it was archived meanwhile, and by whom.

The archive and the checkpoint folder are where tasks meet: on a cluster both must be on a
filesystem every worker sees (``GLOROT_RESULTS``, ``GLOROT_CHECKPOINTS``). Every task checks
that its worker writes to the same folders, and runs the same code (the fingerprint of the
experiment's module), as the process that planned the sweep, and refuses to run otherwise.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import queue
import shutil
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import archive, budget, data, experiments, fingerprint, locks
from .configs import ConfigError
from .experiments import plan as plans
from .experiments import registry

GPU = "GPU"
"""The Dask resource a chunk on a GPU worker asks for (one unit: one device)."""


class SweepError(ValueError):
    """A sweep that cannot go on: a worker set up differently from the planner, or the
    scheduler gone. The message says what to do."""


class SweepInterrupted(SweepError):
    """The connection to the Dask scheduler was lost mid-sweep."""


# --------------------------------------------------------------------------- the runs


@dataclass(frozen=True, eq=False)
class SweepRun:
    """One run of the sweep: ``experiment`` at ``profile`` with ``overrides`` (whose full
    configuration hashes to the archive ``key``), cut into chunks of ``chunk_updates``
    model-updates, estimated at ``chunk_minutes`` each. A run that trains nothing has no
    chunks: one task computes it whole."""

    experiment: str
    profile: str
    overrides: dict
    key: str
    chunk_updates: tuple[int, ...]
    chunk_minutes: tuple[float, ...]

    @property
    def label(self) -> str:
        """``experiment`` with the overrides that make this run, for tables and the bar."""
        sets = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(self.overrides.items()))
        return self.experiment + (f" [{sets}]" if sets else "")

    @property
    def n_chunks(self) -> int:
        return max(1, len(self.chunk_updates))

    @property
    def minutes(self) -> float:
        return sum(self.chunk_minutes)

    def config(self):
        return registry.config(self.experiment, self.profile, **self.overrides)

    def archived(self) -> archive.ArchivedRun | None:
        """The run's verified archive entry (None: not archived; ArchiveError: corrupt)."""
        return registry.load_archived(self.experiment, self.profile, self.config())

    def chunks_done(self) -> int:
        """How many chunks the run's checkpoint ledger lists (an earlier sweep's, say)."""
        return len(registry.read_ledger(registry.checkpoint_dir(self.experiment, self.profile, self.config())))

    def half_done(self) -> bool:
        """Whether the run's checkpoint folder holds a checkpoint written after its last
        finished chunk: a chunk that was cut off (its worker killed) and will resume there."""
        ckpt = registry.checkpoint_dir(self.experiment, self.profile, self.config())
        if not ckpt.is_dir():
            return False
        ledger = ckpt / registry.LEDGER
        since = ledger.stat().st_mtime if ledger.exists() else 0.0
        return any(f.is_file() and f.name != registry.LEDGER and not f.name.startswith(".") and f.stat().st_mtime > since
                   for f in ckpt.rglob("*"))

    def lock_path(self):
        """The run's lock file, beside its archive entry (the folder every worker shares)."""
        entry = archive.run_dir(self.experiment, self.profile, self.config().to_dict())
        return entry.with_name(f".{entry.name}.lock")


@dataclass(frozen=True)
class SweepPlan:
    """The runs of a sweep, estimated on ``device`` by ``method``."""

    profile: str
    device: str
    method: str
    runs: tuple[SweepRun, ...]

    @property
    def n_chunks(self) -> int:
        return sum(r.n_chunks for r in self.runs)

    def total_minutes(self) -> float:
        return sum(r.minutes for r in self.runs)

    def table(self) -> str:
        """One line per run: its chunks, their model-updates and estimated minutes."""
        width = max([len("run"), *(len(r.label) for r in self.runs)])
        lines = [f"sweep of profile '{self.profile}': {len(self.runs)} run{'s' if len(self.runs) != 1 else ''}, "
                 f"{self.n_chunks} chunks; estimates on {self.device} from the {self.method}",
                 f"{'run':{width}s} {'chunks':>6s} {'model-updates':>15s} {'est. min':>9s}"]
        for r in self.runs:
            updates = f"{sum(r.chunk_updates):,d}" if r.chunk_updates else "-"
            lines.append(f"{r.label:{width}s} {r.n_chunks:>6d} {updates:>15s} {r.minutes:>9.1f}")
        lines.append(f"{'all runs':{width}s} {self.n_chunks:>6d} {'':>15s} {self.total_minutes():>9.1f}  "
                     f"({self.total_minutes() / 60:.1f} device-hours)")
        return "\n".join(lines)


def grid_points(grid: dict | None) -> list[dict]:
    """Every combination of the ``grid``'s values (``{"seed": [0, 1], "lr": [0.1, 1]}`` gives
    four points), in the order given; ``[{}]`` for no grid. Each value must be a non-empty
    list without repeats."""
    if not grid:
        return [{}]
    if not isinstance(grid, dict):
        raise ConfigError(f"grid must map parameter names to lists of values, got {grid!r}")
    for k, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ConfigError(f"grid parameter {k!r} must be given a non-empty list of values (e.g. {k}=[1,2]), got {values!r}")
        if len({json.dumps(v, sort_keys=True) for v in values}) != len(values):
            raise ConfigError(f"grid parameter {k!r} lists a value twice: {values!r}")
    keys = list(grid)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(grid[k] for k in keys))]


def plan_sweep(profile: str = "paper", experiments_: list[str] | None = None, device: str = "h200",
               chunk_minutes: float = plans.CHUNK_MINUTES, chunk_updates: int | None = None,
               grid: dict | None = None, **overrides) -> SweepPlan:
    """The runs of a sweep (see the module docstring). ``experiments_``: the experiments to
    run (default: every training experiment). ``device``: where the chunks are estimated
    (as for :func:`glorot.experiments.plan.make_plan`: ``h200``, ``cpu``, ...).
    ``overrides`` and each point of ``grid`` apply to every experiment that has the
    parameter; a parameter that none of them has is an error. Runs that come out with the
    same configuration (a grid parameter one experiment lacks) are run once."""
    names = list(experiments_) if experiments_ else [n for n, e in experiments.EXPERIMENTS.items() if e.stages is not None]
    if not names:
        raise ConfigError("no experiment to sweep")
    for n in names:
        experiments.experiment(n)  # unknown names fail here, naming the valid ones
    if chunk_updates is not None:
        if isinstance(chunk_updates, bool) or not isinstance(chunk_updates, int) or not 1 <= chunk_updates <= 10**12:
            raise ConfigError(f"chunk_updates must be a whole number of model-updates in [1, 10^12], got {chunk_updates!r}")
    points = grid_points(grid)
    knobs = {n: experiments.EXPERIMENTS[n].config_class.knobs() for n in names}
    for k in [*overrides, *points[0]]:
        if not any(k in kn for kn in knobs.values()):
            raise ConfigError(f"{k!r} is a parameter of none of {', '.join(names)} "
                              f"(`python -m glorot list` gives every experiment's parameters)")
    runs, seen, method, dev_name = [], set(), "", str(device)
    for point in points:
        values = overrides | point
        training = [n for n in names if experiments.EXPERIMENTS[n].stages is not None]
        plan = plans.make_plan(profile, device, chunk_minutes, training, **values) if training else None
        if plan is not None:
            method, dev_name = plan.method, plan.device
        for n in names:
            own = {k: v for k, v in values.items() if k in knobs[n]}
            cfg = registry.config(n, profile, **own)
            key = archive.config_key(cfg.to_dict())
            if (n, key) in seen:
                continue
            seen.add((n, key))
            chunks = [c for c in plan.chunks if c.experiment == n] if plan is not None else []
            updates, minutes = [c.model_updates for c in chunks], [c.minutes for c in chunks]
            if chunks and chunk_updates is not None:
                updates, minutes = _recut(updates, minutes, chunk_updates)
            runs.append(SweepRun(n, profile, own, key, tuple(updates), tuple(minutes)))
    return SweepPlan(profile, dev_name, method or "no training: nothing to estimate", tuple(runs))


def _recut(updates: list[int], minutes: list[float], size: int) -> tuple[list[int], list[float]]:
    """The same run cut into chunks of ``size`` model-updates (the last one shorter), each
    estimated at its share of the run's minutes."""
    total, total_min = sum(updates), sum(minutes)
    n = max(1, math.ceil(total / size))
    cut = [size] * (n - 1) + [total - size * (n - 1)]
    return cut, [total_min * u / total for u in cut]


# --------------------------------------------------------------------------- the task, on a worker


def worker_env() -> dict:
    """The environment a sweep's workers start with: this process's archive and checkpoint
    folders (which :func:`_check_worker` then insists on), its data folder (the finite
    datasets' files, :func:`glorot.data.default_root`) and a fixed hash seed."""
    return {"GLOROT_RESULTS": str(archive.DEFAULT_ARCHIVE), "GLOROT_CHECKPOINTS": str(registry.CHECKPOINT_ROOT),
            "GLOROT_DATA": str(data.default_root()), "PYTHONHASHSEED": "0"}


def worker_expectations(run: SweepRun) -> dict:
    """What a worker must agree on with the planner: where the archive and checkpoints are,
    and the code of the run's experiment (its fingerprint)."""
    module = experiments.EXPERIMENTS[run.experiment].module
    return {"archive": str(archive.DEFAULT_ARCHIVE), "checkpoints": str(registry.CHECKPOINT_ROOT),
            "module": module, "fingerprint": fingerprint.code_fingerprint(module)[0]}


def _check_worker(expected: dict) -> None:
    here = {"archive": str(archive.DEFAULT_ARCHIVE), "checkpoints": str(registry.CHECKPOINT_ROOT)}
    for what, env in (("archive", "GLOROT_RESULTS"), ("checkpoints", "GLOROT_CHECKPOINTS")):
        if here[what] != expected[what]:
            raise SweepError(f"worker {_worker_name()} writes its {what} to {here[what]}, the sweep's are in {expected[what]}: "
                             f"start the workers with {env}={expected[what]} (a folder every worker sees)")
    code = fingerprint.code_fingerprint(expected["module"])[0]
    if code != expected["fingerprint"]:
        raise SweepError(f"worker {_worker_name()} runs other code of {expected['module']} than the sweep's planner "
                         f"(fingerprint {code} against {expected['fingerprint']}): install the same checkout on every worker")


def _worker_name() -> str:
    """The Dask worker running this task (its name and address), or this host."""
    try:
        from distributed import get_worker

        w = get_worker()
        return f"{w.name} ({w.address})" if str(w.name) != w.address else w.address
    except (ImportError, ValueError):
        return socket.gethostname()


_free_gpus: queue.Queue | None = None
_gpus_lock = threading.Lock()


@contextmanager
def _device_slot(device: str):
    """The device for one task: ``device`` itself, except that ``"cuda"`` on a worker with
    several GPUs (``--gpus-per-worker N``: N threads, N GPU resources) hands each running
    task a GPU of its own, ``cuda:0`` ... ``cuda:N-1``."""
    global _free_gpus
    if device != "cuda":
        yield device
        return
    import torch

    with _gpus_lock:
        if _free_gpus is None:
            _free_gpus = queue.Queue()
            for i in range(torch.cuda.device_count()):
                _free_gpus.put(i)
    if torch.cuda.device_count() <= 1:
        yield device
        return
    index = _free_gpus.get()
    try:
        yield f"cuda:{index}"
    finally:
        _free_gpus.put(index)


def advance_run(run: SweepRun, device: str, expected: dict) -> dict:
    """The Dask task: train the next chunk of ``run`` on this worker (see the module
    docstring), or compute the whole run if it trains nothing. Returns a plain record:
    ``status`` (``"paused"``: the chunk is done, the run goes on; ``"archived"``: this task
    completed and archived the run; ``"archived_elsewhere"``: it was archived by another
    sweep meanwhile, ``by`` says where and when), the ``chunk`` number, the ``worker``,
    ``device``, ``wall_time_s``, and ``waited_s`` for the lock."""
    _check_worker(expected)
    record = {"run": run.label, "worker": _worker_name(), "host": socket.gethostname(), "pid": os.getpid()}
    with locks.exclusive(run.lock_path()) as held, _device_slot(device) as dev:
        record |= {"waited_s": round(held.waited_s, 1), "waited_for": held.holder}
        hit = run.archived()
        if hit is not None:
            prov = hit.provenance
            chunks = prov.get("chunks") or []
            where = ", ".join(sorted({c.get("worker", "?") for c in chunks})) or prov.get("device", "?")
            ckpt = registry.checkpoint_dir(run.experiment, run.profile, run.config())
            if ckpt.exists():  # this sweep's own start of the run, now of no use
                shutil.rmtree(ckpt, ignore_errors=True)
            return record | {"status": "archived_elsewhere", "chunk": None, "wall_time_s": 0.0,
                             "by": f"{where}, {prov.get('date', '?')}"}
        t0 = time.perf_counter()
        if not run.chunk_updates:
            registry.run(run.experiment, run.profile, dev, use_archive=False, save=True, allow_long=True, **run.overrides)
            return record | {"status": "archived", "chunk": 1, "device": dev, "wall_time_s": round(time.perf_counter() - t0, 1)}
        k = run.chunks_done() + 1
        half_done = run.half_done()
        budget = run.chunk_updates[min(k, len(run.chunk_updates)) - 1]
        result = registry.run_chunk(run.experiment, run.profile, k, dev, model_updates=budget, save=True, **run.overrides)
        status = "paused" if result is None else "archived"
        return record | {"status": status, "chunk": k, "device": dev, "resumed_half_done": half_done,
                         "wall_time_s": round(time.perf_counter() - t0, 1)}


# --------------------------------------------------------------------------- the client


@dataclass
class RunOutcome:
    """How one run of the sweep ended: ``status`` ``"archived"`` (by this sweep),
    ``"archived before"`` (skipped), ``"archived elsewhere"`` (by another sweep meanwhile),
    ``"stale"`` (archived with older code: re-make with ``--force``), ``"failed"``; with the
    chunks this sweep ran and a ``note``."""

    run: SweepRun
    status: str = "pending"
    chunks_run: int = 0
    workers: set = field(default_factory=set)
    wall_time_s: float = 0.0
    note: str = ""


@dataclass
class SweepReport:
    plan: SweepPlan
    outcomes: list[RunOutcome]
    wall_time_s: float

    @property
    def ok(self) -> bool:
        return all(o.status in ("archived", "archived before", "archived elsewhere") for o in self.outcomes)

    def table(self) -> str:
        width = max([len("run"), *(len(o.run.label) for o in self.outcomes)])
        lines = [f"{'run':{width}s}  {'status':18s} {'chunks':>6s} {'wall s':>8s}  workers / note"]
        for o in self.outcomes:
            who = ", ".join(sorted(o.workers))
            lines.append(f"{o.run.label:{width}s}  {o.status:18s} {o.chunks_run:>6d} {o.wall_time_s:>8.1f}  "
                         + "; ".join(x for x in (who, o.note) if x))
        n_ok = sum(o.status.startswith("archived") for o in self.outcomes)
        lines.append(f"{n_ok} of {len(self.outcomes)} runs archived; sweep wall time {self.wall_time_s:.0f} s")
        return "\n".join(lines)


def _cancelled_error_types() -> tuple:
    from concurrent.futures import CancelledError

    types = [CancelledError]
    try:
        from distributed.client import FutureCancelledError

        types.append(FutureCancelledError)
    except ImportError:
        pass
    return tuple(types)


def run_sweep(client, plan: SweepPlan, device: str = "cuda", *, progress: bool = True, stream=None) -> SweepReport:
    """Run ``plan`` on the Dask ``client``'s workers (see the module docstring); chunks run on
    ``device`` (``"cuda"``: one GPU resource per task). Returns the :class:`SweepReport`;
    raises :class:`SweepInterrupted` when the scheduler is lost (what was done stays done:
    re-running the sweep resumes)."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    stream = stream or sys.stderr
    t_start = time.perf_counter()
    resources = {GPU: 1} if device.startswith("cuda") else None
    outcomes = {r: RunOutcome(r) for r in plan.runs}
    done_before = {}
    for r in plan.runs:
        o = outcomes[r]
        try:
            hit = r.archived()
            done_before[r] = r.n_chunks if hit is not None else min(r.chunks_done(), r.n_chunks - 1)
        except ValueError as e:  # ArchiveError (corrupt entry), ConfigError (corrupt ledger)
            o.status, o.note, done_before[r] = "failed", str(e), r.n_chunks
            continue
        if hit is not None:
            o.status = "stale" if hit.stale else "archived before"
            o.note = hit.stale_reason if hit.stale else f"{hit.path}"
    pending = [r for r in plan.runs if outcomes[r].status == "pending"]
    bar = tqdm(total=plan.n_chunks, initial=sum(done_before.values()), unit="chunk", desc="sweep", file=stream,
               disable=not progress, dynamic_ncols=True)
    left = {r: sum(r.chunk_minutes[done_before[r]:]) for r in pending}
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))

    def show_left():
        busy = sum(1 for v in left.values() if v > 0)
        seconds = 60 * sum(left.values()) / max(1, min(n_workers, busy or 1))
        bar.set_postfix_str(f"plan: ~{budget.format_seconds(seconds)} left on {n_workers} worker{'s' if n_workers != 1 else ''}",
                            refresh=True)

    def submit(r: SweepRun):
        return client.submit(advance_run, r, device, worker_expectations(r), resources=resources, pure=False,
                             key=f"glorot-{r.experiment}-{r.profile}-{r.key}-{time.time_ns()}")

    chunks_of = {r: done_before[r] for r in plan.runs}  # chunks counted on the bar, per run

    def count(r: SweepRun, n: int) -> None:
        """Set run ``r``'s chunks on the bar to ``n`` (past its plan: the estimate was short)."""
        total = sum(max(x.n_chunks, chunks_of[x]) for x in plan.runs) - max(r.n_chunks, chunks_of[r]) + max(r.n_chunks, n)
        bar.total = total
        delta, chunks_of[r] = n - chunks_of[r], n
        bar.update(delta)

    futures = {submit(r): r for r in pending}
    show_left()
    cancelled = _cancelled_error_types()
    ac = as_completed(list(futures))
    try:
        for fut in ac:
            r = futures.pop(fut)
            o = outcomes[r]
            try:
                rec = fut.result()
            except cancelled:
                raise _interrupted(client, plan, outcomes) from None
            except Exception as e:  # noqa: BLE001 - a failed run is reported, the others go on
                if _scheduler_lost(client):
                    raise _interrupted(client, plan, outcomes) from None
                o.status, o.note, left[r] = "failed", f"{type(e).__name__}: {e}", 0.0
                count(r, max(chunks_of[r], r.n_chunks))
                show_left()
                continue
            o.workers.add(rec["worker"])
            o.wall_time_s += rec["wall_time_s"]
            if rec.get("waited_for"):
                o.note = "; ".join(x for x in (o.note, f"waited {rec['waited_s']:.0f} s for the lock held by {rec['waited_for']}") if x)
            if rec["status"] == "archived_elsewhere":
                o.status = "archived elsewhere"
                o.note = "; ".join(x for x in (o.note, f"archived meanwhile by another run ({rec['by']}); this sweep did not write it") if x)
            else:
                o.chunks_run += 1
            if rec.get("resumed_half_done"):
                o.note = "; ".join(x for x in (o.note, f"chunk {rec['chunk']} resumed a half-done chunk from its checkpoint") if x)
            if rec["status"] == "paused":
                count(r, rec["chunk"])
                left[r] = sum(r.chunk_minutes[rec["chunk"]:])
                nxt = submit(r)
                futures[nxt] = r
                ac.add(nxt)
            else:
                if rec["status"] == "archived":
                    o.status = "archived"
                count(r, max(chunks_of[r], r.n_chunks, rec["chunk"] or 0))
                left[r] = 0.0
            show_left()
    finally:
        bar.close()
    return SweepReport(plan, [outcomes[r] for r in plan.runs], time.perf_counter() - t_start)


def _scheduler_lost(client) -> bool:
    return getattr(client, "status", "running") not in ("running", "connecting")


def _interrupted(client, plan: SweepPlan, outcomes: dict) -> SweepInterrupted:
    archived = sum(o.status.startswith("archived") for o in outcomes.values())
    address = getattr(getattr(client, "scheduler", None), "address", None) or "its address"
    return SweepInterrupted(
        f"lost the connection to the Dask scheduler at {address} mid-sweep ({archived} of {len(plan.runs)} runs archived). "
        f"Nothing is half-written: an archive entry is written whole or not at all, and every chunk that finished is in "
        f"its run's checkpoint ledger ({registry.CHECKPOINT_ROOT}). Start the scheduler again (or use another cluster) "
        f"and re-run the same sweep command: it skips what is archived and resumes the rest from the checkpoints.")


def check_duration(plan: SweepPlan, n_devices: int, allow_long: bool = False) -> float:
    """The estimated wall time of ``plan`` on ``n_devices`` devices, in minutes
    (:func:`schedule_minutes`); over :data:`glorot.budget.LIMIT_S` a :class:`ConfigError`
    says so and how to allow it, unless ``allow_long``."""
    allow_long = registry.check_flag("allow_long", allow_long)
    minutes = schedule_minutes(plan, n_devices)
    if minutes * 60 > budget.LIMIT_S and not allow_long:
        raise ConfigError(
            f"this sweep is estimated at {budget.format_seconds(minutes * 60)} on {n_devices} device"
            f"{'s' if n_devices != 1 else ''} ({plan.total_minutes() / 60:.1f} device-hours on {plan.device}), over "
            f"the {budget.LIMIT_S // 60}-minute limit: pass --allow-long (allow_long=True) to start it; it checkpoints "
            f"every chunk, and the same command resumes it")
    return minutes


def schedule_minutes(plan: SweepPlan, n_devices: int) -> float:
    """The wall time of ``plan`` on ``n_devices`` devices, by the plan's estimates: runs
    are taken longest first, each onto the device that frees up first (a run's chunks go in
    order, so no run finishes sooner than its own total). A lower bound is
    ``max(total / n_devices, longest run)``."""
    if isinstance(n_devices, bool) or not isinstance(n_devices, int) or n_devices < 1:
        raise ConfigError(f"n_devices must be a whole number >= 1, got {n_devices!r}")
    free = [0.0] * n_devices
    for r in sorted(plan.runs, key=lambda r: -r.minutes):
        i = min(range(n_devices), key=free.__getitem__)
        free[i] += r.minutes
    return max(free)
