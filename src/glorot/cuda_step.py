"""Many SGD steps of a stack as one CUDA graph, replayed on static buffers (the book's
chapter 09, "Performance").

Batch-10 SGD on a GPU is bound by memory traffic and, for small stacks, by kernel launches:
one step of the paper's net is about 17 matrix products and some 40 element-wise kernels.
:class:`GraphedSteps` captures ``steps`` whole updates (forward eq. 2's inputs, the backward
pass of eq. 2, the in-place update of eq. 3, per-model learning rates) once, as one graph,
and replays it: one launch per ``steps`` updates, no host synchronisation inside.

* Static buffers: the minibatches of the block ``x [steps, B, n_in]`` and ``y [steps, B]``,
  each model's effective learning rate ``lr [M]`` (0 for a stopped model), and the cost of
  every model at every step ``costs [steps, M]``. The weights are the stack's own tensors,
  updated in place, so loading a checkpoint into the stack (``copy_``) keeps the graph valid.
* The caller fills ``x, y`` from a stream that generates Shapeset on the device
  (:class:`glorot.shapeset.ShapesetStream` with ``device="cuda"``) with one device-to-device
  copy per block, reads ``costs`` once per block (the divergence check every ``steps``
  updates, :func:`glorot.train.train`), and evaluates outside the graph.
* ``kernels="triton"`` replaces each layer's backward product and update by the fused kernel
  of :mod:`glorot.triton_kernels`; ``tf32=True`` lets the products use TF32 (off by default:
  the paper's numbers are float32).

Without CUDA (or with ``graph=False``) the very same body runs eagerly, step by step, on the
same buffers: that is how the block logic is tested on a CPU.
"""

from __future__ import annotations

import contextlib

import torch

from .nets import MLPStack
from .validation import check_choice, check_positive_int

KERNELS = ("torch", "triton")
"""Backward-and-update implementations: torch's batched products (the reference) or the
fused Triton kernel."""


@contextlib.contextmanager
def tf32_matmul(enabled: bool):
    """Run the block with TF32 matrix products on or off (CUDA), then restore the setting."""
    before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = bool(enabled)
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = before


class GraphedSteps:
    """``steps`` SGD updates of ``stack`` on minibatches of ``batch_size``, as one replayable
    unit (see the module docstring).

    ``run(x, y)`` takes the block's examples, ``[steps * batch_size, n_in]`` and
    ``[steps * batch_size]`` in the order a stream serves them, performs the ``steps``
    updates and returns the costs ``[steps, M]`` (on the device; reading them synchronises).
    Call :meth:`refresh_learning_rates` after a model is stopped (``stack.active``)."""

    def __init__(self, stack: MLPStack, batch_size: int, steps: int, *, kernels: str = "torch",
                 tf32: bool = False, graph: bool | None = None):
        self.stack = stack
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.steps = check_positive_int("steps", steps)
        self.kernels = check_choice("kernels", kernels, KERNELS)
        self.tf32 = bool(tf32)
        cuda = stack.device.type == "cuda"
        self.graph = cuda if graph is None else bool(graph) and cuda
        dev, dtype = stack.device, stack.dtype
        self.x = torch.zeros(self.steps, self.batch_size, stack.sizes[0], device=dev, dtype=dtype)
        self.y = torch.zeros(self.steps, self.batch_size, dtype=torch.long, device=dev)
        self.lr = torch.zeros(stack.n_models, device=dev, dtype=dtype)
        self.costs = torch.zeros(self.steps, stack.n_models, device=dev, dtype=dtype)
        self.refresh_learning_rates()
        self.tensors = stack.weights + stack.biases  # the tensors the graph updates in place
        self._graph = self._capture() if self.graph else None

    def refresh_learning_rates(self) -> None:
        """``lr = learning_rates * active``: a stopped model's learning rate becomes 0."""
        active = self.stack.active.to(self.lr.device, self.lr.dtype)
        self.lr.copy_(self.stack.learning_rates * active)

    @torch.no_grad()
    def _body(self) -> None:
        for k in range(self.steps):
            cost = self.stack._sgd_step_batched(self.x[k], self.y[k], lr=self.lr, kernels=self.kernels, tf32=self.tf32)
            self.costs[k].copy_(cost)

    @torch.no_grad()
    def _capture(self) -> torch.cuda.CUDAGraph:
        """Warm up (cuBLAS workspaces, Triton compilation: three steps) on a side stream, then
        capture the body. The warm-up steps change the weights, so they are saved first and
        restored."""
        tensors = self.stack.weights + self.stack.biases
        saved = [t.clone() for t in tensors]
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side), tf32_matmul(self.tf32):
            for _ in range(3):
                self.stack._sgd_step_batched(self.x[0], self.y[0], lr=self.lr, kernels=self.kernels, tf32=self.tf32)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph), tf32_matmul(self.tf32):
            self._body()
        for t, s in zip(tensors, saved):
            t.copy_(s)
        self.costs.zero_()
        torch.cuda.synchronize()
        return graph

    @torch.no_grad()
    def step(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """One update outside the graph, with the same kernels and learning rates (for the
        updates left over before an evaluation or checkpoint); returns the costs ``[M]``."""
        with tf32_matmul(self.tf32) if self.stack.device.type == "cuda" else contextlib.nullcontext():
            return self.stack._sgd_step_batched(x, y, lr=self.lr, kernels=self.kernels, tf32=self.tf32)

    @torch.no_grad()
    def run(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        n = self.steps * self.batch_size
        if x.shape[0] != n or y.shape[0] != n:
            raise ValueError(f"a block of {self.steps} steps needs {n} examples, got {x.shape[0]} and {y.shape[0]}")
        self.x.copy_(x.view(self.steps, self.batch_size, -1))
        self.y.copy_(y.view(self.steps, self.batch_size))
        if self._graph is not None:
            self._graph.replay()
        else:
            with tf32_matmul(self.tf32) if self.stack.device.type == "cuda" else contextlib.nullcontext():
                self._body()
        return self.costs


def graphed_steps(stack: MLPStack, batch_size: int, steps: int, *, kernels: str = "torch", tf32: bool = False) -> GraphedSteps:
    """The :class:`GraphedSteps` of ``stack`` for these settings, made (and captured) once and
    kept with the stack: the trainer is called once per segment of a monitored run, and a
    graph replays on the stack's own weight tensors, so one capture serves them all."""
    cache = stack.__dict__.setdefault("_graphed_steps", {})
    key = (int(batch_size), int(steps), kernels, bool(tf32))
    block = cache.get(key)
    if block is None or any(w is not v for w, v in zip(block.tensors, stack.weights + stack.biases)):
        block = cache[key] = GraphedSteps(stack, batch_size, steps, kernels=kernels, tf32=tf32)
    else:
        block.refresh_learning_rates()
    return block
