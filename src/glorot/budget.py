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
    stack.sgd_step(x, y)
    sync = torch.cuda.synchronize if stack.device.type == "cuda" else (lambda: None)
    sync()
    n, t0 = 0, time.perf_counter()
    while n < 2 or (n < 20 and time.perf_counter() - t0 < budget_s):
        stack.sgd_step(x, y)
        n += 1
    sync()
    return (time.perf_counter() - t0) / n / m


def estimate(stages: list[Stage], device: str) -> Estimate:
    """The wall time of ``stages`` on ``device``, from a calibration of each distinct shape."""
    models = {}
    for s in stages:
        models[(s.sizes, s.batch_size)] = max(models.get((s.sizes, s.batch_size), 0), s.n_models)
    shapes = sorted(models)
    per_shape = CALIBRATION_S / max(len(shapes), 1)
    step = {shape: _step_seconds(shape[0], models[shape], device, shape[1], per_shape) for shape in shapes}
    seconds = sum(s.step_equivalents() * step[(s.sizes, s.batch_size)] for s in stages)
    updates = sum(s.n_models * s.updates for s in stages)
    return Estimate(seconds, updates, device, f"calibrated now on {len(shapes)} shape{'s' if len(shapes) > 1 else ''}")
