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

import pandas as pd
import torch

from .nets import ACTIVATIONS, Activation, MLPStack
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


@torch.no_grad()
def pretrain(stack: MLPStack, stream, updates_per_layer: int, noise: float = 0.25, lr: float = 0.01,
             batch_size: int = 10, record_every: int | None = None, noise_seed: int = 0) -> pd.DataFrame:
    """Pre-train every hidden layer of every model of ``stack`` in place, greedily, bottom up.

    Each layer gets ``updates_per_layer`` SGD updates of minibatches of ``batch_size``
    examples from ``stream`` (labels are ignored); the models of the stack see the same
    minibatches, each with its own masking noise drawn from ``noise_seed`` and its seed.
    Returns a tidy DataFrame of the mean reconstruction cost over each ``record_every``
    updates: model, seed, layer (1-based), update, reconstruction_cost. A model whose cost
    becomes non-finite stops there (``stack.active[k] = False``) with ``diverged`` noted.
    """
    updates_per_layer = check_positive_int("updates_per_layer", updates_per_layer, minimum=0)
    batch_size = check_positive_int("batch_size", batch_size)
    lr = check_positive_float("lr", lr)
    noise = float(noise)
    if not 0.0 <= noise < 1.0:
        raise ValueError(f"noise (the fraction of masked inputs) must be in [0, 1), got {noise}")
    record_every = check_positive_int("record_every", record_every or max(1, updates_per_layer // 10))
    rows = []
    for layer in range(stack.n_hidden):
        W, b = stack.weights[layer], stack.biases[layer]
        c = torch.zeros(stack.n_models, W.shape[1], dtype=stack.dtype, device=stack.device)
        gens = [torch.Generator().manual_seed(noise_seed * 1_000_003 + stack.seeds[k] * 101 + layer) for k in range(stack.n_models)]
        acc = torch.zeros(stack.n_models, dtype=torch.float64)
        count = 0
        for u in range(1, updates_per_layer + 1):
            x, _ = stream.next_batch(batch_size)
            for k in range(stack.n_models):
                if not stack.active[k]:
                    continue
                z = _representation(stack, k, layer, x)
                mask = masking_noise(z.shape, noise, gens[k], stack.dtype).to(stack.device)
                g = dae_gradients(W[k], b[k], c[k], z, mask, stack.activations[k])
                cost = float(g.cost)
                if not torch.isfinite(g.cost):
                    stack.active[k] = False
                    rows.append({"model": k, "seed": stack.seeds[k], "layer": layer + 1, "update": u,
                                 "reconstruction_cost": float("nan"), "diverged": True})
                    continue
                acc[k] += cost
                W[k].sub_(g.dW, alpha=lr)
                b[k].sub_(g.db, alpha=lr)
                c[k].sub_(g.dc, alpha=lr)
            count += 1
            if u % record_every == 0 or u == updates_per_layer:
                for k in range(stack.n_models):
                    if stack.active[k]:
                        rows.append({"model": k, "seed": stack.seeds[k], "layer": layer + 1, "update": u,
                                     "reconstruction_cost": float(acc[k] / count), "diverged": False})
                acc.zero_()
                count = 0
    return pd.DataFrame(rows, columns=["model", "seed", "layer", "update", "reconstruction_cost", "diverged"])
