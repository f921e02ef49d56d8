"""Per-layer statistics of a stack of MLPs: what the paper monitors (§3, §4.2, §4.3).

Three quantities, per hidden layer ``k = 1..d`` (the paper's layer numbering):

* ``activation``     ``z^{k+1} = f(s^k)``, the layer's output (Figs. 2, 3, 4, 6, 10);
* ``backprop_grad``  ``dC/ds^k``, the back-propagated gradient of eq. (2), per example
  (the gradient of that example's own cost ``-log P(y|x)``; Fig. 7);
* ``weight_grad``    ``dC/dW^k`` of eq. (3), for the weights *into* layer k, as SGD applies
  it: the gradient of the mean cost over a minibatch of 10 (Figs. 8, 9).

All results are tidy pandas DataFrames (one row per model x layer x quantity [x bin]) with
the model's configuration columns, so seaborn plots them directly. A model that diverged
(see :func:`diverged_models`) is marked ``diverged`` with NaN numbers, and no model's
numbers depend on its neighbours in the stack. Nothing here changes the stack or draws
random numbers.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import torch

from . import nets
from .nets import ACTIVATIONS, MLPStack
from .validation import check_choice, check_positive_float

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


def diverged_models(stack: MLPStack, values: dict[str, list[torch.Tensor]]) -> np.ndarray:
    """``[M]`` bools: the models whose numbers no figure should show, those that training
    stopped (``stack.active`` False: the cost became NaN/inf or huge) or with any non-finite
    value in ``values`` (any quantity, any layer). A diverged model's statistics would
    otherwise read as vanishing (or exploding) activations and gradients in Figs. 2-4, 6-10."""
    bad = ~stack.active.cpu().numpy()
    for layers in values.values():
        for v in layers:
            bad |= ~torch.isfinite(v).all(1).numpy()
    return bad


def _spread(healthy: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """One value per model: ``healthy``'s values in order for the healthy models, NaN for
    the diverged ones."""
    out = np.full(len(bad), np.nan)
    out[~bad] = healthy
    return out


def _row_stats(v: torch.Tensor, percentiles: Sequence[float]) -> dict[str, np.ndarray]:
    """The statistics of :func:`layer_stats` of each row of ``v`` ``[M, n]``."""
    v64 = v.double()
    std = v64.std(1, correction=0).numpy()
    out = {"mean": v64.mean(1).numpy(), "std": std, "var": std**2, "abs_mean": v64.abs().mean(1).numpy()}
    for p, col in zip(percentiles, _quantiles(v, [p / 100 for p in percentiles]).T):
        out[f"p{p:g}"] = col
    out["min"] = v64.min(1).values.numpy()
    out["max"] = v64.max(1).values.numpy()
    return out


def layer_stats(
    stack: MLPStack,
    x: torch.Tensor,
    y: torch.Tensor,
    quantities: Iterable[str] = QUANTITIES,
    percentiles: Sequence[float] = (2, 98),
    values: dict[str, list[torch.Tensor]] | None = None,
    diverged: np.ndarray | None = None,
) -> pd.DataFrame:
    """Mean, std, variance and percentiles of each quantity, per model and hidden layer.

    Columns: configuration, ``layer`` (1..d), ``quantity``, ``mean``, ``std``, ``var``,
    ``abs_mean``, ``p<q>`` for each percentile, ``min``, ``max``, ``diverged``. The paper's
    Fig. 3 plots the 98th percentile (and, symmetrically, presumably the 2nd) and the std of
    activations. A diverged model (``diverged``, by default :func:`diverged_models`) has
    ``diverged`` True and NaN statistics; every other model's are computed from its own
    values alone, so they do not depend on its neighbours.
    """
    values = values if values is not None else layer_values(stack, x, y, quantities)
    bad = diverged_models(stack, values) if diverged is None else np.asarray(diverged, dtype=bool)
    healthy = torch.from_numpy(~bad)
    config = _config(stack)
    rows = []
    for quantity, layers in values.items():
        for k, v in enumerate(layers, start=1):
            df = config.assign(layer=k, quantity=quantity)
            for col, vals in _row_stats(v[healthy], percentiles).items():
                df[col] = _spread(vals, bad)
            df["diverged"] = bad
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
    diverged: np.ndarray | None = None,
) -> pd.DataFrame:
    """Normalized histograms (densities: area 1) of each quantity per model and layer
    (Figs. 4, 6, 7, 8).

    Each layer of each model has its own range and ``bins`` bins over it
    (:func:`_layer_range`: the central 99.9% of its own values, within the activation's
    range), so a layer whose spread is a tenth of its neighbours' (standard init: layer 1's
    ∂C/∂s in Fig. 7, every layer's ∂C/∂W in Fig. 8) is drawn with as many bins across it as
    they are, not as a spike one bin wide. ``ranges`` fixes a quantity's range for every model
    and layer instead. Columns: configuration, layer, quantity, ``left``, ``right``,
    ``center``, ``density``, ``diverged``. A diverged model (``diverged``, by default
    :func:`diverged_models`) gets a single row per layer and quantity, ``diverged`` True with
    NaN bins and density. The peak height of a density depends on the bin width relative to
    the spread: with the same number of bins across each layer's spread, peaks compare
    between layers; the paper's compare only roughly (it does not give its bins).
    """
    values = values if values is not None else layer_values(stack, x, y, quantities)
    bad = diverged_models(stack, values) if diverged is None else np.asarray(diverged, dtype=bool)
    ranges = dict(ranges or {})
    config = _config(stack)
    rows = []
    for quantity, layers in values.items():
        for m in range(stack.n_models):
            for k, v in enumerate(layers, start=1):
                edges = None if bad[m] else np.linspace(*ranges.get(quantity, _layer_range(stack, m, quantity, v[m])), bins + 1)
                rows.append(_histogram(v[m], edges).assign(**config.iloc[m], layer=k, quantity=quantity, diverged=bool(bad[m])))
    return pd.concat(rows, ignore_index=True)


def _histogram(v: torch.Tensor, edges: np.ndarray | None) -> pd.DataFrame:
    """The normalized histogram of the values ``v`` on ``edges``: left, right, center,
    density; without edges (a diverged model), one row of NaN."""
    if edges is None:
        return pd.DataFrame({c: [np.nan] for c in ("left", "right", "center", "density")})
    counts, _ = np.histogram(v.double().numpy(), bins=edges)
    density = counts / max(counts.sum(), 1) / np.diff(edges)
    return pd.DataFrame({"left": edges[:-1], "right": edges[1:], "center": (edges[:-1] + edges[1:]) / 2, "density": density})


HISTOGRAM_SHARE = 0.999
"""The share of a layer's values its histogram's range holds (:func:`_layer_range`)."""


def _layer_range(stack: MLPStack, m: int, quantity: str, v: torch.Tensor) -> tuple[float, float]:
    """Model ``m``'s histogram range for one layer's values ``v`` (finite): gradients and the
    activations of a symmetric activation (tanh, softsign) symmetric about 0, ±the
    :data:`HISTOGRAM_SHARE` quantile of ``|v|``; other activations (sigmoid, relu) the central
    :data:`HISTOGRAM_SHARE` of ``v``. Activations stay within the activation's range."""
    sample = v.flatten().double()
    if sample.numel() > 2_000_000:
        sample = sample[torch.randperm(sample.numel(), generator=torch.Generator().manual_seed(0))[:2_000_000]]
    values = sample.numpy()
    lo_act, hi_act = ACTIVATIONS[stack.activations[m]].range if quantity == "activation" else (-np.inf, np.inf)
    if quantity != "activation" or lo_act == -hi_act:
        hi = min(float(np.quantile(np.abs(values), HISTOGRAM_SHARE)), hi_act)
        return (-hi, hi) if hi > 0 else (-1.0, 1.0)
    tail = (1 - HISTOGRAM_SHARE) / 2
    lo, hi = max(float(np.quantile(values, tail)), lo_act), min(float(np.quantile(values, 1 - tail)), hi_act)
    return (lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)


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
    initialization. Columns: configuration, ``layer``, ``example``, ``mean_singular_value``,
    ``diverged`` (True, with NaN values, for a model inactive or with a non-finite Jacobian
    in any layer). Costs one SVD per layer and example (~0.1 s for 1000x1000 on a laptop
    CPU), so pass a few examples.
    """
    config = _config(stack)
    jacobians = layer_jacobians(stack, x)
    bad = diverged_models(stack, {"jacobian": [J.reshape(stack.n_models, -1).cpu() for J in jacobians]})
    healthy = torch.from_numpy(~bad).to(stack.device)
    rows = []
    for k, J in enumerate(jacobians, start=1):
        sv = torch.full((stack.n_models, x.shape[0]), np.nan, dtype=torch.float64)
        sv[~bad] = torch.linalg.svdvals(J[healthy]).double().mean(-1).cpu()  # in the stack's precision
        for m in range(stack.n_models):
            df = pd.DataFrame({"example": np.arange(sv.shape[1]), "mean_singular_value": sv[m].numpy()})
            for col, val in config.iloc[m].items():
                df[col] = val
            df["layer"] = k
            df["diverged"] = bool(bad[m])
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
    (the paper's Figs. 6-8 are described by their peaks and x ranges). Diverged models'
    rows (NaN density) are left out."""
    keys = ["quantity", *by, "layer"]
    hist = hist.dropna(subset=["density"])
    idx = hist.groupby(keys)["density"].idxmax()
    peaks = hist.loc[idx, keys + ["density", "center"]].rename(columns={"density": "peak_density", "center": "peak_at"})
    width = hist.groupby(keys).apply(lambda g: float((g["right"] - g["left"]).iloc[0]), include_groups=False).rename("bin_width")
    out = peaks.merge(width.reset_index(), on=keys).merge(stats[keys + ["std", "p2", "p98"]], on=keys)
    return out.sort_values(keys).reset_index(drop=True)


