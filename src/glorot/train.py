"""Plain minibatch SGD over a stack of models (paper §2: batch 10, ``theta <- theta - lr g``,
no momentum, no decay, no schedule).

Every model of an :class:`~glorot.nets.MLPStack` sees the same minibatches; each has its own
learning rate. Test error is evaluated at set intervals on fixed held-out sets. A model whose
cost becomes NaN/inf is stopped and reported; the others go on. Long runs checkpoint
atomically and resume where they stopped, with the same result as an uninterrupted run.

Time is counted in updates and, as in the paper's plots, in "epochs" of 20,000 updates
(200,000 examples; PAPER.md §2, Monitoring).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Protocol

import pandas as pd
import torch

from .nets import MLPStack
from .validation import check_positive_int

UPDATES_PER_EPOCH = 20_000
"""The paper's plotting unit: one "epoch" = 20k minibatch updates of 10 examples."""


class BatchStream(Protocol):
    """Anything that serves minibatches and can save and restore its position."""

    def next_batch(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]: ...

    def state_dict(self) -> dict: ...

    def load_state_dict(self, state: dict) -> None: ...


class ArrayStream:
    """Minibatches from a finite training set, reshuffled every pass with a seeded permutation.

    The permutation of pass ``p`` is drawn from ``seed`` and ``p`` alone, so the stream's
    state is just (pass, position) and a resumed run sees the same batches.
    """

    def __init__(self, x: torch.Tensor, y: torch.Tensor, seed: int = 0):
        if x.shape[0] != y.shape[0] or x.shape[0] == 0:
            raise ValueError(f"x and y must hold the same, non-zero number of examples: {x.shape[0]} vs {y.shape[0]}")
        self.x, self.y, self.seed = x, y, int(seed)
        self._pass, self._pos = 0, 0
        self._perm = self._permutation(0)

    def _permutation(self, p: int) -> torch.Tensor:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + p)
        return torch.randperm(self.x.shape[0], generator=g)

    def next_batch(self, batch_size: int):
        parts = []
        need = batch_size
        while need:
            take = min(need, self.x.shape[0] - self._pos)
            parts.append(self._perm[self._pos : self._pos + take])
            self._pos += take
            need -= take
            if self._pos == self.x.shape[0]:
                self._pass, self._pos = self._pass + 1, 0
                self._perm = self._permutation(self._pass)
        idx = torch.cat(parts)
        return self.x[idx], self.y[idx]

    def state_dict(self) -> dict:
        return {"pass": self._pass, "pos": self._pos}

    def load_state_dict(self, state: dict) -> None:
        self._pass, self._pos = int(state["pass"]), int(state["pos"])
        self._perm = self._permutation(self._pass)


@contextlib.contextmanager
def cpu_threads(n: int | None):
    """Run the block with ``torch.set_num_threads(n)`` (None: leave it), then restore.

    Batch-10 SGD at the quick profiles' widths is overhead-bound: one thread is faster than
    two on a shared 2-core machine, and a fixed thread count keeps CPU results bitwise
    reproducible."""
    if not n:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(before)


@torch.no_grad()
def error_rate(stack: MLPStack, x: torch.Tensor, y: torch.Tensor, chunk: int = 2000) -> torch.Tensor:
    """Classification error of every model on ``(x, y)``, ``[M]`` (argmax of the softmax)."""
    wrong = torch.zeros(stack.n_models, dtype=torch.float64)
    for i in range(0, x.shape[0], chunk):
        pred = stack.logits(x[i : i + chunk]).argmax(-1).cpu()
        wrong += (pred != y[i : i + chunk].cpu().view(1, -1)).sum(1)
    return wrong / x.shape[0]


@torch.no_grad()
def mean_cost(stack: MLPStack, x: torch.Tensor, y: torch.Tensor, chunk: int = 2000) -> torch.Tensor:
    """Mean negative log-likelihood of every model on ``(x, y)``, ``[M]``."""
    total = torch.zeros(stack.n_models, dtype=torch.float64)
    for i in range(0, x.shape[0], chunk):
        fwd = stack.forward(x[i : i + chunk])
        total += stack.cost(fwd, y[i : i + chunk]).double().cpu() * min(chunk, x.shape[0] - i)
    return total / x.shape[0]


@dataclass
class TrainResult:
    """What :func:`train` returns. DataFrames are tidy (one row per observation).

    ``curves``: model, configuration columns, update, examples, epoch, split, error, cost.
    ``probes``: whatever the probe callback returned, with update/examples/epoch added.
    ``diverged``: model, update at which its cost became non-finite or exceeded ``max_cost``.
    """

    stack: MLPStack
    curves: pd.DataFrame
    probes: pd.DataFrame
    diverged: pd.DataFrame
    updates: int
    wall_time_s: float
    resumed_from: int = 0
    extra: dict = field(default_factory=dict)


def _with_time(df: pd.DataFrame, update: int, batch_size: int) -> pd.DataFrame:
    df = df.copy()
    df.insert(0, "update", update)
    df.insert(1, "examples", update * batch_size)
    df.insert(2, "epoch", update / UPDATES_PER_EPOCH)
    return df


