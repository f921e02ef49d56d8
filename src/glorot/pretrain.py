"""Greedy layer-wise pre-training with denoising auto-encoders (paper §5, Fig. 11 "Pre-training").

The paper includes, "as a reference", the test-error curve of "the supervised fine-tuning
from the initialization obtained after unsupervised pre-training with denoising
auto-encoders (Vincent et al., 2008)". It gives no further detail, so this module makes
the usual choices of Vincent et al. (2008) and Bengio et al. (2007) and states them:

* **Greedy, layer-wise.** Hidden layer ``i = 1 .. d`` is trained as the encoder of a
  denoising auto-encoder whose input is the clean representation ``z^i`` computed by the
  (already pre-trained, now fixed) layers below; the softmax layer is not pre-trained.
* **Corruption: masking noise.** A fraction ``noise`` of the input components, drawn
  afresh for every example, is set to 0 (Vincent et al.'s "masking noise").
* **Auto-encoder.** Encoder ``h = f(x~ W + b)`` with the network's own activation ``f``;
  decoder *linear* with tied weights, ``r = h W^T + c`` (the decoder bias ``c`` is thrown
  away after pre-training). A linear decoder suits every layer's input range (Shapeset
  pixels in [-1, 1], tanh or softsign units in [-1, 1], sigmoid units in [0, 1]).
* **Cost**: squared reconstruction error of the *clean* input, ``L = 1/2 ||r - x||^2``,
  averaged over the minibatch; plain SGD with minibatches of 10, as for fine-tuning.

Written out as maths, like :mod:`glorot.nets`; with ``x~ = x * mask``, ``a = x~ W + b``,
``h = f(a)``, ``r = h W^T + c`` and a minibatch of ``B`` examples::

    dL/dr = (r - x) / B
    dL/dc = sum_b dL/dr
    dL/dh = dL/dr . W                       (decoder, through the tied weights)
    dL/da = f'(a) * dL/dh                   (f' from the output h, as in nets)
    dL/db = sum_b dL/da
    dL/dW = x~^T . dL/da  +  (dL/dr)^T . h  (encoder part + decoder part)

``tests/test_pretrain.py`` checks these against ``torch.autograd``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch

from . import checkpoints
from .nets import ACTIVATIONS, Activation, MLPStack
from .run_settings import DEFAULT, RunSettings
from .validation import check_choice, check_positive_float, check_positive_int


@dataclass
class DAEGradients:
    """Cost and gradients of one denoising auto-encoder on one minibatch (one model)."""

    cost: torch.Tensor
    dW: torch.Tensor
    db: torch.Tensor
    dc: torch.Tensor


def masking_noise(shape, noise: float, generator: torch.Generator, dtype=torch.float32) -> torch.Tensor:
    """A 0/1 mask that zeroes each component independently with probability ``noise``."""
    return (torch.rand(shape, generator=generator) >= noise).to(dtype)


def dae_gradients(W: torch.Tensor, b: torch.Tensor, c: torch.Tensor, x: torch.Tensor, mask: torch.Tensor,
                  activation: str | Activation) -> DAEGradients:
    """Cost and gradients of the tied-weight denoising auto-encoder on a minibatch.

    ``W`` ``[n_in, n_out]``, ``b`` ``[n_out]``, ``c`` ``[n_in]``, clean input ``x``
    ``[B, n_in]`` and corruption ``mask`` ``[B, n_in]`` (0 = destroyed component).
    """
    act = ACTIVATIONS[check_choice("activation", activation, ACTIVATIONS)] if isinstance(activation, str) else activation
    batch = x.shape[0]
    x_tilde = x * mask
    h = act.f(torch.addmm(b, x_tilde, W))           # encoder
    r = torch.addmm(c, h, W.t())                     # linear decoder, tied weights
    diff = r - x
    cost = 0.5 * diff.square().sum(1).mean()
    d_r = diff / batch
    d_c = d_r.sum(0)
    d_a = torch.mm(d_r, W).mul_(act.grad_from_output(h))
    d_b = d_a.sum(0)
    d_W = torch.mm(x_tilde.t(), d_a).addmm_(d_r.t(), h)
    return DAEGradients(cost, d_W, d_b, d_c)


def _representation(stack: MLPStack, k: int, layer: int, x: torch.Tensor) -> torch.Tensor:
    """The clean input ``z^layer`` of hidden layer ``layer`` (0-based) for model ``k``."""
    act = ACTIVATIONS[stack.activations[k]]
    z = x.to(stack.device, stack.dtype)
    for j in range(layer):
        z = act.f(torch.addmm(stack.biases[j][k], z, stack.weights[j][k]))
    return z


_ROW_COLUMNS = ["model", "seed", "layer", "update", "reconstruction_cost", "diverged"]


@dataclass
class _LayerRun:
    """The state of one hidden layer's pre-training: the decoder biases ``c`` ``[M, n_in]``,
    each model's masking-noise generator, the per-model sums of the minibatch costs since the
    last record and how many updates they sum, and the updates done in this layer."""

    c: torch.Tensor
    gens: list[torch.Generator]
    acc: torch.Tensor
    count: int = 0
    done: int = 0

    @classmethod
    def fresh(cls, stack: MLPStack, layer: int, noise_seed: int) -> "_LayerRun":
        n_in = stack.weights[layer].shape[1]
        gens = [torch.Generator().manual_seed(noise_seed * 1_000_003 + stack.seeds[k] * 101 + layer) for k in range(stack.n_models)]
        return cls(torch.zeros(stack.n_models, n_in, dtype=stack.dtype, device=stack.device), gens,
                   torch.zeros(stack.n_models, dtype=torch.float64))

    def state_dict(self) -> dict:
        return {"c": self.c.cpu(), "gens": [g.get_state() for g in self.gens], "acc": self.acc.clone(),
                "count": self.count, "done": self.done}

    @classmethod
    def from_state(cls, state: dict, stack: MLPStack) -> "_LayerRun":
        gens = [torch.Generator() for _ in state["gens"]]
        for g, saved in zip(gens, state["gens"]):
            g.set_state(saved)
        return cls(state["c"].to(stack.device, stack.dtype), gens, state["acc"], int(state["count"]), int(state["done"]))


def _update(stack: MLPStack, layer: int, run: _LayerRun, x: torch.Tensor, noise: float, lr: float, rows: list[dict]) -> None:
    """One SGD update of hidden layer ``layer`` of every active model on the minibatch ``x``;
    a model whose cost is not finite is stopped and a ``diverged`` row recorded."""
    W, b = stack.weights[layer], stack.biases[layer]
    u = run.done + 1
    for k in range(stack.n_models):
        if not stack.active[k]:
            continue
        z = _representation(stack, k, layer, x)
        mask = masking_noise(z.shape, noise, run.gens[k], stack.dtype).to(stack.device)
        g = dae_gradients(W[k], b[k], run.c[k], z, mask, stack.activations[k])
        cost = float(g.cost)
        if not torch.isfinite(g.cost):
            stack.active[k] = False
            rows.append(_row(stack, k, layer, u, float("nan"), True))
            continue
        run.acc[k] += cost
        W[k].sub_(g.dW, alpha=lr)
        b[k].sub_(g.db, alpha=lr)
        run.c[k].sub_(g.dc, alpha=lr)
    run.count += 1
    run.done = u


def _record(stack: MLPStack, layer: int, run: _LayerRun, rows: list[dict]) -> None:
    """One row per active model: its mean cost since the last record; then restart the sums."""
    for k in range(stack.n_models):
        if stack.active[k]:
            rows.append(_row(stack, k, layer, run.done, float(run.acc[k] / run.count), False))
    run.acc.zero_()
    run.count = 0


def _row(stack: MLPStack, k: int, layer: int, update: int, cost: float, diverged: bool) -> dict:
    return {"model": k, "seed": stack.seeds[k], "layer": layer + 1, "update": update,
            "reconstruction_cost": cost, "diverged": diverged}


@torch.no_grad()
def pretrain(stack: MLPStack, stream, updates_per_layer: int, noise: float = 0.25, lr: float = 0.01,
             batch_size: int = 10, record_every: int | None = None, noise_seed: int = 0,
             checkpoint: str | Path | None = None, checkpoint_every: int | None = None,
             settings: RunSettings = DEFAULT) -> pd.DataFrame:
    """Pre-train every hidden layer of every model of ``stack`` in place, greedily, bottom up.

    Each layer gets ``updates_per_layer`` SGD updates of minibatches of ``batch_size``
    examples from ``stream`` (labels are ignored); the models of the stack see the same
    minibatches, each with its own masking noise drawn from ``noise_seed`` and its seed.
    Returns a tidy DataFrame of the mean reconstruction cost over each ``record_every``
    updates: model, seed, layer (1-based), update, reconstruction_cost. A model whose cost
    becomes non-finite stops there (``stack.active[k] = False``) with ``diverged`` noted.

    If ``checkpoint`` names a file, the run's state (the stack, the layer in progress with
    its decoder biases, noise generators and running costs, the stream, the rows so far) is
    written there every ``checkpoint_every`` updates (counted over all layers; default: a
    twentieth of the run) and at the end; a run that finds the file resumes from it, mid-layer
    if need be, with the same result as a run that never stopped.

    ``settings`` (:class:`glorot.run_settings.RunSettings`): each update counts against its
    work budget; once that is spent, a run with a ``checkpoint`` saves after the update and
    raises :class:`glorot.checkpoints.ChunkPaused`. (Its execution settings are the supervised
    trainer's; pre-training runs its own per-model loop.)
    """
    updates_per_layer = check_positive_int("updates_per_layer", updates_per_layer, minimum=0)
    batch_size = check_positive_int("batch_size", batch_size)
    lr = check_positive_float("lr", lr)
    noise = float(noise)
    if not 0.0 <= noise < 1.0:
        raise ValueError(f"noise (the fraction of masked inputs) must be in [0, 1), got {noise}")
    record_every = check_positive_int("record_every", record_every or max(1, updates_per_layer // 10))
    knobs = {"updates_per_layer": updates_per_layer, "noise": noise, "lr": lr, "batch_size": batch_size,
             "record_every": record_every, "noise_seed": int(noise_seed)}  # a resumed run must have the same
    total = updates_per_layer * stack.n_hidden
    ckpt_path = Path(checkpoint) if checkpoint is not None else None
    if ckpt_path is not None:
        every = checkpoint_every if checkpoint_every is not None else max(1, total // 20)
        checkpoint_every = check_positive_int("checkpoint_every", every)
    rows: list[dict] = []
    first_layer, resumed = 0, None
    if ckpt_path is not None and ckpt_path.exists():
        first_layer, resumed, rows = _resume(ckpt_path, knobs, stack, stream)
    for layer in range(first_layer, stack.n_hidden):
        run = resumed if layer == first_layer and resumed is not None else _LayerRun.fresh(stack, layer, noise_seed)
        while run.done < updates_per_layer:
            x, _ = stream.next_batch(batch_size)
            _update(stack, layer, run, x, noise, lr, rows)
            if run.done % record_every == 0 or run.done == updates_per_layer:
                _record(stack, layer, run, rows)
            done_total = layer * updates_per_layer + run.done
            settings.spend(stack.n_models)
            paused = ckpt_path is not None and done_total < total and settings.budget_spent()
            if ckpt_path is not None and (done_total % checkpoint_every == 0 or done_total == total or paused):
                state = {"settings": knobs, "layer": layer, "layer_run": run.state_dict(), "stack": stack.state_dict(),
                         "stream": stream.state_dict(), "rows": rows}
                checkpoints.save(state, ckpt_path, "pretrain", fault_injection=settings.fault_injection)
            if paused:
                raise checkpoints.ChunkPaused(f"work budget spent in pre-training (update {done_total:,} of {total:,}); "
                                              f"state saved in {ckpt_path}")
    return pd.DataFrame(rows, columns=_ROW_COLUMNS)


def _resume(path: Path, knobs: dict, stack: MLPStack, stream) -> tuple[int, _LayerRun, list[dict]]:
    """Restore a :func:`pretrain` checkpoint into ``stack`` and ``stream``: the layer it was
    in, that layer's state, and the rows recorded so far."""
    state = checkpoints.load_matching(path, "pretrain", "settings", knobs, "a pre-training run")
    stack.load_state_dict(state["stack"])
    stream.load_state_dict(state["stream"])
    return int(state["layer"]), _LayerRun.from_state(state["layer_run"], stack), list(state["rows"])