# --------------------------------------------------------------------------- instruments used while training

STAT_COLUMNS = ["mean", "std", "var", "p2", "p98"]
"""The statistics kept per layer and quantity (the paper plots mean/std, Fig. 2; the 98th
percentile and std, Figs. 3 and 10; std intervals, Fig. 9; variances, §4.3)."""

SATURATION_DERIVATIVE = 0.04
"""A unit counts as saturated when its derivative ``f'(s)`` is below this share of the
activation's largest derivative (:func:`saturation_threshold`): one measure for every
activation, so that tanh and softsign compare (§3.2-3.3, Figs. 3, 4 and 10). With 0.04:
tanh (f' = 1 - z^2) at |z| > 0.98; softsign (f' = (1 - |z|)^2) at |z| > 0.8, i.e. |s| > 4;
sigmoid (f' = z (1 - z), largest 1/4) at z < 0.0102 or z > 0.9898; relu (f' = 0 or 1) at
z = 0, its inactive units; linear never."""


# --------------------------------------------------------------------------- measurements


@torch.no_grad()
def output_decomposition(stack: nets.MLPStack, x: torch.Tensor) -> pd.DataFrame:
    """How much of the softmax's input ``s = b + W h`` comes from the biases (§3.1).

    The paper's explanation of Fig. 2: "The logistic layer output softmax(b + Wh) might
    initially rely more on its biases b (which are learned very quickly) than on the top
    hidden activations h ... Thus the error gradient would tend to push Wh towards 0, which
    can be achieved by pushing h towards 0."

    The softmax ignores a constant added to all classes, so we centre ``s`` over the classes
    (``c(v) = v - mean_class(v)``) and split its mean square over the examples ``x`` exactly::

        E_x ||c(s)||^2 = ||c(b)||^2 + ||c(W E[h])||^2 + 2 <c(b), c(W E[h])> + E_x ||c(W (h - E[h]))||^2
                         bias         mean_input       cross                 input_dependent

    ``bias`` and ``mean_input`` do not depend on the example (they act as class priors);
    ``input_dependent`` is all the network tells the softmax about *this* image. Columns:
    configuration, ``term``, ``share`` (of the total; the four shares sum to 1), ``rms`` (the
    root of the term's magnitude; for ``cross`` the signed root), plus ``Wh_rms``
    (the uncentred ``sqrt(E ||W h||^2)``) and ``b_rms`` on the ``total`` row.
    """
    h = stack.forward(x).z[-1].double()  # top hidden layer, [M, N, n]
    W, b = stack.weights[-1].double(), stack.biases[-1].double()
    wh = torch.bmm(h, W)  # [M, N, C]
    m = wh.mean(1)
    r = wh - m.unsqueeze(1)

    def c(v):
        return v - v.mean(-1, keepdim=True)

    cb, cm, cr = c(b), c(m), c(r)
    terms = {
        "bias": cb.square().sum(-1),
        "mean_input": cm.square().sum(-1),
        "cross": 2 * (cb * cm).sum(-1),
        "input_dependent": cr.square().sum(-1).mean(1),
    }
    total = sum(terms.values())
    config = pd.DataFrame(stack.describe())
    rows = []
    for name, v in terms.items():
        df = config.assign(term=name, share=(v / total).cpu().numpy(), rms=(v.sign() * v.abs().sqrt()).cpu().numpy())
        rows.append(df)
    rows.append(config.assign(term="total", share=1.0, rms=total.sqrt().cpu().numpy(),
                              Wh_rms=wh.square().sum(-1).mean(1).sqrt().cpu().numpy(), b_rms=b.square().sum(-1).sqrt().cpu().numpy()))
    return pd.concat(rows, ignore_index=True)


