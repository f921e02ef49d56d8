"""A profile's training runs as a plan of short jobs (the book's chapter 09).

GPU time comes in short jobs (a preemptible GPU, a queue slot: about 15 minutes, at most 9
a command). :func:`make_plan` lists every training run of a profile, estimates each on a
device (:func:`glorot.budget.stage_seconds`: calibrated on a real device, or the roofline
model of a named GPU) and cuts it into chunks of at most ``chunk_minutes``. A chunk is a
share of the run's work in model-updates; ``python -m glorot run-chunk ID`` runs it with
:func:`glorot.experiments.registry.run_chunk`, which resumes the run from its checkpoints,
stops once the chunk's budget (or its time limit) is spent, and saves; the last chunk
archives the run. Because a resumed run equals an uninterrupted one, where the cuts fall does
not change the result, only how the work is shared: the chunk sizes are estimates, and a run
whose estimate was short simply takes one more chunk.

Chunks of one run go in order (each resumes from the one before); different runs are
independent, and may run at different times or on different machines that share the
checkpoint folder (``GLOROT_CHECKPOINTS``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pandas as pd

from .. import archive, budget
from ..configs import ConfigError, build
from ..validation import check_device
from .registry import EXPERIMENTS, PROFILES, config, cpu_threads_of

CHUNK_MINUTES = 9.0
"""The longest command of a short GPU job."""

MARGIN = 0.85
"""Share of a chunk's minutes planned as work: the rest is for starting, evaluating and
saving, and for the estimate being short."""


@dataclass(frozen=True)
class Chunk:
    """One short job: chunk ``index`` of ``of`` of ``experiment`` at ``profile``, its share of
    the run's work in ``model_updates`` and its estimated ``minutes`` on the plan's device."""

    experiment: str
    profile: str
    index: int
    of: int
    model_updates: int
    minutes: float

    @property
    def id(self) -> str:
        return f"{self.experiment}.{self.index}"

    def command(self, device: str = "cuda") -> str:
        return (f"python -m glorot run-chunk {self.id} --profile {self.profile} --device {device} "
                f"--model-updates {self.model_updates}")


@dataclass(frozen=True)
class Plan:
    """The chunks of a profile on a device, with each run's total estimate."""

    profile: str
    device: str
    method: str
    chunk_minutes: float
    chunks: tuple[Chunk, ...]
    run_minutes: dict
    run_threads: dict = None
    """Torch threads of each run on a CPU (None on a GPU): its core-hours are its hours times them."""

    def total_minutes(self) -> float:
        return sum(self.run_minutes.values())

    def core_hours(self, name: str | None = None) -> float | None:
        """Core-hours of run ``name`` (of every run: None), on a CPU plan; None on a GPU."""
        if not self.run_threads:
            return None
        names = [name] if name else list(self.run_minutes)
        return sum(self.run_minutes[n] / 60 * (self.run_threads.get(n) or 1) for n in names)

    def summary(self) -> str:
        """One line per run: its chunks, model-updates and estimated hours (and core-hours on a
        CPU), then the total."""
        cpu = bool(self.run_threads)
        lines = [f"plan of profile '{self.profile}' on {self.device}: estimates from the {self.method}",
                 f"{'run':24s} {'chunks':>7s} {'model-updates':>15s} {'est. hours':>11s}" + (f" {'core-hours':>11s}" if cpu else "")]
        for name, minutes in self.run_minutes.items():
            mine = [c for c in self.chunks if c.experiment == name]
            lines.append(f"{name:24s} {len(mine):>7d} {sum(c.model_updates for c in mine):>15,d} {minutes / 60:>11.2f}"
                         + (f" {self.core_hours(name):>11.2f}" if cpu else ""))
        lines.append(f"{'all runs':24s} {len(self.chunks):>7d} {'':>15s} {self.total_minutes() / 60:>11.2f}"
                     + (f" {self.core_hours():>11.2f}" if cpu else "  device-hours"))
        return "\n".join(lines)

    def table(self, max_chunks: int = 60) -> str:
        """The plan as text: :meth:`summary`, then one line per chunk (chunks of at most
        :attr:`chunk_minutes`) when there are at most ``max_chunks`` of them."""
        lines = [self.summary()]
        if len(self.chunks) > max_chunks:
            lines.append(f"({len(self.chunks)} chunks of at most {self.chunk_minutes:g} minutes: more than {max_chunks}, "
                         "not listed; plan fewer experiments, or longer chunks with --chunk-minutes, to list them)")
            return "\n".join(lines)
        lines += ["", f"chunks of at most {self.chunk_minutes:g} minutes:", f"{'chunk':28s} {'model-updates':>15s} {'est. min':>9s}"]
        for c in self.chunks:
            lines.append(f"{c.id:28s} {c.model_updates:>15,d} {c.minutes:>9.1f}")
            if c.index == c.of:
                lines.append(f"{'':28s} {'run total':>15s} {self.run_minutes[c.experiment]:>9.1f}")
        return "\n".join(lines)


