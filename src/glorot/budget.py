"""How long a training run will take, said before it starts: the one estimator that
``glorot run``, ``glorot plan``, the sweeps and the book's chapter 09 all use.

Every training experiment describes its work as :class:`Stage` s: a stack of ``n_models``
networks of layer widths ``sizes`` trained for ``updates`` minibatch updates, with
``eval_examples`` held-out examples evaluated ``n_evals`` times and ``probe_examples``
examples probed ``n_probes`` times. :func:`stage_seconds` turns each into seconds, from:

* on a CPU, the **rates measured on this host** by ``make bench`` (the committed record
  ``benchmarks/results/cpu-<host>.json``, :func:`host_rates`: model-updates/s of the stack
  trainer at the run's torch threads, per net size and number of models), where the record
  has a net within a factor :data:`SIZE_FACTOR` of the stage's; the same record gives the
  same estimate at every call;
* otherwise **a calibration now**: a few real SGD steps of each stage's shape on the device,
  with up to 8 models side by side, timed in :data:`CALIBRATION_REPEATS` rounds of which the
  fastest counts (another process slowing one round does not make the estimate), cached for
  the process; or the roofline model of a named GPU.

Evaluation and probing are added as the forward/backward passes they are. How close the
estimate comes is measured, not assumed: chapter 09 compares it with the wall times of the
archived CPU runs.

:data:`LIMIT_S` is the longest run started without being asked: a run estimated above it is
refused unless ``allow_long=True`` (CLI ``--allow-long``), with the command that runs it on
a GPU instead.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from . import host, nets

LIMIT_S = 30 * 60
"""Runs estimated above 30 minutes need ``allow_long=True``."""

CALIBRATION_S = 2.0
"""Wall time the calibration may spend, over all stages."""

CALIBRATION_REPEATS = 3
"""Rounds of a calibration; the fastest counts (contention only ever slows a round down)."""

SIZE_FACTOR = 3.0
"""A measured rate stands for a stage whose net has within this factor of its parameters;
beyond, the stage is calibrated now (batch-10 SGD at width 100 is bound by per-call overhead,
at width 1000 by memory traffic: one cannot be scaled into the other)."""

RESULTS_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "results"
"""Where ``make bench`` writes the measured rates (present in a checkout of the repository)."""


@dataclass(frozen=True)
class Stage:
    """One stack's share of a run (see the module docstring)."""

    sizes: tuple[int, ...]
    n_models: int
    updates: int
    n_evals: int = 0
    eval_examples: int = 0
    n_probes: int = 0
    probe_examples: int = 0
    batch_size: int = 10

    def step_equivalents(self) -> float:
        """The stage's work in SGD steps of one model: each update is one step; evaluating
        ``n`` examples is a forward pass, about a third of a step per batch of 10; a probe
        (forward, backward and weight gradients) about one step per batch."""
        evals = self.n_evals * self.eval_examples / self.batch_size / 3
        probes = self.n_probes * self.probe_examples / self.batch_size
        return self.n_models * (self.updates + evals + probes)


@dataclass(frozen=True)
class Estimate:
    """A run's predicted wall time and how it was obtained."""

    seconds: float
    model_updates: int
    device: str
    method: str

    @property
    def too_long(self) -> bool:
        return self.seconds > LIMIT_S

    def describe(self) -> str:
        return (f"estimated wall time {format_seconds(self.seconds)} on {self.device} "
                f"({self.model_updates:,} model-updates; {self.method})")


def format_seconds(s: float) -> str:
    """``42 s``, ``12 min``, ``3.4 hours``, ``8.1 days``."""
    if s < 120:
        return f"{s:.0f} s"
    if s < 2 * 3600:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.1f} hours"
    return f"{s / 86400:.1f} days"


CALIBRATION_MODELS = 8
"""Models in a calibration stack: small stacks are stepped together (batched products), so
one model alone would overstate the cost per model; beyond this many the cost is taken to
grow in proportion."""


