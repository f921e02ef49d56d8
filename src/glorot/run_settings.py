"""How a run is carried out, apart from what it computes: one frozen :class:`RunSettings`,
passed down the call chain as the keyword argument ``settings``.

A run is told three things besides its configuration:

* its :class:`Execution`: the engine, the backward-and-update kernels and TF32 products (how
  a CUDA run computes; the CPU's results are the same whatever these say, and the CPU refuses
  the Triton kernels and TF32);
* its :class:`WorkBudget`, if it is one chunk of a longer run: the training loops stop at their
  next checkpoint once the budget is spent, save, and raise
  :class:`glorot.checkpoints.ChunkPaused`;
* whether its checkpoint saves take part in the fault injection of
  ``GLOROT_KILL_AFTER_CHECKPOINTS`` (:mod:`glorot.checkpoints`): a behavioural probe
  (:mod:`glorot.behaviour`) run at the start of a chunk must not count as one of its saves.

They travel explicitly, never through a module global::

    glorot.experiments.registry.run / run_chunk        (build the settings)
      -> Experiment.runner(cfg, device, checkpoint_dir, settings=...)
        -> glorot.monitoring.run_dynamics(..., settings=...)
          -> glorot.train.train_lockstep(..., settings=...)
            -> glorot.train.train(..., settings=...)
        -> glorot.pretrain.pretrain(..., settings=...)       (Figs. 11-12's groups)

Every function of the chain defaults to :data:`DEFAULT` (the device's engine, torch kernels,
float32 products, no budget, the fault injection on), so a call made by hand behaves exactly as
a run of the book. The object is frozen: what a run is told never changes while it runs; only
the :class:`WorkBudget` it may carry counts what is spent against it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

ENGINES = ("step", "graph")
"""How :func:`glorot.train.train` performs its updates: ``"step"``, one
:meth:`~glorot.nets.MLPStack.sgd_step` call per update (the CPU default); ``"graph"``, blocks of
:data:`glorot.train.GRAPH_STEPS` updates as one :class:`glorot.cuda_step.GraphedSteps` (the CUDA
default: a CUDA graph replayed on static buffers; on a CPU the same block code runs eagerly)."""

KERNELS = ("torch", "triton")
"""The backward-and-update kernels of the graph engine: torch's products, or the fused Triton
kernels of :mod:`glorot.triton_kernels`."""


@dataclass(frozen=True)
class Execution:
    """How training runs, apart from what it computes: the engine (:data:`ENGINES`; None: by
    device), the backward-and-update kernels (:data:`KERNELS`) and TF32 products (CUDA only;
    off by default, the paper's numbers are float32). Checked when made."""

    engine: str | None = None
    kernels: str = "torch"
    tf32: bool = False

    def __post_init__(self) -> None:
        if self.engine is not None and self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)} (or None: by device), got {self.engine!r}")
        if self.kernels not in KERNELS:
            raise ValueError(f"kernels must be 'torch' or 'triton', got {self.kernels!r}")
        if not isinstance(self.tf32, bool):
            raise ValueError(f"tf32 must be True or False, got {self.tf32!r}")

    def describe(self) -> str:
        """The settings that differ from the defaults, in words ("" when none do)."""
        parts = []
        if self.kernels != "torch":
            parts.append(f"{self.kernels} kernels")
        if self.tf32:
            parts.append("TF32 products")
        if self.engine is not None:
            parts.append(f"{self.engine} engine")
        return ", ".join(parts)


class WorkBudget:
    """The work budget of one chunk of a run: ``model_updates`` model-updates (one SGD update of
    one model) and/or ``seconds`` of wall time from the moment it is made (None: no limit of
    that kind). The training loops that carry it (:func:`glorot.train.train`,
    :func:`glorot.train.train_lockstep`, :func:`glorot.pretrain.pretrain`) count their updates
    against it with :meth:`spend` and, once it is :meth:`spent`, stop at their next checkpoint
    opportunity, save their state there and raise :class:`glorot.checkpoints.ChunkPaused`. A
    run resumed from that state gives the same result as one that never stopped (the resume
    tests), so a long run can be cut into chunks anywhere. A loop without a checkpoint file
    never pauses (it has nowhere to save), but still counts. ``spent_updates`` tells how much
    was done: this object is the one mutable part of a run's settings, made for one chunk."""

    def __init__(self, model_updates: int | None = None, seconds: float | None = None):
        self._clock = time.perf_counter
        self.model_updates = None if model_updates is None else int(model_updates)
        self.deadline = None if seconds is None else self._clock() + float(seconds)
        self.spent_updates = 0

    def spend(self, model_updates: int) -> None:
        """Count ``model_updates`` against the budget."""
        self.spent_updates += int(model_updates)

    def spent(self) -> bool:
        """Whether the model-updates are done or the time is up."""
        if self.model_updates is not None and self.spent_updates >= self.model_updates:
            return True
        return self.deadline is not None and self._clock() >= self.deadline


@dataclass(frozen=True)
class RunSettings:
    """Everything a run is told apart from its configuration (module docstring): its
    :class:`Execution`, the :class:`WorkBudget` of its chunk (None: not a chunk, it runs to the
    end) and ``fault_injection`` (False: its checkpoint saves are not counted by
    ``GLOROT_KILL_AFTER_CHECKPOINTS``; a behavioural probe's). ``progress``: what is told of the
    work as it is done, anything with ``update(model_updates)`` (a tqdm bar, which
    :func:`glorot.experiments.registry.run` makes); None: nothing."""

    execution: Execution = field(default_factory=Execution)
    budget: WorkBudget | None = None
    fault_injection: bool = True
    progress: object = None

    def __post_init__(self) -> None:
        if not isinstance(self.execution, Execution):
            raise TypeError(f"execution must be an Execution, got {type(self.execution).__name__}")
        if self.budget is not None and not isinstance(self.budget, WorkBudget):
            raise TypeError(f"budget must be a WorkBudget or None, got {type(self.budget).__name__}")
        if not isinstance(self.fault_injection, bool):
            raise ValueError(f"fault_injection must be True or False, got {self.fault_injection!r}")
        if self.progress is not None and not callable(getattr(self.progress, "update", None)):
            raise TypeError(f"progress must have an update(n) method (a tqdm bar) or be None, got {type(self.progress).__name__}")

    def spend(self, model_updates: int) -> None:
        """Count ``model_updates`` against the budget, if there is one, and tell the progress."""
        if self.budget is not None:
            self.budget.spend(model_updates)
        if self.progress is not None:
            self.progress.update(int(model_updates))

    def budget_spent(self) -> bool:
        """True when there is a budget and it is spent."""
        return self.budget is not None and self.budget.spent()


DEFAULT = RunSettings()
"""The settings of a run nobody told otherwise: the device's engine, torch kernels, float32
products, no budget, its saves counted by the fault injection."""