def make_plan(profile: str = "paper", device: str = "h200", chunk_minutes: float = CHUNK_MINUTES,
              experiments: list[str] | None = None, **overrides) -> Plan:
    """The plan of every training experiment (or of ``experiments``) at ``profile``: see the
    module docstring. ``overrides`` apply to every experiment that has such a knob."""
    if profile not in PROFILES:
        raise ConfigError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    if isinstance(chunk_minutes, bool) or not isinstance(chunk_minutes, (int, float)) or not 1 <= chunk_minutes <= 24 * 60:
        raise ConfigError(f"chunk_minutes must be a number of minutes in [1, 1440], got {chunk_minutes!r}")
    device = _check_plan_device(device)
    names = list(experiments) if experiments else [n for n, e in EXPERIMENTS.items() if e.stages is not None and profile in e.profiles]
    unknown = [n for n in names if n not in EXPERIMENTS]
    if unknown:
        raise ConfigError(f"unknown experiment(s) {unknown}; known: {', '.join(EXPERIMENTS)}")
    for n in names:
        EXPERIMENTS[n].check_profile(profile)
    chunks, totals, threads, methods = [], {}, {}, []
    on_cpu = isinstance(device, str) and device == "cpu"
    for name in names:
        exp = EXPERIMENTS[name]
        if exp.stages is None:
            continue
        knobs = exp.config_class.knobs()
        cfg = config(name, profile, **{k: v for k, v in overrides.items() if k in knobs})
        stages = exp.stages(cfg)
        n_threads = cpu_threads_of(exp, cfg, device) if on_cpu else None
        seconds, method = budget.stage_seconds(stages, device, n_threads)
        methods.append(method)
        totals[name] = sum(seconds) / 60
        threads[name] = n_threads
        chunks += _cut(name, profile, stages, seconds, chunk_minutes * 60 * MARGIN)
    method = "; ".join(dict.fromkeys(methods))
    return Plan(profile, getattr(device, "name", device), method, float(chunk_minutes), tuple(chunks), totals,
                threads if on_cpu else None)


GPU_VARIANTS = ("", "bound", "triton")
"""Suffixes of a named GPU: torch's kernels (none), the 16-B bandwidth bound, the fused kernels."""


def _check_plan_device(device):
    """A device the plan can be made for: measured rates, a named GPU's model (``h200``,
    ``h200:triton``, ...), or a real device to calibrate on (``cpu``, ``cuda``)."""
    if isinstance(device, budget.MeasuredRates):
        return device
    if isinstance(device, str) and device.split(":")[0] in budget.GPU_MODELS:
        model, _, variant = device.partition(":")
        if variant not in GPU_VARIANTS:
            raise ConfigError(f"device {device!r}: a named GPU takes no suffix, ':bound' or ':triton' "
                              f"(e.g. {model}, {model}:bound, {model}:triton)")
        return device
    try:
        return check_device(device)
    except ValueError as e:
        named = ", ".join(f"{m}, {m}:bound, {m}:triton" for m in budget.GPU_MODELS)
        raise ConfigError(f"{e}; or a GPU that is not at hand: {named}") from None