def _atomic_save(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def train(
    stack: MLPStack,
    stream: BatchStream,
    updates: int,
    *,
    batch_size: int = 10,
    eval_every: int | None = None,
    eval_sets: Mapping[str, tuple[torch.Tensor, torch.Tensor]] | None = None,
    probe: Callable[[MLPStack], pd.DataFrame | None] | None = None,
    probe_every: int | None = None,
    checkpoint: str | Path | None = None,
    checkpoint_every: int | None = None,
    stop_after: int | None = None,
    max_cost: float = 1e4,
    progress: bool = False,
) -> TrainResult:
    """Train every model of ``stack`` with SGD for ``updates`` minibatch updates.

    Parameters
    ----------
    stream:
        Source of minibatches (:class:`glorot.shapeset.ShapesetStream`, :class:`ArrayStream`).
    eval_every, eval_sets:
        Every ``eval_every`` updates (and at 0 and at the end) the error and cost of every
        model on each named ``(x, y)`` set are recorded in ``curves``.
    probe, probe_every:
        ``probe(stack)`` is called at 0, every ``probe_every`` updates and at the end; it
        must not change the stack (the probes of :mod:`glorot.probes` only read it). Probing
        draws no random numbers from the training stream, so it does not change training.
    checkpoint, checkpoint_every:
        If ``checkpoint`` names a file, the run state (weights, stream position, records so
        far) is written there atomically every ``checkpoint_every`` updates, and a run that
        finds the file resumes from it.
    max_cost:
        A model whose minibatch cost is NaN, infinite or above ``max_cost`` (nats; chance
        level on 9 classes is log 9 = 2.2) has diverged: it is stopped (its weights are left
        as they were, its later errors are NaN) and reported in ``diverged``.
    stop_after:
        Stop after this many updates as if the process had been killed: nothing is saved at
        the stop, so a resumed run restarts from the last periodic checkpoint (for tests).
    """
    updates = check_positive_int("updates", updates, minimum=0)
    batch_size = check_positive_int("batch_size", batch_size)
    eval_sets = dict(eval_sets or {})
    if eval_every is not None:
        check_positive_int("eval_every", eval_every)
    if probe_every is not None:
        check_positive_int("probe_every", probe_every)
    if checkpoint is not None and checkpoint_every is None:
        checkpoint_every = max(1, updates // 20)
    config = pd.DataFrame(stack.describe())

    curve_rows: list[pd.DataFrame] = []
    probe_rows: list[pd.DataFrame] = []
    diverged: list[dict] = []
    start = 0
    elapsed_before = 0.0
    ckpt_path = Path(checkpoint) if checkpoint is not None else None
    if ckpt_path is not None and ckpt_path.exists():
        try:
            state = torch.load(ckpt_path, weights_only=False)
        except Exception as e:  # noqa: BLE001 - report any unreadable checkpoint the same way
            raise ValueError(f"checkpoint {ckpt_path} is corrupt or unreadable ({e}); delete it to start afresh") from e
        stack.load_state_dict(state["stack"])
        stream.load_state_dict(state["stream"])
        start = int(state["update"])
        curve_rows = [state["curves"]] if len(state["curves"]) else []
        probe_rows = [state["probes"]] if len(state["probes"]) else []
        diverged = list(state["diverged"])
        elapsed_before = float(state["wall_time_s"])

    def record(update: int, do_eval: bool = True, do_probe: bool = True) -> None:
        for name, (x, y) in eval_sets.items() if do_eval else ():
            err = error_rate(stack, x, y)
            cost = mean_cost(stack, x, y)
            df = config.assign(split=name, error=err.numpy(), cost=cost.numpy())
            df.loc[~stack.active.numpy(), ["error", "cost"]] = float("nan")
            curve_rows.append(_with_time(df, update, batch_size))
        if probe is not None and do_probe:
            out = probe(stack)
            if out is not None and len(out):
                probe_rows.append(_with_time(out, update, batch_size))

    def save(update: int, t0: float) -> None:
        _atomic_save(
            {
                "stack": stack.state_dict(),
                "stream": stream.state_dict(),
                "update": update,
                "curves": pd.concat(curve_rows, ignore_index=True) if curve_rows else pd.DataFrame(),
                "probes": pd.concat(probe_rows, ignore_index=True) if probe_rows else pd.DataFrame(),
                "diverged": diverged,
                "wall_time_s": elapsed_before + time.perf_counter() - t0,
            },
            ckpt_path,
        )

    def due(every: int | None, u: int) -> bool:
        return every is not None and u % every == 0

    t0 = time.perf_counter()
    if start == 0:
        record(0)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=updates, initial=start, unit="upd")
    end = updates if stop_after is None else min(updates, stop_after)
    check_every = 1 if stack.device.type == "cpu" else 100
    u = start
    while u < end:
        x, y = stream.next_batch(batch_size)
        cost = stack.sgd_step(x, y)
        u += 1
        if u % check_every == 0 or u == updates:
            cost = cost.cpu()
            bad = (~torch.isfinite(cost) | (cost > max_cost)) & stack.active
            for k in torch.nonzero(bad).flatten().tolist():
                stack.active[k] = False
                diverged.append({"model": k, "update": u})
        do_eval = u == updates or due(eval_every, u)
        do_probe = u == updates or due(probe_every, u)
        if do_eval or do_probe:
            record(u, do_eval, do_probe)
        if ckpt_path is not None and (u % checkpoint_every == 0 or u == updates):
            save(u, t0)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    wall = elapsed_before + time.perf_counter() - t0
    div = pd.DataFrame(diverged, columns=["model", "update"]).merge(config, on="model", how="left")
    return TrainResult(
        stack=stack,
        curves=pd.concat(curve_rows, ignore_index=True) if curve_rows else pd.DataFrame(),
        probes=pd.concat(probe_rows, ignore_index=True) if probe_rows else pd.DataFrame(),
        diverged=div,
        updates=u,
        wall_time_s=wall,
        resumed_from=start,
    )
