"""The measurements shared by ``benchmarks/throughput.py`` (CPU tables) and
``benchmarks/device_check.py`` (one short GPU job).

Every timed thing is a :class:`Bench`: ``bench.run(n)`` performs ``n`` updates of all of its
``models`` models (or ``n`` copies, for the copy benchmark) and returns the elapsed seconds,
synchronising the device before and after. A bench is built (stacks allocated, weights drawn,
warm-up steps taken) once and then timed many times, so that the scripts can *alternate*
implementations, repeat for repeat, on a noisy shared machine: a slow spell then hits all of
them alike, and the medians compare like with like.

What is measured (the book's chapter 09 explains why):

* :func:`copy_bandwidth` -- bytes read + written per second by one large tensor copy;
* :func:`shapeset_rate` -- Shapeset-3x2 images/s (:func:`glorot.shapeset.generate`);
* :func:`train_bench` -- :func:`glorot.train.train` on an :class:`~glorot.nets.MLPStack`, with
  the stack's own choice of path (or the given execution settings);
* :func:`path_bench` -- one CPU step path called directly (``"loop"`` or ``"batched"``);
* :func:`graph_bench` -- :class:`glorot.cuda_step.GraphedSteps` blocks, steady state (what a
  long ``train`` run spends its time in, without ``train``'s per-call set-up);
* :func:`naive_bench` -- the baseline a reader would write: one ``nn.Sequential`` per model,
  autograd, ``torch.optim.SGD``, the models one after another;
* :class:`GemmBound` / :func:`gemm_bound` -- the **GEMM-only bound**: only the matrix products
  one batch-``B`` SGD update of the net cannot do without, in the order a real step runs them
  (see the class).

Rates are *model-updates per second*: one SGD update of one model is one model-update, so a
stack of ``M`` models stepping ``n`` times makes ``M n`` of them.
"""

from __future__ import annotations

import math
import os
import re
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import torch

BATCH = 10
"""The paper's minibatch (§2)."""

BYTES_PER_PARAM = {"16B": 16, "12B": 12}
"""Memory traffic per parameter per model-update in float32. ``16B``: the forward product reads
each weight (4 B), the backward product ``dC/dh`` reads it again (4 B), the in-place update
reads and writes it (8 B). ``12B``: a fused backward-and-update kernel that reads each weight
once for both (:mod:`glorot.triton_kernels`)."""