_CALIBRATED: dict = {}
"""Calibrations made in this process, by (sizes, models, device, batch size, threads)."""


def _step_seconds(sizes: tuple[int, ...], n_models: int, device: str, batch_size: int, budget_s: float) -> float:
    """Seconds per model per SGD step of a stack of ``n_models`` (at most
    :data:`CALIBRATION_MODELS`) of layer widths ``sizes`` on ``device``: one warm-up step, then
    :data:`CALIBRATION_REPEATS` rounds of steps sharing ``budget_s`` (at least 2 steps each, at
    most 20), the fastest round counting; cached for the process."""
    m = max(1, min(n_models, CALIBRATION_MODELS))
    key = (tuple(sizes), m, str(device), batch_size, torch.get_num_threads())
    if key in _CALIBRATED:
        return _CALIBRATED[key]
    stack = nets.MLPStack(list(sizes), activations="tanh", seeds=[0] * m, device=device)
    x = torch.rand(batch_size, sizes[0], device=stack.device) * 2 - 1
    y = torch.randint(0, sizes[-1], (batch_size,), device=stack.device)
    if stack.device.type == "cuda":
        seconds = _graph_step_seconds(stack, x, y, budget_s) / m
    else:
        stack.sgd_step(x, y)
        rounds = []
        for _ in range(CALIBRATION_REPEATS):
            n, t0 = 0, time.perf_counter()
            while n < 2 or (n < 20 and time.perf_counter() - t0 < budget_s / CALIBRATION_REPEATS):
                stack.sgd_step(x, y)
                n += 1
            rounds.append((time.perf_counter() - t0) / n)
        seconds = min(rounds) / m
    _CALIBRATED[key] = seconds
    return seconds


def _graph_step_seconds(stack: nets.MLPStack, x: torch.Tensor, y: torch.Tensor, budget_s: float) -> float:
    """Seconds per step of ``stack`` as :func:`glorot.train.train` runs it on CUDA: blocks of
    graph-captured steps (:mod:`glorot.cuda_step`), replayed until ``budget_s`` is spent."""
    from .cuda_step import GraphedSteps

    steps = 20
    block = GraphedSteps(stack, x.shape[0], steps)
    xs, ys = x.repeat(steps, 1), y.repeat(steps)
    block.run(xs, ys)
    torch.cuda.synchronize()
    n, t0 = 0, time.perf_counter()
    while n < 2 or (n < 50 and time.perf_counter() - t0 < budget_s):
        block.run(xs, ys)
        n += 1
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) / (n * steps)


def stage_seconds(stages: list[Stage], device, threads: int | None = None) -> tuple[list[float], str]:
    """The wall time of each stage on ``device``, and how it was obtained (module docstring):
    on ``"cpu"``, the rates :func:`host_rates` measured on this host at ``threads`` torch threads
    (default: the current number) where they cover a stage, else a calibration now; on
    ``"cuda"``, a calibration now; from the roofline model of a named GPU (:data:`GPU_MODELS`:
    ``"h200"``, ``"h100"``, optionally ``"h200:triton"`` for the fused kernels' 12 B/param,
    ``"h200:bound"`` for the copy-bandwidth bound itself); or from rates measured earlier (a
    :class:`MeasuredRates`)."""
    if isinstance(device, MeasuredRates):
        return [s.step_equivalents() * device.step_seconds(s.sizes, s.n_models) for s in stages], device.method()
    if device.split(":")[0] in GPU_MODELS:
        model, variant = (device.split(":") + [""])[:2]
        gpu = GPU_MODELS[model]
        return [s.step_equivalents() * gpu.step_seconds(s.sizes, s.n_models, variant) for s in stages], gpu.method(variant)
    threads = int(threads or torch.get_num_threads())
    measured = host_rates(threads) if torch.device(device).type == "cpu" else None
    seconds, methods = [None] * len(stages), []
    if measured is not None:
        for i, s in enumerate(stages):
            if measured.covers(s.sizes):
                seconds[i] = s.step_equivalents() * measured.step_seconds(s.sizes, s.n_models)
        if any(x is not None for x in seconds):
            methods.append(measured.method())
    rest = [s for s, x in zip(stages, seconds) if x is None]
    if rest:
        models = {}
        for s in rest:
            models[(s.sizes, s.batch_size)] = max(models.get((s.sizes, s.batch_size), 0), s.n_models)
        shapes = sorted(models)
        per_shape = CALIBRATION_S / max(len(shapes), 1)
        prev = torch.get_num_threads()
        torch.set_num_threads(threads) if torch.device(device).type == "cpu" else None
        try:
            step = {shape: _step_seconds(shape[0], models[shape], device, shape[1], per_shape) for shape in shapes}
        finally:
            torch.set_num_threads(prev)
        for i, s in enumerate(stages):
            if seconds[i] is None:
                seconds[i] = s.step_equivalents() * step[(s.sizes, s.batch_size)]
        methods.append(f"calibrated now on {len(shapes)} shape{'s' if len(shapes) > 1 else ''}, fastest of "
                       f"{CALIBRATION_REPEATS} rounds")
    return seconds, "; ".join(methods)


