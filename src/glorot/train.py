"""Plain minibatch SGD over a stack of models (paper §2: batch 10, ``theta <- theta - lr g``,
no momentum, no decay, no schedule).

Every model of an :class:`~glorot.nets.MLPStack` sees the same minibatches; each has its own
learning rate. Test error is evaluated at set intervals on fixed held-out sets. A model whose
cost becomes NaN/inf is stopped and reported; the others go on. Long runs checkpoint
atomically and resume where they stopped, with the same result as an uninterrupted run.

Time is counted in updates and, as in the paper's plots, in "epochs" of 20,000 updates
(200,000 examples; the paper's §2 and the x axes of its Figs. 2-4).
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Protocol, Sequence

import pandas as pd
import torch

from . import checkpoints, nets
from .nets import MLPStack
from .run_settings import DEFAULT, RunSettings
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


GRAPH_STEPS = 100
"""Updates per graph block (the ``"graph"`` engine of :data:`glorot.run_settings.ENGINES`), and
so how often that engine checks for divergence: the costs of a block are read once, after its
last update (one host synchronisation per 100 updates); a model found diverged is reported at
its first bad update and stopped there, its weights having taken up to 99 more (non-finite)
updates."""


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


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The records so far as one frame (an empty one before the first)."""
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


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
    settings: RunSettings = DEFAULT,
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
        level on 9 classes is log 9 = 2.2) has diverged: it is stopped (its learning rate
        becomes 0, its later errors are NaN) and reported in ``diverged``. On the per-model
        loop its weights are then left exactly as they were; on the batched paths (the CPU's
        for narrow stacks, and CUDA) a stopped model still goes through the products with
        learning rate 0, which leaves finite weights unchanged but lets non-finite values
        already in its forward pass into its weights (and the graph engine stops it only at
        the end of its 100-update block).
    stop_after:
        Stop after this many updates as if the process had been killed: nothing is saved at
        the stop, so a resumed run restarts from the last periodic checkpoint (for tests).
    settings:
        How the run is carried out (:class:`glorot.run_settings.RunSettings`): its engine,
        kernels and TF32 products; the work budget of its chunk, once spent (with a
        ``checkpoint``) the run saves at the next update it can and raises
        :class:`glorot.checkpoints.ChunkPaused`; whether its saves count for the fault
        injection. Default: the device's engine, no budget.
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
        state = checkpoints.load(ckpt_path, "train")
        stack.load_state_dict(state["stack"])
        stream.load_state_dict(state["stream"])
        start = int(state["update"])
        saved_curves, saved_probes = (checkpoints.frame_from_state(state[k]) for k in ("curves", "probes"))
        curve_rows = [saved_curves] if len(saved_curves) else []
        probe_rows = [saved_probes] if len(saved_probes) else []
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
        checkpoints.save(
            {
                "stack": stack.state_dict(),
                "stream": stream.state_dict(),
                "update": update,
                "curves": checkpoints.frame_state(_concat(curve_rows)),
                "probes": checkpoints.frame_state(_concat(probe_rows)),
                "diverged": diverged,
                "wall_time_s": elapsed_before + time.perf_counter() - t0,
            },
            ckpt_path,
            "train",
            fault_injection=settings.fault_injection,
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
    how = settings.execution
    engine = how.engine or ("graph" if stack.device.type == "cuda" else "step")
    block = None
    if engine == "graph":
        from .cuda_step import graphed_steps

        block = graphed_steps(stack, batch_size, GRAPH_STEPS, kernels=how.kernels, tf32=how.tf32)
    elif how.kernels != "torch" or how.tf32:
        raise ValueError("triton kernels and TF32 need the graph engine (engine='graph', the default on CUDA)")

    def stop_diverged(cost_rows: list[list[float]], first_update: int) -> None:
        """Stop every active model whose cost is non-finite or above ``max_cost`` at some
        step of ``cost_rows`` (one row of M costs per update, starting at ``first_update``)."""
        active = stack.active.tolist()
        for j, row in enumerate(cost_rows):
            for k, c in enumerate(row):
                if active[k] and not (math.isfinite(c) and c <= max_cost):
                    active[k] = False
                    stack.active[k] = False
                    diverged.append({"model": k, "update": first_update + j})
                    if block is not None:
                        block.refresh_learning_rates()

    def next_event(u: int) -> int:
        """The first update after ``u`` at which something is recorded, saved or checked."""
        marks = [end]
        for every in (eval_every, probe_every, checkpoint_every if ckpt_path is not None else None):
            if every:
                marks.append((u // every + 1) * every)
        return min(marks)

    u = start
    while u < end:
        stop = next_event(u)
        while u < stop:
            if block is not None and stop - u >= GRAPH_STEPS:
                x, y = stream.next_batch(batch_size * GRAPH_STEPS)
                costs = block.run(x, y).tolist()
                stop_diverged(costs, u + 1)
                n = GRAPH_STEPS
            else:
                x, y = stream.next_batch(batch_size)
                if block is not None:
                    cost = block.step(x, y)
                else:
                    cost = stack.sgd_step(x, y)
                stop_diverged([cost.tolist()], u + 1)
                n = 1
            u += n
            settings.spend(n * stack.n_models)
            if bar is not None:
                bar.update(n)
            if ckpt_path is not None and settings.budget_spent() and u < stop:
                break
        do_eval = u == updates or due(eval_every, u)
        do_probe = u == updates or due(probe_every, u)
        if do_eval or do_probe:
            record(u, do_eval, do_probe)
        paused = ckpt_path is not None and u < updates and settings.budget_spent()
        if ckpt_path is not None and (u % checkpoint_every == 0 or u == updates or paused):
            save(u, t0)
        if paused:
            if bar is not None:
                bar.close()
            raise checkpoints.ChunkPaused(f"work budget spent at update {u:,} of {updates:,}; state saved in {ckpt_path}")
    if bar is not None:
        bar.close()
    wall = elapsed_before + time.perf_counter() - t0
    div = pd.DataFrame(diverged, columns=["model", "update"]).merge(config, on="model", how="left")
    return TrainResult(
        stack=stack,
        curves=_concat(curve_rows),
        probes=_concat(probe_rows),
        diverged=div,
        updates=u,
        wall_time_s=wall,
        resumed_from=start,
    )


# --------------------------------------------------------------------------- several stacks on one stream

def _shift(df: pd.DataFrame, offset: int, batch_size: int) -> pd.DataFrame:
    if df.empty or not offset:
        return df
    df = df.copy()
    df["update"] += offset
    df["examples"] = df["update"] * batch_size
    df["epoch"] = df["update"] / UPDATES_PER_EPOCH
    return df


class SharedStream:
    """One online stream read by several stacks in turn: every reader gets the examples of
    ``source`` in the same order, as if each had its own copy of the stream, but each example
    is generated once. ``source.next_batch`` is called in blocks of ``block`` examples (for
    :class:`glorot.shapeset.ShapesetStream` the examples served do not depend on the batch
    sizes asked for); a block is freed once every reader is past it.

    Holds ``blocks`` (block number -> ``(x, y)``, those some reader has yet to pass), ``pos``
    (each reader's position in examples) and the number of the next block to draw; with the
    source's own state these are what :meth:`state_dict` saves."""

    def __init__(self, source, n_readers: int, block: int = 1000):
        self.source, self.block = source, int(block)
        self.blocks: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
        self.pos = [0] * int(n_readers)
        self._next = 0

    def reader(self, i: int) -> "_Reader":
        return _Reader(self, i)

    def _take(self, i: int, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        start, end = self.pos[i], self.pos[i] + n
        while self._next * self.block < end:
            self.blocks[self._next] = self.source.next_batch(self.block)
            self._next += 1
        xs, ys = [], []
        for j in range(start // self.block, (end - 1) // self.block + 1):
            bx, by = self.blocks[j]
            lo, hi = max(start - j * self.block, 0), min(end - j * self.block, self.block)
            xs.append(bx[lo:hi])
            ys.append(by[lo:hi])
        self.pos[i] = end
        for j in [j for j in self.blocks if (j + 1) * self.block <= min(self.pos)]:
            del self.blocks[j]
        if len(xs) == 1:
            return xs[0], ys[0]
        return torch.cat(xs), torch.cat(ys)

    def state_dict(self) -> dict:
        """Plain data for a checkpoint: the source's state, the buffered blocks (copied to the
        CPU, with the device they came from), every reader's position, the next block's number."""
        return {
            "source": self.source.state_dict(),
            "block": self.block,
            "pos": list(self.pos),
            "next_block": self._next,
            "blocks": {j: {"x": x.cpu().clone(), "y": y.cpu().clone(), "device": str(x.device)}
                       for j, (x, y) in self.blocks.items()},
        }

    def load_state_dict(self, state: dict) -> None:
        """Return to a state saved by :meth:`state_dict`: every reader then gets the examples
        it would have got had the run never stopped."""
        if int(state["block"]) != self.block or len(state["pos"]) != len(self.pos):
            raise ValueError(f"shared stream state is for blocks of {state['block']} and {len(state['pos'])} readers; "
                             f"this stream has blocks of {self.block} and {len(self.pos)} readers")
        self.source.load_state_dict(state["source"])
        self.pos = [int(p) for p in state["pos"]]
        self._next = int(state["next_block"])
        self.blocks = {int(j): (b["x"].to(b["device"]), b["y"].to(b["device"])) for j, b in state["blocks"].items()}


class _Reader:
    """One stack's view of a :class:`SharedStream` (a :class:`glorot.train.BatchStream`)."""

    def __init__(self, shared: SharedStream, i: int):
        self.shared, self.i = shared, i

    def next_batch(self, batch_size: int):
        return self.shared._take(self.i, int(batch_size))

    def state_dict(self) -> dict:
        return {"position": self.shared.pos[self.i]}

    def load_state_dict(self, state: dict) -> None:
        raise NotImplementedError("one reader of a SharedStream cannot be restored alone; restore the whole "
                                  "SharedStream with its load_state_dict (train_lockstep's checkpoints do)")


def segments(updates: int, probe_every: int, early_updates: int = 0, early_probe_every: int = 0) -> list[int]:
    """The run cut at its probe times: every ``early_probe_every`` updates over the first
    ``early_updates`` (to see §4.3's "very quickly"), then every ``probe_every`` updates."""
    out, done = [], 0
    while early_updates and early_probe_every and done < min(early_updates, updates):
        n = min(early_probe_every, early_updates - done, updates - done)
        out.append(n)
        done += n
    while done < updates:
        n = min(probe_every, updates - done)
        out.append(n)
        done += n
    return out


def train_lockstep(stacks: Sequence[nets.MLPStack], stream, cuts: Sequence[int], probes_=None, eval_every: int | None = None,
                   eval_sets=None, batch_size: int = 10, block: int = 1000, checkpoint: str | Path | None = None,
                   checkpoint_every: int | None = None, settings: RunSettings = DEFAULT) -> list[dict[str, pd.DataFrame]]:
    """Train several stacks (e.g. of different depths) on one online stream, side by side:
    the run is cut into ``cuts`` (segment lengths, e.g. from :func:`segments`); each segment
    trains every stack in turn with :func:`glorot.train.train`, which probes at the segment's
    start and end. Each stack sees exactly the batches ``stream`` serves, in order, and takes
    exactly the updates one uninterrupted :func:`~glorot.train.train` call would.

    Records are shifted to the run's update count; a segment's record at its start (equal to
    the previous segment's last) is dropped; held-out error is evaluated at 0, at the end of
    the first segment reaching each multiple of ``eval_every``, and at the end.
    Returns, per stack, ``curves``, ``probes``, ``diverged``.

    If ``checkpoint`` names a file, the run's state (every stack, the shared stream, the
    records so far) is written there at the first segment end at or past each multiple of
    ``checkpoint_every`` updates (default: a twentieth of the run) and at the end; a run that
    finds the file resumes after the last segment saved, with the same result as a run that
    never stopped.

    ``settings`` (:class:`glorot.run_settings.RunSettings`) go to every segment's
    :func:`train` (its execution; its updates count against the budget); once the budget is
    spent, the run saves at the end of the segment and raises
    :class:`glorot.checkpoints.ChunkPaused`.
    """
    cuts = [int(n) for n in cuts]
    total = sum(cuts)
    shared = SharedStream(stream, len(stacks), block=block)
    readers = [shared.reader(i) for i in range(len(stacks))]
    probes_ = list(probes_) if probes_ is not None else [None] * len(stacks)
    eval_sets = dict(eval_sets or {})
    out = [{"curves": [], "probes": [], "diverged": []} for _ in stacks]
    run = {"cuts": cuts, "batch_size": int(batch_size), "block": int(block),
           "eval_every": None if eval_every is None else int(eval_every), "n_stacks": len(stacks)}
    ckpt_path = Path(checkpoint) if checkpoint is not None else None
    if ckpt_path is not None:
        every = checkpoint_every if checkpoint_every is not None else max(1, total // 20)
        checkpoint_every = check_positive_int("checkpoint_every", every)
    done = 0
    if ckpt_path is not None and ckpt_path.exists():
        done = _resume_lockstep(ckpt_path, run, stacks, shared, out)
    offset = sum(cuts[:done])
    for j in range(done, len(cuts)):
        n = cuts[j]
        end = offset + n
        due = end == total or (eval_every is not None and end // eval_every > offset // eval_every)
        for stack, reader, probe, rec in zip(stacks, readers, probes_, out):
            res = train(stack, reader, n, batch_size=batch_size, probe=probe, probe_every=n,
                        eval_sets=eval_sets if (due or j == 0) else None, settings=settings)
            c, p = res.curves, res.probes
            if not c.empty:
                c = c[((c["update"] == 0) & (j == 0)) | ((c["update"] == n) & due)]
            if j > 0 and not p.empty:
                p = p[p["update"] > 0]
            rec["curves"].append(_shift(c, offset, batch_size))
            rec["probes"].append(_shift(p, offset, batch_size))
            if not res.diverged.empty:
                rec["diverged"].append(res.diverged.assign(update=res.diverged["update"] + offset))
        paused = ckpt_path is not None and end < total and settings.budget_spent()
        if ckpt_path is not None and (end == total or end // checkpoint_every > offset // checkpoint_every or paused):
            checkpoints.save(_lockstep_state(j + 1, run, stacks, shared, out), ckpt_path, "train_lockstep",
                             fault_injection=settings.fault_injection)
        offset = end
        if paused:
            raise checkpoints.ChunkPaused(f"work budget spent after segment {j + 1} of {len(cuts)} (update {end:,} of "
                                          f"{total:,}); state saved in {ckpt_path}")
    results = []
    for stack, rec in zip(stacks, out):
        div = pd.concat(rec["diverged"], ignore_index=True) if rec["diverged"] else pd.DataFrame(columns=["model", "update"])
        results.append({
            "curves": pd.concat(rec["curves"], ignore_index=True),
            "probes": pd.concat(rec["probes"], ignore_index=True),
            "diverged": div,
        })
    return results


def _lockstep_state(done: int, run: dict, stacks: Sequence[nets.MLPStack], shared: SharedStream, out: list[dict]) -> dict:
    """A :func:`train_lockstep` checkpoint after ``done`` segments: the run's layout, every
    stack, the shared stream, and every stack's records so far (kept as the list of frames
    they are, so the final concatenation is the uninterrupted run's)."""
    return {
        "run": run,
        "segments_done": done,
        "stacks": [stack.state_dict() for stack in stacks],
        "stream": shared.state_dict(),
        "records": [{key: [checkpoints.frame_state(df) for df in frames] for key, frames in rec.items()} for rec in out],
    }


def _resume_lockstep(path: Path, run: dict, stacks: Sequence[nets.MLPStack], shared: SharedStream, out: list[dict]) -> int:
    """Restore a :func:`train_lockstep` checkpoint into the stacks, stream and records; the
    number of segments it had done."""
    state = checkpoints.load_matching(path, "train_lockstep", "run", run, "a lockstep run")
    for stack, saved in zip(stacks, state["stacks"]):
        stack.load_state_dict(saved)
    shared.load_state_dict(state["stream"])
    for rec, saved in zip(out, state["records"]):
        for key, frames in saved.items():
            rec[key] = [checkpoints.frame_from_state(d) for d in frames]
    return int(state["segments_done"])