@torch.no_grad()
def output_gradients(stack: nets.MLPStack, x: torch.Tensor, y: torch.Tensor, tiny: float = 0.01) -> pd.DataFrame:
    """The plateau of §4.1 seen from the training examples: per model, the norm of each
    example's own output gradient ``||dC/ds^d||`` (with the model's cost), its median over
    the examples, and the share of examples that the model misclassifies *and* whose output
    gradient is below ``tiny`` (wrong, yet hardly pushed to change: the quadratic cost's
    plateau when the softmax is confidently wrong)."""
    fwd = stack.forward(x)
    delta = stack.output_delta(fwd, y) * y.shape[0]  # per-example gradients of each example's own cost
    norm = delta.norm(dim=-1).double().cpu()  # [M, N]
    wrong = (fwd.log_probs.argmax(-1).cpu() != y.cpu().view(1, -1))
    config = pd.DataFrame(stack.describe())
    return config.assign(grad_median=norm.median(1).values.numpy(), grad_mean=norm.mean(1).numpy(),
                         wrong_share=wrong.double().mean(1).numpy(),
                         stuck_share=(wrong & (norm < tiny)).double().mean(1).numpy(), tiny=tiny)


def saturation_threshold(activation: str, share: float = SATURATION_DERIVATIVE) -> float:
    """The derivative below which a unit of ``activation`` counts as saturated: ``share`` times
    the activation's largest ``f'``, found on a fine grid of pre-activations s in [-20, 20]
    (f'(0) = 1 for tanh and softsign, 1/4 for sigmoid; 1 for relu and linear). ``activation``
    must be one of :data:`glorot.nets.ACTIVATIONS` and ``share`` a number in (0, 1]; anything
    else is refused, naming the valid values, before any compute."""
    act = nets.ACTIVATIONS[check_choice("activation", activation, nets.ACTIVATIONS)]
    share = check_positive_float("share", share)
    if share > 1:
        raise ValueError(f"share must be in (0, 1] (a share of the largest derivative), got {share!r}")
    s = torch.linspace(-20.0, 20.0, 40_001, dtype=torch.float64)
    return share * float(act.grad_from_output(act.f(s)).max())