def estimate(stages: list[Stage], device: str, threads: int | None = None) -> Estimate:
    """The wall time of ``stages`` on ``device`` at ``threads`` torch threads on a CPU (see
    :func:`stage_seconds`)."""
    seconds, method = stage_seconds(stages, device, threads)
    updates = sum(s.n_models * s.updates for s in stages)
    return Estimate(sum(seconds), updates, device, method)


@dataclass(frozen=True)
class GpuModel:
    """A roofline model of batch-10 SGD on a GPU, for planning before any GPU is at hand
    (the book's chapter 09). One update of one model moves ``16`` bytes per
    parameter (the forward reads each weight, dC/dh reads it again, the update reads and
    writes it), ``12`` with the fused backward-and-update kernel; a graph-captured step of
    torch's kernels reached about 56% of the copy bandwidth on an H100 (cuBLAS on these
    skinny shapes). A step is also never shorter than its kernels' launch latency inside a
    graph, about 2.5 us per kernel and some 10 kernels per layer (what limits small stacks)."""

    name: str
    copy_bytes_per_s: float
    cublas_fraction: float = 0.56
    kernel_latency_s: float = 2.5e-6
    kernels_per_layer: int = 10

    def step_seconds(self, sizes: tuple[int, ...], n_models: int, variant: str = "") -> float:
        """Seconds per model per update: ``variant`` ``""`` (torch kernels at cuBLAS's rate),
        ``"triton"`` (12 B/param at 80% of the copy bandwidth), ``"bound"`` (16 B/param at
        the copy bandwidth)."""
        params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        bytes_per_param, fraction = {"": (16, self.cublas_fraction), "bound": (16, 1.0), "triton": (12, 0.8)}[variant]
        traffic = n_models * params * bytes_per_param / (self.copy_bytes_per_s * fraction)
        latency = self.kernel_latency_s * self.kernels_per_layer * (len(sizes) - 1)
        return max(traffic, latency) / n_models

    def method(self, variant: str = "") -> str:
        what = {"": f"torch kernels at {self.cublas_fraction:.0%} of the copy bandwidth",
                "bound": "the 16-B/param copy-bandwidth bound",
                "triton": "fused kernels, 12 B/param at 80% of the copy bandwidth"}[variant]
        return f"roofline model of an {self.name} ({self.copy_bytes_per_s / 1e12:.1f} TB/s copy; {what}), not a measurement"


GPU_MODELS = {
    "h200": GpuModel("NVIDIA H200", 4.3e12),
    "h100": GpuModel("NVIDIA H100 SXM", 3.0e12),
}
"""The GPUs the plan can be made for without one at hand. Copy bandwidths: H200 measured
about 4.3 TB/s (the project's design measurements); H100 SXM taken as 3.0 TB/s, about 90% of its 3.35 TB/s peak."""