def _cut(name: str, profile: str, stages: list[budget.Stage], seconds: list[float], per_chunk_s: float) -> list[Chunk]:
    """Chunks of equal estimated time, each at most ``per_chunk_s``, as shares of the stages'
    model-updates (a chunk may span the end of one stage and the start of the next)."""
    total = sum(seconds)
    n = max(1, math.ceil(total / per_chunk_s))
    share = total / n
    out, t_done, u_done = [], 0.0, 0.0
    boundaries = []  # cumulative (time, model-updates) at each stage's end
    t = u = 0.0
    for s, sec in zip(stages, seconds):
        t, u = t + sec, u + s.n_models * s.updates
        boundaries.append((t, u, sec, s.n_models * s.updates))
    for k in range(1, n + 1):
        t_end = total if k == n else k * share
        u_end = _updates_at(boundaries, t_end)
        out.append(Chunk(name, profile, k, n, max(1, round(u_end) - round(u_done)), (t_end - t_done) / 60))
        t_done, u_done = t_end, u_end
    return out


def _updates_at(boundaries, t: float) -> float:
    """Model-updates done by time ``t`` of the run, stages taken in order, each at its own rate."""
    for t_end, u_end, sec, updates in boundaries:
        if t <= t_end + 1e-9:
            frac = 1.0 if sec <= 0 else (t - (t_end - sec)) / sec
            return u_end - updates + frac * updates
    return boundaries[-1][1] if boundaries else 0.0


def find_chunk(plan: Plan, chunk_id: str) -> Chunk:
    """The chunk ``experiment.k`` of ``plan`` (a clear error naming the valid IDs otherwise)."""
    for c in plan.chunks:
        if c.id == chunk_id:
            return c
    name = chunk_id.rsplit(".", 1)[0]
    ids = [c.id for c in plan.chunks if c.experiment == name]
    if ids:
        raise ConfigError(f"no chunk {chunk_id!r} in the plan: {name} has chunks {ids[0]} to {ids[-1]}")
    raise ConfigError(f"no chunk {chunk_id!r}: a chunk ID is EXPERIMENT.K, e.g. "
                      f"{plan.chunks[0].id if plan.chunks else 'shapeset_curves.1'} (python -m glorot plan lists them)")


def estimates_against_runs(root=None) -> pd.DataFrame:
    """The estimator checked against measured runs: for every archived CPU run of a training
    experiment, its measured wall time beside the estimate printed when it started
    (``estimated_wall_time_s`` of its provenance) and the estimate of today's estimator from the
    benchmark record of the host it ran on (:func:`glorot.budget.host_rates`; empty where that
    host has no record covering the run's nets). ``ratio``: measured over today's estimate."""
    folder = root or archive.DEFAULT_ARCHIVE
    rows = []
    for prov_path in sorted(folder.glob("*/*/provenance.json")):
        prov = json.loads(prov_path.read_text())
        name, device = prov.get("experiment"), str(prov.get("device", ""))
        if name not in EXPERIMENTS or EXPERIMENTS[name].stages is None or not device.startswith("CPU") or not prov.get("wall_time_s"):
            continue
        exp = EXPERIMENTS[name]
        cfg = build(exp.config_class, prov["config"])
        threads = int(device.split(" torch thread")[0].rsplit(", ", 1)[-1])
        rates = budget.host_rates(threads, cpu=device)
        stages = exp.stages(cfg)
        today = (sum(budget.stage_seconds(stages, rates)[0]) if rates is not None and all(rates.covers(s.sizes) for s in stages)
                 else float("nan"))
        measured = float(prov["wall_time_s"])
        rows.append({"experiment": name, "entry": prov_path.parent.name, "host": device.removeprefix("CPU: ").split(" (")[0],
                     "threads": threads, "measured_min": measured / 60,
                     "estimated_then_min": float(prov.get("estimated_wall_time_s", float("nan"))) / 60,
                     "estimated_today_min": today / 60, "ratio": measured / today if today == today else float("nan")})
    return pd.DataFrame(rows)