def saturated_share(stack: nets.MLPStack, layers: Sequence[torch.Tensor], share: float = SATURATION_DERIVATIVE) -> np.ndarray:
    """Share of each layer's units whose derivative ``f'(s)``, written through the output z
    (``Activation.grad_from_output``), is below :func:`saturation_threshold`, ``[M, d]``
    (Figs. 3, 4 and 10's saturated units; NaN for models diverged in these layers, see
    :func:`diverged_models`)."""
    out = np.full((stack.n_models, len(layers)), np.nan)
    bad = diverged_models(stack, {"activation": list(layers)})
    for m, act in enumerate(stack.activations):
        if bad[m]:
            continue
        below = saturation_threshold(act, share)
        grad_from_output = nets.ACTIVATIONS[act].grad_from_output
        for k, v in enumerate(layers):
            out[m, k] = float((grad_from_output(v[m].double()) < below).double().mean())
    return out


class DynamicsProbe:
    """The probe of every experiment of this module, for :func:`glorot.train.train`.

    ``probe(stack)`` returns one tidy DataFrame whose ``kind`` column says what a row is:
    ``stats`` (per model, layer and quantity: :data:`STAT_COLUMNS`, and ``saturated`` for
    activations), ``hist`` (normalized histograms, each model's bins shared over its layers)
    and ``output`` (:func:`output_decomposition`) and ``outgrad`` (:func:`output_gradients`).
    Every row has ``diverged``: True for a model that :func:`diverged_models` finds in the
    probed quantities, whose numbers are then all NaN (its histograms one NaN row per layer).
    Only reads the stack.
    """

    def __init__(self, x: torch.Tensor, y: torch.Tensor, quantities: Iterable[str] = ("activation",), hist_bins: int = 0,
                 output: bool = False, weight_grad_batches: int = 10, output_grad: bool = False):
        self.x, self.y = x, y
        self.quantities = list(quantities)
        self.hist_bins = int(hist_bins)
        self.output = output
        self.output_grad = output_grad
        self.weight_grad_batches = weight_grad_batches

    def __call__(self, stack: nets.MLPStack) -> pd.DataFrame:
        vals = layer_values(stack, self.x, self.y, self.quantities, weight_grad_batches=self.weight_grad_batches)
        bad = diverged_models(stack, vals)
        stats = layer_stats(stack, self.x, self.y, self.quantities, values=vals, diverged=bad)
        keep = [c for c in stats.columns if c not in ("abs_mean", "min", "max")]
        stats = stats[keep].assign(kind="stats")
        if "activation" in vals:
            sat = saturated_share(stack, vals["activation"])
            sat[bad] = np.nan
            rows = stats["quantity"] == "activation"
            stats.loc[rows, "saturated"] = sat[stats.loc[rows, "model"].to_numpy(), stats.loc[rows, "layer"].to_numpy() - 1]
        parts = [stats]
        if self.hist_bins and "activation" in vals:
            hist = histograms(stack, self.x, self.y, ["activation"], bins=self.hist_bins, values={"activation": vals["activation"]},
                              diverged=bad)
            parts.append(hist.drop(columns=["left", "right"]).assign(kind="hist"))
        if self.output:
            out = output_decomposition(stack, self.x)
            parts.append(_blank_diverged(out, bad, ["share", "rms", "Wh_rms", "b_rms"]).assign(kind="output"))
        if self.output_grad:
            out = output_gradients(stack, self.x, self.y)
            parts.append(_blank_diverged(out, bad, ["grad_median", "grad_mean", "wrong_share", "stuck_share"]).assign(kind="outgrad"))
        return pd.concat(parts, ignore_index=True)


def _blank_diverged(df: pd.DataFrame, bad: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
    """``df`` with a ``diverged`` column (from its ``model`` column) and NaN ``columns`` on
    the diverged models' rows, so no figure (e.g. §3.1's output terms) reads them as data."""
    rows = bad[df["model"].to_numpy()]
    df = df.assign(diverged=rows)
    df.loc[rows, list(columns)] = np.nan
    return df

