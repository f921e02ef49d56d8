"""How long a training run will take, said before it starts.

Every training experiment describes its work as :class:`Stage` s: a stack of ``n_models``
networks of layer widths ``sizes`` trained for ``updates`` minibatch updates, with
``eval_examples`` held-out examples evaluated ``n_evals`` times and ``probe_examples``
examples probed ``n_probes`` times. :func:`estimate` times a few real SGD steps of one model
of each stage's shape on the chosen device (a calibration of at most about 2 seconds in
all) with up to 8 models side by side, scales by the number of models, and adds evaluation
and probing as the forward/backward passes they are.

:data:`LIMIT_S` is the longest run started without being asked: a run estimated above it is
refused unless ``allow_long=True`` (CLI ``--allow-long``), with the command that runs it on
a GPU instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from . import nets

LIMIT_S = 30 * 60
"""Runs estimated above 30 minutes need ``allow_long=True``."""

CALIBRATION_S = 2.0
"""Wall time the calibration may spend, over all stages."""


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


def _step_seconds(sizes: tuple[int, ...], n_models: int, device: str, batch_size: int, budget_s: float) -> float:
    """Seconds per model per SGD step of a stack of ``n_models`` (at most
    :data:`CALIBRATION_MODELS`) of layer widths ``sizes`` on ``device``: one warm-up step, then
    steps until ``budget_s`` is spent (at least 2, at most 20)."""
    m = max(1, min(n_models, CALIBRATION_MODELS))
    stack = nets.MLPStack(list(sizes), activations="tanh", seeds=[0] * m, device=device)
    x = torch.rand(batch_size, sizes[0], device=stack.device) * 2 - 1
    y = torch.randint(0, sizes[-1], (batch_size,), device=stack.device)
    if stack.device.type == "cuda":
        return _graph_step_seconds(stack, x, y, budget_s) / m
    stack.sgd_step(x, y)
    n, t0 = 0, time.perf_counter()
    while n < 2 or (n < 20 and time.perf_counter() - t0 < budget_s):
        stack.sgd_step(x, y)
        n += 1
    return (time.perf_counter() - t0) / n / m


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


def stage_seconds(stages: list[Stage], device) -> tuple[list[float], str]:
    """The wall time of each stage on ``device``, and how it was obtained: calibrated now on a
    real device (``"cpu"``, ``"cuda"``), from the roofline model of a named GPU
    (:data:`GPU_MODELS`: ``"h200"``, ``"h100"``, optionally ``"h200:triton"`` for the fused
    kernels' 12 B/param, ``"h200:bound"`` for the copy-bandwidth bound itself), or from rates
    measured earlier (a :class:`MeasuredRates`)."""
    if isinstance(device, MeasuredRates):
        return [s.step_equivalents() * device.step_seconds(s.sizes, s.n_models) for s in stages], device.method()
    if device.split(":")[0] in GPU_MODELS:
        model, variant = (device.split(":") + [""])[:2]
        gpu = GPU_MODELS[model]
        return [s.step_equivalents() * gpu.step_seconds(s.sizes, s.n_models, variant) for s in stages], gpu.method(variant)
    models = {}
    for s in stages:
        models[(s.sizes, s.batch_size)] = max(models.get((s.sizes, s.batch_size), 0), s.n_models)
    shapes = sorted(models)
    per_shape = CALIBRATION_S / max(len(shapes), 1)
    step = {shape: _step_seconds(shape[0], models[shape], device, shape[1], per_shape) for shape in shapes}
    method = f"calibrated now on {len(shapes)} shape{'s' if len(shapes) > 1 else ''}"
    return [s.step_equivalents() * step[(s.sizes, s.batch_size)] for s in stages], method


def estimate(stages: list[Stage], device: str) -> Estimate:
    """The wall time of ``stages`` on ``device`` (see :func:`stage_seconds`)."""
    seconds, method = stage_seconds(stages, device)
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
    trainer at ``M`` models side by side, ``rates = {M: rate}``, for a net of ``n_parameters``.
    A stage's seconds per model-update are taken at the measured ``M`` nearest its own (on a
    log scale), scaled by its parameter count (batch-10 SGD costs in proportion to it)."""

    name: str
    rates: dict
    n_parameters: int
    source: str = ""

    def step_seconds(self, sizes: tuple[int, ...], n_models: int) -> float:
        import math

        m = min(self.rates, key=lambda k: abs(math.log(k) - math.log(max(n_models, 1))))
        params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        return params / self.n_parameters / self.rates[m]

    def method(self) -> str:
        return f"rates measured on {self.name}" + (f" ({self.source})" if self.source else "")