@dataclass(frozen=True)
class MeasuredRates:
    """Training rates measured on a device (``benchmarks/``): model-updates/s of the stack
    trainer at ``M`` models side by side, ``rates = {M: rate}``, for a net of ``n_parameters``;
    ``by_size`` may add other nets, ``{n_parameters: {M: rate}}``. A stage's seconds per
    model-update are taken at the measured net nearest its own in parameters and, within it,
    at the measured ``M`` nearest its own (both on a log scale), scaled by its parameter count
    (within :data:`SIZE_FACTOR` of a measured net, see :meth:`covers`)."""

    name: str
    rates: dict
    n_parameters: int
    source: str = ""
    by_size: dict = field(default_factory=dict)

    def _sizes(self) -> dict:
        return {self.n_parameters: self.rates} | dict(self.by_size)

    def covers(self, sizes: tuple[int, ...]) -> bool:
        """Whether a net of layer widths ``sizes`` is within :data:`SIZE_FACTOR` of a measured one."""
        params = _n_parameters(sizes)
        return any(abs(math.log(params / p)) <= math.log(SIZE_FACTOR) for p in self._sizes())

    def step_seconds(self, sizes: tuple[int, ...], n_models: int) -> float:
        params = _n_parameters(sizes)
        near = min(self._sizes(), key=lambda p: abs(math.log(p) - math.log(params)))
        rates = self._sizes()[near]
        m = min(rates, key=lambda k: abs(math.log(k) - math.log(max(n_models, 1))))
        return params / near / rates[m]

    def method(self) -> str:
        return f"rates measured on {self.name}" + (f" ({self.source})" if self.source else "")


def _n_parameters(sizes) -> int:
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def rates_from_record(record: dict, threads: int, name: str, source: str) -> MeasuredRates | None:
    """The stack trainer's rates at ``threads`` torch threads in one benchmark record (as
    ``benchmarks/throughput.py`` writes it: rows ``impl == "train"`` per net and ``M``), every
    measured net included; None if it has none at that thread count (or is of the old format)."""
    by_size: dict = {}
    nets_ = record.get("nets", {})
    for row in record.get("rows", []):
        if row.get("impl") == "train" and row.get("threads") == threads and row.get("net") in nets_ and row.get("M"):
            p = int(nets_[row["net"]]["n_parameters"])
            by_size.setdefault(p, {})[int(row["M"])] = float(row["model_updates_per_s"])
    if not by_size:
        return None
    first = min(by_size)
    return MeasuredRates(name, by_size[first], first, source, {p: r for p, r in by_size.items() if p != first})


def host_rates(threads: int, results_dir: Path | None = None, cpu: str | None = None) -> MeasuredRates | None:
    """The training rates ``make bench`` measured on this host at ``threads`` torch threads
    (the newest record in ``results_dir``, default :data:`RESULTS_DIR`, whose device names
    this CPU model and core count), or None if there is none. ``cpu``: another host's
    device description instead (``"CPU: Intel(R) Xeon(R) Processor (2 cores"``, as provenance
    writes it), to estimate a run made there."""
    folder = Path(results_dir or RESULTS_DIR)
    want = cpu.split(", ")[0] if cpu else f"CPU: {host.cpu_model()} ({os.cpu_count()} cores"
    model = want.removeprefix("CPU: ").split(" (")[0]
    name = f"{'this host' if cpu is None else 'the host'} ({model}, {threads} torch thread{'s' if threads > 1 else ''})"
    best = None
    for path in sorted(folder.glob("cpu-*.json")) if folder.is_dir() else ():
        try:
            rec = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if not str(rec.get("device", "")).startswith(want):
            continue
        rates = rates_from_record(rec, threads, name, f"make bench, {rec.get('date', '?')}, benchmarks/results/{path.name}")
        if rates is not None and (best is None or rec.get("date", "") >= best[0]):
            best = (rec.get("date", ""), rates)
    return None if best is None else best[1]