def sync(device: torch.device | str) -> None:
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def n_parameters(sizes: Sequence[int]) -> int:
    """Weights and biases of one model of layer widths ``sizes``."""
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def slug(name: str) -> str:
    """``"CPU: AMD EPYC (2 cores, 2 torch threads)"`` -> ``"cpu-amd-epyc-2-cores-2-torch-threads"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def device_slug(device) -> str:
    """The results file's name (without ``.json``) for ``device``: the slug of
    :func:`glorot.archive.device_name` (on a CPU it names the current torch thread count)."""
    from glorot import archive

    return slug(archive.device_name(device))


# --------------------------------------------------------------------------- benches


@dataclass
class Bench:
    """Something to time: ``run(n)`` does ``n`` steps of ``models`` models, returns seconds."""

    name: str
    models: int
    step: Callable[[int], None]
    device: torch.device
    multiple: int = 1  # n must be a multiple of this (e.g. graph blocks of 100 steps)
    info: dict = field(default_factory=dict)

    def run(self, n: int) -> float:
        n = round_up(n, self.multiple)
        sync(self.device)
        t = time.perf_counter()
        self.step(n)
        sync(self.device)
        return time.perf_counter() - t

    def rate(self, n: int) -> float:
        """Model-updates per second of one timed run of ``n`` steps."""
        n = round_up(n, self.multiple)
        return self.models * n / self.run(n)


def round_up(n: int, multiple: int) -> int:
    n = max(int(n), 1)
    return -(-n // multiple) * multiple


def calibrate(bench: Bench, target_s: float, min_steps: int = 1, max_steps: int = 10**7,
              probe_s: float = 0.05) -> int:
    """Steps for one timed run of about ``target_s`` seconds: runs of growing length until one
    takes ``probe_s`` (these also warm the bench up), then scaled. At least ``min_steps``."""
    n = bench.multiple
    while True:
        t = bench.run(n)
        if t >= probe_s or n >= max_steps:
            break
        n = min(max_steps, n * 4)
    steps = n * target_s / max(t, 1e-9)
    return int(min(max_steps, round_up(max(min_steps, steps), bench.multiple)))


def measure_alternating(benches: dict[str, Bench], steps: dict[str, int], repeats: int,
                        deadline: float | None = None) -> dict[str, list[float]]:
    """Rates (model-updates/s) of each bench, ``repeats`` times, alternating the benches within
    every repeat (a slow spell of a shared machine hits them all alike). Stops early, after a
    whole repeat, once ``time.monotonic()`` passes ``deadline``."""
    rates: dict[str, list[float]] = {k: [] for k in benches}
    for _ in range(repeats):
        for k, b in benches.items():
            rates[k].append(b.rate(steps[k]))
        if deadline is not None and time.monotonic() > deadline:
            break
    return rates


def summary(values: Sequence[float]) -> dict:
    """Median, min, max and the values themselves (for the JSON)."""
    v = [float(x) for x in values]
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "samples": v}


def paired_ratios(a: Sequence[float], b: Sequence[float]) -> dict:
    """``a[i] / b[i]`` for repeats measured side by side: median, min, max."""
    return summary([x / y for x, y in zip(a, b)])


class CpuMeter:
    """How busy the machine was while a measurement ran, from ``/proc/stat`` and ``os.times``:
    ``own_cores`` (this process's CPU time / wall time), ``foreign_cores`` (everything else the
    machine ran, steal time included, / wall time) and ``cores``. On a shared machine a
    ``foreign_cores`` well above 0 means the measurement competed for the CPU (with 2 torch
    threads on 2 cores, one busy neighbour makes every parallel GEMM wait for a preempted
    thread). ``None`` fields where ``/proc/stat`` cannot be read."""

    def __init__(self):
        self.start()

    @staticmethod
    def _busy() -> float | None:
        try:
            with open("/proc/stat") as f:
                v = [int(t) for t in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        t = os.times()
        self._t, self._own, self._busy0 = time.perf_counter(), t.user + t.system, self._busy()

    def stop(self) -> dict:
        t = os.times()
        wall = time.perf_counter() - self._t
        own = (t.user + t.system - self._own) / wall
        busy = self._busy()
        out = {"wall_s": wall, "cores": os.cpu_count(), "own_cores": own, "foreign_cores": None}
        if busy is not None and self._busy0 is not None:
            out["foreign_cores"] = max(0.0, (busy - self._busy0) / wall - own)
        return out


# --------------------------------------------------------------------------- copy, Shapeset


def copy_bandwidth(device, mbytes: int = 512, reps: int = 5) -> float:
    """Bytes moved per second (read + write) by a ``mbytes`` MiB tensor copy, best of ``reps``."""
    device = torch.device(device)
    n = mbytes * 2**20 // 4
    src = torch.ones(n, device=device)
    dst = torch.empty_like(src)
    dst.copy_(src)
    best = float("inf")
    for _ in range(reps):
        sync(device)
        t = time.perf_counter()
        dst.copy_(src)
        sync(device)
        best = min(best, time.perf_counter() - t)
    del src, dst
    return 2 * n * 4 / best


def shapeset_rate(device, chunk: int = 10_000, reps: int = 3) -> float:
    """Shapeset-3x2 images per second, ``generate(chunk)`` on ``device``, best of ``reps``."""
    from glorot import shapeset

    device = torch.device(device)
    shapeset.generate(chunk, seed=0, device=device)
    best = float("inf")
    for r in range(reps):
        sync(device)
        t = time.perf_counter()
        shapeset.generate(chunk, seed=r + 1, device=device)
        sync(device)
        best = min(best, time.perf_counter() - t)
    return chunk / best


# --------------------------------------------------------------------------- the package's step


def make_stack(sizes: Sequence[int], m: int, device, activations: str | Sequence[str] = "tanh",
               lr: float = 0.01):
    """``m`` models of layer widths ``sizes`` (seeds ``0..m-1``), standard initialization."""
    from glorot import nets

    return nets.MLPStack(sizes, activations=activations, learning_rates=lr, seeds=list(range(m)), device=device)


def train_bench(sizes, m: int, x, y, device, *, engine: str | None = None, kernels: str = "torch",
                tf32: bool = False, activations="tanh", stack=None, name: str = "train") -> Bench:
    """:func:`glorot.train.train` for ``n`` updates per run, with the run settings
    ``RunSettings(Execution(engine, kernels, tf32))`` (defaults: the device's). Each run is one
    ``train`` call, its set-up included (with the graph engine: a CUDA graph captured per call,
    so use long runs)."""
    from glorot import train
    from glorot.run_settings import Execution, RunSettings

    device = torch.device(device)
    stack = stack if stack is not None else make_stack(sizes, m, device, activations)
    stream = train.ArrayStream(x, y, seed=0)
    graph = (engine or ("graph" if device.type == "cuda" else "step")) == "graph"
    settings = RunSettings(Execution(engine=engine, kernels=kernels, tf32=tf32))

    def step(n: int) -> None:
        train.train(stack, stream, n, settings=settings)

    info = {"engine": engine or ("graph" if device.type == "cuda" else "step"), "kernels": kernels, "tf32": tf32,
            "path": stack.step_path}
    return Bench(name, stack.n_models, step, device, multiple=train.GRAPH_STEPS if graph else 1, info=info)


def path_bench(sizes, m: int, x, y, device, path: str, *, stack=None, activations="tanh") -> Bench:
    """One step path of :class:`~glorot.nets.MLPStack` called directly, a batch per step:
    ``"loop"`` (``_sgd_step_loop``, per-model mm/addmm) or ``"batched"`` (``_sgd_step_batched``,
    bmm for all models). The batches come from an :class:`~glorot.train.ArrayStream`, as in
    ``train``; the cost is read (``tolist``) every step, as ``train`` does."""
    from glorot import train

    if path not in ("loop", "batched"):
        raise ValueError(f"path must be 'loop' or 'batched', got {path!r}")
    device = torch.device(device)
    stack = stack if stack is not None else make_stack(sizes, m, device, activations)
    stream = train.ArrayStream(x, y, seed=1)
    fn = stack._sgd_step_loop if path == "loop" else stack._sgd_step_batched

    @torch.no_grad()
    def step(n: int) -> None:
        for _ in range(n):
            xb, yb = stream.next_batch(BATCH)
            fn(xb, yb).tolist()

    return Bench(path, stack.n_models, step, device, info={"path": path})


def graph_bench(sizes, m: int, x, y, device, *, kernels: str = "torch", tf32: bool = False, graph: bool | None = None,
                steps: int | None = None, activations="tanh", stack=None) -> Bench:
    """Steady-state :class:`glorot.cuda_step.GraphedSteps`: ``run(n)`` replays ``n / steps``
    blocks on examples from an :class:`~glorot.train.ArrayStream` and reads the costs once per
    block, as ``train``'s graph engine does, without its set-up. ``info["setup_s"]``: the time
    to build the block (warm-up and capture)."""
    from glorot import cuda_step, train

    device = torch.device(device)
    steps = steps or train.GRAPH_STEPS
    stack = stack if stack is not None else make_stack(sizes, m, device, activations)
    stream = train.ArrayStream(x, y, seed=2)
    sync(device)
    t = time.perf_counter()
    block = cuda_step.GraphedSteps(stack, BATCH, steps, kernels=kernels, tf32=tf32, graph=graph)
    sync(device)
    setup = time.perf_counter() - t

    def step(n: int) -> None:
        for _ in range(n // steps):
            xb, yb = stream.next_batch(BATCH * steps)
            block.run(xb, yb).tolist()

    return Bench("graph", stack.n_models, step, device, multiple=steps,
                 info={"kernels": kernels, "tf32": tf32, "graph": block.graph, "steps": steps, "setup_s": setup})


def naive_models(sizes, m: int, device, activation: str = "tanh", lr: float = 0.01):
    """The reader's baseline: one ``nn.Sequential`` (Linear, activation, ..., Linear) and one
    ``torch.optim.SGD`` per model, torch's default initialization (speed does not depend on it)."""
    acts = {"tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "softsign": torch.nn.Softsign, "relu": torch.nn.ReLU}
    models, opts = [], []
    for k in range(m):
        torch.manual_seed(k)
        layers: list[torch.nn.Module] = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(torch.nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(acts[activation]())
        net = torch.nn.Sequential(*layers).to(device)
        models.append(net)
        opts.append(torch.optim.SGD(net.parameters(), lr=lr))
    return models, opts


def naive_bench(sizes, m: int, x, y, device, activation: str = "tanh") -> Bench:
    """:func:`naive_models` trained one after another on the same batches: per step, per
    model, ``zero_grad``, forward, ``cross_entropy``, ``backward``, ``opt.step()``."""
    from glorot import train

    device = torch.device(device)
    models, opts = naive_models(sizes, m, device, activation)
    stream = train.ArrayStream(x, y, seed=3)

    def step(n: int) -> None:
        for _ in range(n):
            xb, yb = stream.next_batch(BATCH)
            xb, yb = xb.to(device), yb.to(device)
            for net, opt in zip(models, opts):
                opt.zero_grad(set_to_none=True)
                torch.nn.functional.cross_entropy(net(xb), yb).backward()
                opt.step()

    return Bench("naive", m, step, device)


# --------------------------------------------------------------------------- the GEMM-only bound


class GemmBound:
    """The matrix products of one batch-``B`` SGD update of one model of widths ``sizes``, and
    nothing else: no bias, no activation, no softmax, no Python bookkeeping beyond the calls.

    Per layer ``i`` (weights ``W_i`` ``[n_in, n_out]``, the stack's layout):

    * forward ``z_i @ W_i``, ``[B, n_in] x [n_in, n_out]``;
    * ``dC/dh`` ``delta_i @ W_i^T``, ``[B, n_out] x [n_out, n_in]`` -- **not for the first layer**:
      no update needs ``dC/dx``, the gradient with respect to the input, so no step computes it;
    * the rank-``B`` in-place update ``W_i.addmm_(z_i^T, delta_i, alpha=-lr)``.

    ``step()`` runs them in the order a real step does (:meth:`MLPStack._sgd_step_loop`): all
    forward products bottom-up, then per layer top-down the backward product (with the old
    weights) and then the update, so that the weights go through the caches as in a real step
    (a 20 MB net does not stay in cache between its forward and backward passes when the
    products of the other layers run in between). The inputs ``z_i`` and ``delta_i`` are fixed
    random tensors and the outputs go to preallocated buffers (``out=``): the products' speed does
    not depend on the values, and the bound must not pay for allocation either.

    :meth:`hot_cache_rate` times each product alone, repeated on the same (hot) weight, and adds
    the times up: faster where a layer's weight fits in a cache that the whole net does not
    (information only; the bound is the step-ordered one, :meth:`rate`).
    """

    def __init__(self, sizes: Sequence[int], device="cpu", batch: int = BATCH, lr: float = 1e-4, seed: int = 0):
        self.sizes = [int(n) for n in sizes]
        self.device = torch.device(device)
        self.batch = int(batch)
        self.lr = float(lr)
        g = torch.Generator().manual_seed(seed)
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        to = dict(device=self.device, dtype=torch.float32)
        self.W = [((torch.rand(a, b, generator=g) * 2 - 1) / math.sqrt(a)).to(**to) for a, b in pairs]
        self.z = [(torch.rand(self.batch, a, generator=g) * 2 - 1).to(**to) for a, _ in pairs]
        self.delta = [(torch.randn(self.batch, b, generator=g) * 1e-2).to(**to) for _, b in pairs]
        self.s = [torch.empty(self.batch, b, **to) for _, b in pairs]
        self.back = [torch.empty(self.batch, a, **to) for a, _ in pairs]

    def products(self) -> list[tuple[str, int, Callable[[], object]]]:
        """``(kind, layer, call)`` in step order."""
        out: list[tuple[str, int, Callable[[], object]]] = []
        for i in range(len(self.W)):
            out.append(("forward", i, lambda i=i: torch.mm(self.z[i], self.W[i], out=self.s[i])))
        for i in range(len(self.W) - 1, -1, -1):
            if i > 0:
                out.append(("dC/dh", i, lambda i=i: torch.mm(self.delta[i], self.W[i].t(), out=self.back[i])))
            out.append(("update", i, lambda i=i: self.W[i].addmm_(self.z[i].t(), self.delta[i], alpha=-self.lr)))
        return out

    def describe(self) -> list[str]:
        b = self.batch
        rows = []
        for kind, i, _ in self.products():
            n_in, n_out = self.W[i].shape
            shape = {"forward": f"[{b},{n_in}]x[{n_in},{n_out}]", "dC/dh": f"[{b},{n_out}]x[{n_out},{n_in}]",
                     "update": f"W[{n_in},{n_out}] += [{n_in},{b}]x[{b},{n_out}]"}[kind]
            rows.append(f"layer {i} {kind}: {shape}")
        return rows

    def bench(self) -> Bench:
        """A :class:`Bench` of one model: ``run(n)`` does ``n`` step-ordered sets of products."""
        calls = [c for _, _, c in self.products()]

        @torch.no_grad()
        def step(n: int) -> None:
            for _ in range(n):
                for c in calls:
                    c()

        return Bench("gemm_bound", 1, step, self.device, info={"order": "step"})

    def rate(self, steps: int) -> float:
        """Model-updates/s of ``steps`` step-ordered updates (one timed run)."""
        return self.bench().rate(steps)

    @torch.no_grad()
    def hot_cache_rate(self, reps: int = 20) -> dict:
        """Each product timed alone, ``reps`` times in a row on the same weight (after a
        warm-up call), median per-call time; the bound is ``1 / sum`` of them. Returns
        ``{"model_updates_per_s": ..., "seconds": {"layer i kind": s, ...}}``."""
        secs = {}
        for kind, i, c in self.products():
            c()
            times = []
            for _ in range(3):
                sync(self.device)
                t = time.perf_counter()
                for _ in range(reps):
                    c()
                sync(self.device)
                times.append((time.perf_counter() - t) / reps)
            secs[f"layer {i} {kind}"] = statistics.median(times)
        return {"model_updates_per_s": 1.0 / sum(secs.values()), "seconds": secs}


def gemm_bound(sizes: Sequence[int], device="cpu", steps: int = 20, repeats: int = 3, batch: int = BATCH) -> float:
    """The GEMM-only bound in model-updates/s of one model (median of ``repeats`` step-ordered
    runs of ``steps`` updates each, after one warm-up update). For ``M`` models trained one
    after another the bound per model-update is the same."""
    gb = GemmBound(sizes, device, batch=batch)
    bench = gb.bench()
    bench.run(1)
    return statistics.median(bench.rate(steps) for _ in range(repeats))
