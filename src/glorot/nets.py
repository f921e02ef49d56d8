"""Activations, initializations and a stack of same-shaped MLPs (paper §2, §4.2).

The network of the paper is a plain MLP: ``s^i = z^i W^i + b^i``, ``z^{i+1} = f(s^i)``,
a softmax output layer and the cost ``-log P(y | x)``. We hold ``M`` such networks of
the same layer sizes side by side as weight tensors of shape ``[M, n_in, n_out]``, so
that a grid of configurations (activation x initialization x learning rate x seed)
trains in one pass over the data, every model on the same minibatches.

Forward and backward are written out as the paper's equations instead of autograd,
so every quantity the book plots exists as a named tensor:

* ``s[i]``      pre-activations ``s^i`` (the input of layer ``i``'s non-linearity);
* ``z[i]``      activations, ``z[0] = x`` (the paper's ``z^1``; we count from 0);
* ``delta[i]``  back-propagated gradients ``dC/ds^i``, eq. (2);
* weight gradients ``dC/dW^i = z^i^T dC/ds^i``, eq. (3).

Layer numbering: ``weights[0]`` maps the input to hidden layer 1, ``weights[-1]`` maps
the top hidden layer to the softmax. "Layer k" in the book is hidden layer k = index + 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import torch

from .validation import check_choice

# --------------------------------------------------------------------------- activations


def _sigmoid_grad(z: torch.Tensor) -> torch.Tensor:
    return z * (1.0 - z)


def _tanh_grad(z: torch.Tensor) -> torch.Tensor:
    return 1.0 - z * z


def _softsign(s: torch.Tensor) -> torch.Tensor:
    return s / (1.0 + s.abs())


def _softsign_grad(z: torch.Tensor) -> torch.Tensor:
    # f(s) = s/(1+|s|)  =>  f'(s) = 1/(1+|s|)^2 = (1-|z|)^2, since |z| = |s|/(1+|s|).
    return (1.0 - z.abs()).square()


def _relu_grad(z: torch.Tensor) -> torch.Tensor:
    return (z > 0).to(z.dtype)


def _identity(s: torch.Tensor) -> torch.Tensor:
    return s


def _linear_grad(z: torch.Tensor) -> torch.Tensor:
    return torch.ones_like(z)


@dataclass(frozen=True)
class Activation:
    """A non-linearity ``f`` and its derivative written in terms of its *output* ``z = f(s)``.

    Expressing ``f'`` through ``z`` (e.g. ``tanh' = 1 - z^2``) means the backward pass of
    eq. (2) needs only the activations kept from the forward pass.
    """

    name: str
    f: Callable[[torch.Tensor], torch.Tensor]
    grad_from_output: Callable[[torch.Tensor], torch.Tensor]
    range: tuple[float, float]


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", torch.sigmoid, _sigmoid_grad, (0.0, 1.0)),
    "tanh": Activation("tanh", torch.tanh, _tanh_grad, (-1.0, 1.0)),
    "softsign": Activation("softsign", _softsign, _softsign_grad, (-1.0, 1.0)),
    # Not in the paper; here so readers can ask the question of a later era.
    "relu": Activation("relu", torch.relu, _relu_grad, (0.0, math.inf)),
    # The linear regime of §4.2.1 (f'(s) = 1), where eqs. (5)-(7) hold exactly in expectation.
    "linear": Activation("linear", _identity, _linear_grad, (-math.inf, math.inf)),
}

# --------------------------------------------------------------------------- initializations

INITS = ("standard", "normalized")

# --------------------------------------------------------------------------- costs

COSTS = ("cross_entropy", "quadratic")
"""The training criteria of §4.1: the paper's ``-log P(y|x)`` on the softmax (the default),
and the quadratic cost ``1/2 ||softmax(s) - onehot(y)||^2`` that it compares against (Fig. 5)."""


def init_bound(init: str, n_in: int, n_out: int) -> float:
    """Half-width ``a`` of the uniform ``U[-a, a]`` that draws a weight matrix.

    * ``standard``   (eq. 1):  ``a = 1/sqrt(n_in)``, so ``Var[W] = 1/(3 n_in)`` (eq. 15).
    * ``normalized`` (eq. 16): ``a = sqrt(6)/sqrt(n_in + n_out)``, so
      ``Var[W] = 2/(n_in + n_out)`` (eq. 12).
    """
    check_choice("init", init, INITS)
    if init == "standard":
        return 1.0 / math.sqrt(n_in)
    return math.sqrt(6.0) / math.sqrt(n_in + n_out)


def init_variance(init: str, n_in: int, n_out: int) -> float:
    """The variance the initialization gives each weight: ``a^2/3`` for ``U[-a, a]``."""
    return init_bound(init, n_in, n_out) ** 2 / 3.0


# --------------------------------------------------------------------------- the stack


@dataclass
class ForwardPass:
    """What the forward pass keeps: ``z[0]`` = input, ``z[i+1] = f(s[i])`` for hidden layers,
    ``s[-1]`` the softmax's pre-activation and ``log_probs`` its log-softmax.
    Shapes are ``[M, B, n]`` (the input may be ``[B, n]``, shared by all models)."""

    z: list[torch.Tensor]
    s: list[torch.Tensor]
    log_probs: torch.Tensor


def _per_model(name: str, value, m: int) -> list:
    if isinstance(value, (str, int, float)):
        return [value] * m
    value = list(value)
    if len(value) != m:
        raise ValueError(f"{name}: expected {m} values (one per model), got {len(value)}")
    return value


class MLPStack:
    """``M`` MLPs of identical layer sizes, each with its own activation, initialization,
    learning rate and seed, held as weight tensors ``[M, n_in, n_out]``.

    Parameters
    ----------
    sizes:
        Layer widths from input to output, e.g. ``[1024, 1000, 1000, 1000, 1000, 1000, 9]``
        for the paper's 5-hidden-layer Shapeset network.
    activations, inits, learning_rates, seeds:
        One value for all models, or a sequence with one value per model. The number of
        models ``M`` is the longest of these sequences (1 if all are scalars).
    device, dtype:
        Where and in which precision the weights live. Initial weights are always drawn on
        the CPU from ``torch.Generator().manual_seed(seed)``, so a model's initial weights
        depend on its seed and sizes alone, not on the device or on its neighbours.
    costs:
        ``"cross_entropy"`` (``-log P(y|x)``, the paper's criterion) or ``"quadratic"``
        (``1/2 ||softmax(s^d) - onehot(y)||^2``, §4.1 and Fig. 5), per model or for all.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activations: str | Sequence[str] = "tanh",
        inits: str | Sequence[str] = "standard",
        learning_rates: float | Sequence[float] = 0.01,
        seeds: int | Sequence[int] = 0,
        device: str | torch.device = "cpu",
        dtype: torch.dtype = torch.float32,
        costs: str | Sequence[str] = "cross_entropy",
    ):
        sizes = [int(n) for n in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least an input and an output width >= 1, got {sizes}")
        lengths = [len(v) for v in (activations, inits, learning_rates, seeds, costs) if not isinstance(v, (str, int, float))]
        m = max(lengths, default=1)
        self.sizes = sizes
        self.activations = [check_choice("activation", a, ACTIVATIONS) for a in _per_model("activations", activations, m)]
        self.inits = [check_choice("init", i, INITS) for i in _per_model("inits", inits, m)]
        self.seeds = [int(s) for s in _per_model("seeds", seeds, m)]
        self.costs = [check_choice("cost", c, COSTS) for c in _per_model("costs", costs, m)]
        lr_list = [float(lr) for lr in _per_model("learning_rates", learning_rates, m)]
        if any(not math.isfinite(lr) or lr < 0 for lr in lr_list):
            raise ValueError(f"learning rates must be finite and >= 0, got {lr_list}")
        self.device = torch.device(device)
        self.dtype = dtype
        self.learning_rate_values = lr_list  # as given, for tables (the tensor is rounded to dtype)
        self.learning_rates = torch.tensor(lr_list, dtype=dtype, device=self.device)
        self.active = torch.ones(m, dtype=torch.bool)  # False once a model has diverged
        self.weights: list[torch.Tensor] = []
        self.biases: list[torch.Tensor] = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.weights.append(torch.empty(m, n_in, n_out, dtype=dtype, device=self.device))
            self.biases.append(torch.zeros(m, n_out, dtype=dtype, device=self.device))
        for k in range(m):
            self.reinitialize(k)
        # Models grouped by activation, for the batched (GPU) path.
        self._index_activation_groups()

    # ------------------------------------------------------------------ construction

    @property
    def n_models(self) -> int:
        return len(self.activations)

    @property
    def n_hidden(self) -> int:
        return len(self.sizes) - 2

    @property
    def n_parameters(self) -> int:
        """Parameters of one model (weights and biases)."""
        return sum(a * b + b for a, b in zip(self.sizes[:-1], self.sizes[1:]))

    def reinitialize(self, k: int) -> None:
        """Draw model ``k``'s weights afresh from its seed (eq. 1 or eq. 16); biases to 0."""
        gen = torch.Generator().manual_seed(self.seeds[k])
        for W, b in zip(self.weights, self.biases):
            n_in, n_out = W.shape[1:]
            a = init_bound(self.inits[k], n_in, n_out)
            w = torch.empty(n_in, n_out, dtype=torch.float64).uniform_(-a, a, generator=gen)
            W[k].copy_(w.to(self.dtype))
            b[k].zero_()

    def describe(self) -> list[dict]:
        """One record per model: its index and configuration (for tidy results). A ``cost_fn``
        column is added only when some model does not use the default cross-entropy, so the
        tables of every cross-entropy run keep their columns (``cost`` is taken: the training
        curves' cost values)."""
        rows = [
            {"model": k, "activation": a, "init": i, "lr": float(lr), "seed": s}
            for k, (a, i, lr, s) in enumerate(zip(self.activations, self.inits, self.learning_rate_values, self.seeds))
        ]
        if any(c != "cross_entropy" for c in self.costs):
            for row, c in zip(rows, self.costs):
                row["cost_fn"] = c
        return rows

    def state_dict(self) -> dict:
        return {
            "sizes": self.sizes,
            "activations": self.activations,
            "inits": self.inits,
            "seeds": self.seeds,
            "costs": self.costs,
            "learning_rates": self.learning_rates.cpu(),
            "learning_rate_values": list(self.learning_rate_values),
            "active": self.active.clone(),
            "weights": [w.cpu() for w in self.weights],
            "biases": [b.cpu() for b in self.biases],
        }

    def load_state_dict(self, state: dict) -> None:
        for key in ("sizes", "activations", "inits", "seeds"):
            if list(state[key]) != list(getattr(self, key)):
                raise ValueError(f"checkpoint {key} {state[key]} do not match this stack's {getattr(self, key)}")
        if list(state.get("costs", ["cross_entropy"] * self.n_models)) != self.costs:
            raise ValueError(f"checkpoint costs {state.get('costs')} do not match this stack's {self.costs}")
        self.learning_rates.copy_(state["learning_rates"])
        self.learning_rate_values = [float(v) for v in state["learning_rate_values"]]
        self.active.copy_(state["active"])
        for dst, src in zip(self.weights + self.biases, state["weights"] + state["biases"]):
            dst.copy_(src)

    def select(self, models: Sequence[int]) -> "MLPStack":
        """A new stack holding copies of the given models (for probes on a subset)."""
        models = list(models)
        out = MLPStack.__new__(MLPStack)
        out.sizes = list(self.sizes)
        out.activations = [self.activations[k] for k in models]
        out.inits = [self.inits[k] for k in models]
        out.seeds = [self.seeds[k] for k in models]
        out.costs = [self.costs[k] for k in models]
        out.device, out.dtype = self.device, self.dtype
        ix = torch.tensor(models, device=self.device)
        out.learning_rates = self.learning_rates[ix].clone()
        out.learning_rate_values = [self.learning_rate_values[k] for k in models]
        out.active = self.active[ix.cpu()].clone()
        out.weights = [w[ix].clone() for w in self.weights]
        out.biases = [b[ix].clone() for b in self.biases]
        out._index_activation_groups()
        return out

    def to(self, device: str | torch.device, dtype: torch.dtype | None = None) -> "MLPStack":
        """A copy of the stack on another device and/or dtype."""
        out = self.select(range(self.n_models))
        out.device, out.dtype = torch.device(device), dtype or self.dtype
        out.learning_rates = out.learning_rates.to(out.device, out.dtype)
        out.weights = [w.to(out.device, out.dtype) for w in out.weights]
        out.biases = [b.to(out.device, out.dtype) for b in out.biases]
        out._index_activation_groups()
        return out

    def _index_activation_groups(self) -> None:
        """Model indices per activation, for the batched (GPU) path."""
        self._groups = {a: [k for k, b in enumerate(self.activations) if b == a] for a in dict.fromkeys(self.activations)}
        self._group_index = {a: torch.tensor(ix, device=self.device) for a, ix in self._groups.items()}

    # ------------------------------------------------------------------ maths

    def _activate(self, s: torch.Tensor) -> torch.Tensor:
        """``z = f(s)`` with each model's own ``f``; ``s`` is ``[M, B, n]``."""
        if len(self._groups) == 1:
            return ACTIVATIONS[self.activations[0]].f(s)
        z = torch.empty_like(s)
        for a, ix in self._group_index.items():
            z[ix] = ACTIVATIONS[a].f(s[ix])
        return z

    def _activation_grad(self, z: torch.Tensor) -> torch.Tensor:
        """``f'(s)`` from ``z = f(s)``, per model."""
        if len(self._groups) == 1:
            return ACTIVATIONS[self.activations[0]].grad_from_output(z)
        g = torch.empty_like(z)
        for a, ix in self._group_index.items():
            g[ix] = ACTIVATIONS[a].grad_from_output(z[ix])
        return g

    def _as_stack_input(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.device, self.dtype)
        if x.dim() == 2:
            return x.unsqueeze(0).expand(self.n_models, -1, -1)
        if x.dim() == 3 and x.shape[0] == self.n_models:
            return x
        raise ValueError(f"input must be [B, {self.sizes[0]}] or [M={self.n_models}, B, {self.sizes[0]}], got {tuple(x.shape)}")

    def forward(self, x: torch.Tensor) -> ForwardPass:
        """The forward pass ``s^i = z^i W^i + b^i``, ``z^{i+1} = f(s^i)``, softmax on top."""
        z = [self._as_stack_input(x)]
        s: list[torch.Tensor] = []
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            s_i = torch.baddbmm(b.unsqueeze(1), z[-1], W)
            s.append(s_i)
            if i < len(self.weights) - 1:
                z.append(self._activate(s_i))
        return ForwardPass(z=z, s=s, log_probs=torch.log_softmax(s[-1], dim=-1))

    def _quadratic_mask(self) -> torch.Tensor | None:
        """``[M, 1, 1]`` True for the models trained with the quadratic cost (None if none)."""
        if all(c == "cross_entropy" for c in self.costs):
            return None
        mask = getattr(self, "_quad_mask", None)
        if mask is None or mask.device != self.device or mask.shape[0] != self.n_models:
            # made once and kept: a tensor built from a list inside a CUDA-graph capture would be a host copy
            mask = self._quad_mask = torch.tensor([c == "quadratic" for c in self.costs], device=self.device).view(-1, 1, 1)
        return mask

    def cost(self, fwd: ForwardPass, y: torch.Tensor) -> torch.Tensor:
        """Mean cost over the minibatch, per model ``[M]``: ``-log P(y|x)`` or, for models with
        the quadratic cost, ``1/2 ||softmax(s^d) - onehot(y)||^2``."""
        y = y.to(self.device)
        idx = y.view(1, -1, 1).expand(self.n_models, -1, 1)
        nll = -fwd.log_probs.gather(2, idx).squeeze(2).mean(1)
        quad = self._quadratic_mask()
        if quad is None:
            return nll
        err = fwd.log_probs.exp().scatter_add(2, idx, torch.full_like(fwd.log_probs[..., :1], -1.0))
        return torch.where(quad.view(-1), 0.5 * err.square().sum(2).mean(1), nll)

    def output_delta(self, fwd: ForwardPass, y: torch.Tensor) -> torch.Tensor:
        """``dC/ds^d = (softmax(s^d) - onehot(y)) / B`` for the mean cost over a batch of B.
        For the quadratic cost, with ``p = softmax(s^d)`` and ``e = p - onehot(y)``:
        ``dC/ds^d_j = p_j (e_j - sum_c e_c p_c) / B`` (the softmax Jacobian applied to ``e``)."""
        y = y.to(self.device)
        delta = fwd.log_probs.exp()
        delta.scatter_add_(2, y.view(1, -1, 1).expand(self.n_models, -1, 1), torch.full_like(delta[..., :1], -1.0))
        quad = self._quadratic_mask()
        if quad is not None:
            delta = torch.where(quad, _quadratic_delta(fwd.log_probs.exp(), delta), delta)
        return delta / y.shape[0]

    def backward(self, fwd: ForwardPass, y: torch.Tensor) -> list[torch.Tensor]:
        """Back-propagated gradients ``dC/ds^i`` for every layer, by eq. (2):
        ``dC/ds^i_k = f'(s^i_k) * W^{i+1}_{k,.} . dC/ds^{i+1}``. Returns one tensor per
        weight layer, ``[M, B, n_out]``, bottom to top."""
        deltas = [self.output_delta(fwd, y)]
        for i in range(len(self.weights) - 2, -1, -1):
            back = torch.bmm(deltas[0], self.weights[i + 1].transpose(1, 2))
            deltas.insert(0, self._activation_grad(fwd.z[i + 1]) * back)
        return deltas

    def weight_grads(self, fwd: ForwardPass, deltas: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """Weight gradients by eq. (3): ``dC/dW^i = z^i^T . dC/ds^i``, ``[M, n_in, n_out]``."""
        return [torch.bmm(z.transpose(1, 2), d) for z, d in zip(fwd.z, deltas)]

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Softmax pre-activations ``s^d``, ``[M, B, n_classes]``, without keeping the rest."""
        z = self._as_stack_input(x)
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = torch.baddbmm(b.unsqueeze(1), z, W)
            if i < len(self.weights) - 1:
                z = self._activate(z)
        return z

    # ------------------------------------------------------------------ SGD

    @torch.no_grad()
    def sgd_step(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """One plain SGD update ``theta <- theta - lr * g`` of every active model on the
        minibatch ``(x, y)``; returns the minibatch cost of each model before the update.

        The update is applied in place, layer by layer from the top: ``dC/ds^i`` is computed
        from the *old* ``W^{i+1}`` (eq. 2) before ``W^{i+1}`` is overwritten with
        ``W - lr * z^T dC/ds`` (eq. 3), so no gradient tensor is ever stored. Two paths do
        exactly this maths (:attr:`step_path`): ``"loop"``, the models one after another with
        plain matrix products, and ``"batched"``, one batched product for all models.
        """
        if self.step_path == "loop":
            return self._sgd_step_loop(x, y)
        return self._sgd_step_batched(x, y)

    @property
    def step_path(self) -> str:
        """``"loop"`` or ``"batched"``: :func:`cpu_step_path` on a CPU, ``"batched"`` elsewhere."""
        if self.device.type != "cpu":
            return "batched"
        return cpu_step_path(self.sizes, self.n_models)

    def _sgd_step_batched(self, x, y, lr: torch.Tensor | None = None, kernels: str = "torch",
                          tf32: bool = False) -> torch.Tensor:
        """The step for all models at once with batched products (the GPU path). ``lr``: the
        learning rate of each model, ``[M]`` on the device (default: ``learning_rates`` times
        ``active``, so a stopped model keeps its weights). With ``kernels="triton"`` the
        backward product and the update of each layer are one fused kernel
        (:func:`glorot.triton_kernels.backward_update`). No host synchronisation and no
        allocation outside torch's caching allocator: the step can be captured in a CUDA graph
        (:mod:`glorot.cuda_step`)."""
        fwd = self.forward(x)
        cost = self.cost(fwd, y)
        if lr is None:
            lr = self.learning_rates * self.active.to(self.device, self.dtype)
        delta = self.output_delta(fwd, y)
        if kernels == "triton":
            from . import triton_kernels

            codes = self._activation_codes()
            for i in range(len(self.weights) - 1, -1, -1):
                delta = triton_kernels.backward_update(self.weights[i], self.biases[i], fwd.z[i], delta, lr, codes,
                                                       need_below=i > 0, tf32=tf32)
            return cost
        lr3 = lr.view(-1, 1, 1)
        for i in range(len(self.weights) - 1, -1, -1):
            W, b = self.weights[i], self.biases[i]
            below = None
            if i > 0:
                below = self._activation_grad(fwd.z[i]) * torch.bmm(delta, W.transpose(1, 2))
            scaled = delta * lr3
            W.baddbmm_(fwd.z[i].transpose(1, 2), scaled, alpha=-1.0)
            b.sub_(scaled.sum(1))
            if below is not None:
                delta = below
        return cost

    def _activation_codes(self) -> torch.Tensor:
        """Each model's activation as the integer code of :mod:`glorot.triton_kernels`, ``[M]``."""
        from .triton_kernels import ACTIVATION_CODES

        if getattr(self, "_codes", None) is None or self._codes.device != self.device:
            self._codes = torch.tensor([ACTIVATION_CODES[a] for a in self.activations], dtype=torch.int32,
                                       device=self.device)
        return self._codes

    def _sgd_step_loop(self, x, y):
        """The models one after another, with plain ``mm``/``addmm`` on 2-d views (fewest
        operations per model: the CPU path at widths where one model's products dominate)."""
        x = x.to(self.device, self.dtype)
        y = y.to(self.device)
        n_layers = len(self.weights)
        batch = y.shape[0]
        y1 = y.view(-1, 1)
        onehot = torch.zeros(batch, self.sizes[-1], dtype=self.dtype, device=self.device).scatter_(1, y1, 1.0)
        lrs = self.learning_rates.tolist()
        active = self.active.tolist()
        costs = []
        for k in range(self.n_models):
            if not active[k]:
                costs.append(torch.full((), float("nan"), dtype=self.dtype))
                continue
            act = ACTIVATIONS[self.activations[k]]
            lr = lrs[k]
            weights = [W[k] for W in self.weights]
            biases = [b[k] for b in self.biases]
            zs = [x]
            h = x
            for i in range(n_layers):
                h = torch.addmm(biases[i], h, weights[i])
                if i < n_layers - 1:
                    h = act.f(h)
                    zs.append(h)
            logp = torch.log_softmax(h, dim=1)
            cost = -logp.gather(1, y1).mean()
            delta = logp.exp_().sub_(onehot)
            if self.costs[k] == "quadratic":
                cost = 0.5 * delta.square().sum(1).mean()
                delta = _quadratic_delta(torch.softmax(h, dim=1), delta)
            costs.append(cost)
            delta.div_(batch)
            for i in range(n_layers - 1, -1, -1):
                W = weights[i]
                below = None
                if i > 0:
                    below = torch.mm(delta, W.t()).mul_(act.grad_from_output(zs[i]))
                W.addmm_(zs[i].t(), delta, alpha=-lr)
                biases[i].add_(delta.sum(0), alpha=-lr)
                if below is not None:
                    delta = below
        return torch.stack(costs)


BATCHED_MAX_WIDTH = 300
"""Widest hidden layer at which the batched products beat the per-model loop on a CPU."""


def cpu_step_path(sizes: Sequence[int], n_models: int) -> str:
    """The faster CPU path for a stack, by measurement (``benchmarks/throughput.py``; the figures
    below are medians from ``benchmarks/results/cpu-amd-epyc-*.json``, 2026-12-02, 1 torch thread,
    the experiments' setting, batch 10). At width 100 per-operation overhead dominates and the
    batched products win from two models on (6,700 model-updates/s against the loop's 3,700 at
    M = 7); at the paper's width 1000 the loop is as fast or faster (140 against 127 at M = 7).
    So: ``"batched"`` for two or more models whose widest hidden layer is at most
    :data:`BATCHED_MAX_WIDTH`, else ``"loop"``. (With 2 threads the batched products also win at
    width 1000 and M = 7, 208 against 133: a rule for 2-thread runs would differ there.)"""
    hidden = list(sizes[1:-1]) or [max(sizes)]
    return "batched" if n_models >= 2 and max(hidden) <= BATCHED_MAX_WIDTH else "loop"


def _quadratic_delta(p: torch.Tensor, err: torch.Tensor) -> torch.Tensor:
    """``d(1/2 ||p - t||^2)/ds`` for ``p = softmax(s)`` and ``err = p - t``:
    ``p * (err - <err, p>)``, the softmax Jacobian ``diag(p) - p p^T`` applied to ``err``."""
    return p * (err - (err * p).sum(-1, keepdim=True))
