"""Per-layer statistics of a stack of MLPs: what the paper monitors (§3, §4.2, §4.3).

Three quantities, per hidden layer ``k = 1..d`` (the paper's layer numbering):

* ``activation``     ``z^{k+1} = f(s^k)``, the layer's output (Figs. 2, 3, 4, 6, 10);
* ``backprop_grad``  ``dC/ds^k``, the back-propagated gradient of eq. (2), per example
  (the gradient of that example's own cost ``-log P(y|x)``; Fig. 7);
* ``weight_grad``    ``dC/dW^k`` of eq. (3), for the weights *into* layer k, as SGD applies
  it: the gradient of the mean cost over a minibatch of 10 (Figs. 8, 9).

All results are tidy pandas DataFrames (one row per model x layer x quantity [x bin]) with
the model's configuration columns, so seaborn plots them directly. Nothing here changes the
stack or draws random numbers.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import torch

from .nets import MLPStack
from .validation import check_choice

QUANTITIES = ("activation", "backprop_grad", "weight_grad")


@torch.no_grad()
def layer_values(
    stack: MLPStack,
    x: torch.Tensor,
    y: torch.Tensor,
    quantities: Iterable[str] = QUANTITIES,
    weight_grad_batches: int = 10,
    batch_size: int = 10,
) -> dict[str, list[torch.Tensor]]:
    """The raw values behind every statistic: ``{quantity: [layer 1, ..., layer d]}``, each
    tensor ``[M, -1]`` (values of one model flattened).

    ``weight_grad`` pools the gradients of the first ``weight_grad_batches`` minibatches of
    ``batch_size`` examples of ``(x, y)``, each computed with eq. (3) as one SGD step would.
    """
    quantities = [check_choice("quantity", q, QUANTITIES) for q in quantities]
    out: dict[str, list[torch.Tensor]] = {}
    d = stack.n_hidden
    if "activation" in quantities or "backprop_grad" in quantities:
        fwd = stack.forward(x)
        if "activation" in quantities:
            out["activation"] = [fwd.z[k].reshape(stack.n_models, -1).cpu() for k in range(1, d + 1)]
        if "backprop_grad" in quantities:
            # The mean cost over B examples scales each example's gradient by 1/B; undo it
            # to get the gradient of each example's own cost.
            deltas = stack.backward(fwd, y)
            out["backprop_grad"] = [(deltas[k] * y.shape[0]).reshape(stack.n_models, -1).cpu() for k in range(d)]
    if "weight_grad" in quantities:
        per_layer: list[list[torch.Tensor]] = [[] for _ in range(d)]
        n = min(weight_grad_batches, x.shape[0] // batch_size)
        if n < 1:
            raise ValueError(f"weight gradients need at least one minibatch of {batch_size} examples, got {x.shape[0]}")
        for j in range(n):
            xb, yb = x[j * batch_size : (j + 1) * batch_size], y[j * batch_size : (j + 1) * batch_size]
            fwd = stack.forward(xb)
            grads = stack.weight_grads(fwd, stack.backward(fwd, yb))
            for k in range(d):
                per_layer[k].append(grads[k].reshape(stack.n_models, -1).cpu())
        out["weight_grad"] = [torch.cat(v, dim=1) for v in per_layer]
    return out


def _config(stack: MLPStack) -> pd.DataFrame:
    return pd.DataFrame(stack.describe())


def _quantiles(v: torch.Tensor, qs: Sequence[float]) -> np.ndarray:
    """Quantiles of each row of ``v`` ``[M, n]`` (numpy: torch.quantile caps the input size)."""
    return np.quantile(v.double().numpy(), qs, axis=1).T


def layer_stats(
    stack: MLPStack,
    x: torch.Tensor,
    y: torch.Tensor,
    quantities: Iterable[str] = QUANTITIES,
    percentiles: Sequence[float] = (2, 98),
    values: dict[str, list[torch.Tensor]] | None = None,
) -> pd.DataFrame:
    """Mean, std, variance and percentiles of each quantity, per model and hidden layer.

    Columns: configuration, ``layer`` (1..d), ``quantity``, ``mean``, ``std``, ``var``,
    ``abs_mean``, ``p<q>`` for each percentile, ``min``, ``max``. The paper's Fig. 3 plots
    the 98th percentile (and, symmetrically, presumably the 2nd) and the std of activations.
    """
    values = values if values is not None else layer_values(stack, x, y, quantities)
    config = _config(stack)
    rows = []
    qs = [p / 100 for p in percentiles]
    for quantity, layers in values.items():
        for k, v in enumerate(layers, start=1):
            v64 = v.double()
            df = config.copy()
            df["layer"] = k
            df["quantity"] = quantity
            df["mean"] = v64.mean(1).numpy()
            df["std"] = v64.std(1, correction=0).numpy()
            df["var"] = df["std"] ** 2
            df["abs_mean"] = v64.abs().mean(1).numpy()
            for p, col in zip(percentiles, _quantiles(v, qs).T):
                df[f"p{p:g}"] = col
            df["min"] = v64.min(1).values.numpy()
            df["max"] = v64.max(1).values.numpy()
            rows.append(df)
    return pd.concat(rows, ignore_index=True)


def histograms(
    stack: MLPStack,
    x: torch.Tensor,
    y: torch.Tensor,
    quantities: Iterable[str] = QUANTITIES,
    bins: int = 100,
    ranges: dict[str, tuple[float, float]] | None = None,
    values: dict[str, list[torch.Tensor]] | None = None,
) -> pd.DataFrame:
    """Normalized histograms (densities: area 1) of each quantity per model and layer.

    All layers and models of one quantity share the same bins, so their peaks compare.
    ``ranges`` fixes a quantity's range; by default activations use the activation's range
    (e.g. [-1, 1] for tanh) and gradients a symmetric range holding 99.9% of all values.
    Columns: configuration, layer, quantity, ``left``, ``right``, ``center``, ``density``.
    The peak height of a density depends on the bin width: compare the paper's peaks only at
    a similar bin width (the paper does not give its bins).
    """
    values = values if values is not None else layer_values(stack, x, y, quantities)
    ranges = dict(ranges or {})
    config = _config(stack)
    rows = []
    for quantity, layers in values.items():
        lo, hi = ranges.get(quantity, _default_range(stack, quantity, layers))
        edges = np.linspace(lo, hi, bins + 1)
        for k, v in enumerate(layers, start=1):
            for m in range(stack.n_models):
                counts, _ = np.histogram(v[m].double().numpy(), bins=edges)
                density = counts / max(counts.sum(), 1) / np.diff(edges)
                df = pd.DataFrame({"left": edges[:-1], "right": edges[1:], "center": (edges[:-1] + edges[1:]) / 2, "density": density})
                for col, val in config.iloc[m].items():
                    df[col] = val
                df["layer"] = k
                df["quantity"] = quantity
                rows.append(df)
    return pd.concat(rows, ignore_index=True)


def _default_range(stack: MLPStack, quantity: str, layers: list[torch.Tensor]) -> tuple[float, float]:
    if quantity == "activation":
        acts = set(stack.activations)
        if acts <= {"tanh", "softsign"}:
            return (-1.0, 1.0)
        if acts == {"sigmoid"}:
            return (0.0, 1.0)
    pooled = torch.cat([v.flatten() for v in layers]).abs()
    if pooled.numel() > 2_000_000:
        pooled = pooled[torch.randperm(pooled.numel(), generator=torch.Generator().manual_seed(0))[:2_000_000]]
    hi = float(np.quantile(pooled.double().numpy(), 0.999)) or 1.0
    if quantity == "activation":
        return (float(min(0.0, torch.cat([v.flatten() for v in layers]).min())), hi)
    return (-hi, hi)


@torch.no_grad()
def layer_jacobians(stack: MLPStack, x: torch.Tensor) -> list[torch.Tensor]:
    """Eq. (17): the Jacobian ``J^i = dz^{i+1}/dz^i`` of every hidden layer at every example.

    With ``z^{i+1} = f(z^i W^i + b^i)``, ``J^i = diag(f'(s^i)) (W^i)^T``. Returns one tensor
    per hidden layer, ``[M, B, n_out, n_in]``.
    """
    fwd = stack.forward(x)
    out = []
    for i in range(stack.n_hidden):
        fprime = stack._activation_grad(fwd.z[i + 1])  # [M, B, n_out]
        out.append(fprime.unsqueeze(-1) * stack.weights[i].transpose(1, 2).unsqueeze(1))
    return out


@torch.no_grad()
def jacobian_singular_values(stack: MLPStack, x: torch.Tensor) -> pd.DataFrame:
    """Mean singular value of each hidden layer's Jacobian (eq. 17), per model and example.

    The paper reports this average as about 0.8 with normalized and 0.5 with standard
    initialization. Columns: configuration, ``layer``, ``example``, ``mean_singular_value``.
    Costs one SVD per layer and example (~0.1 s for 1000x1000 on a laptop CPU), so pass a
    few examples.
    """
    config = _config(stack)
    rows = []
    for k, J in enumerate(layer_jacobians(stack, x), start=1):
        sv = torch.linalg.svdvals(J).double().mean(-1)  # [M, B], in the stack's precision
        for m in range(stack.n_models):
            df = pd.DataFrame({"example": np.arange(sv.shape[1]), "mean_singular_value": sv[m].numpy()})
            for col, val in config.iloc[m].items():
                df[col] = val
            df["layer"] = k
            rows.append(df)
    return pd.concat(rows, ignore_index=True)


def stats_probe(x: torch.Tensor, y: torch.Tensor, quantities: Iterable[str] = QUANTITIES, hist_bins: int | None = None, ranges=None):
    """A probe for :func:`glorot.train.train`: ``layer_stats`` (and, with ``hist_bins``,
    ``histograms`` under ``kind='hist'``) of a fixed probe set, e.g. the paper's 300 test
    examples. Returns a callable ``probe(stack) -> DataFrame``."""
    quantities = list(quantities)

    def probe(stack: MLPStack) -> pd.DataFrame:
        vals = layer_values(stack, x, y, quantities)
        stats = layer_stats(stack, x, y, quantities, values=vals).assign(kind="stats")
        if not hist_bins:
            return stats
        hist = histograms(stack, x, y, quantities, bins=hist_bins, ranges=ranges, values=vals).assign(kind="hist")
        return pd.concat([stats, hist], ignore_index=True)

    return probe


def histogram_summary(hist: pd.DataFrame, stats: pd.DataFrame, by: Sequence[str] = ("init",)) -> pd.DataFrame:
    """Per quantity, group and layer: the histogram's peak density and where it is, beside
    the 2nd/98th percentiles and std from ``stats`` - the numbers a figure caption quotes
    (the paper's Figs. 6-8 are described by their peaks and x ranges)."""
    keys = ["quantity", *by, "layer"]
    idx = hist.groupby(keys)["density"].idxmax()
    peaks = hist.loc[idx, keys + ["density", "center"]].rename(columns={"density": "peak_density", "center": "peak_at"})
    width = hist.groupby(keys).apply(lambda g: float((g["right"] - g["left"]).iloc[0]), include_groups=False).rename("bin_width")
    out = peaks.merge(width.reset_index(), on=keys).merge(stats[keys + ["std", "p2", "p98"]], on=keys)
    return out.sort_values(keys).reset_index(drop=True)
