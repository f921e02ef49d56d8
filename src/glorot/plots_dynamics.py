"""The paper's training-dynamics figures (2, 3, 4, 5, 9, 10) from the tidy tables of
:mod:`glorot.dynamics` and :mod:`glorot.cost_surface`, one function per figure.

Every function returns the matplotlib Figure and prints ``scale`` (from
:meth:`glorot.experiments.Result.scale`) under it. Layers keep the paper's colours and
markers (layer 1 red triangles, 2 green circles, 3 blue crosses, 4 black pluses, 5 cyan
squares), and time runs in the paper's unit, epochs of 20k updates, with updates on the top
axis, so a figure can be laid beside the paper's. Rows of a diverged model (``diverged``
True, where the column exists, or NaN values) are not drawn, and its panel's title says
"diverged" and from which epoch.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .plots import _diverged_note, _drawable, _footer, _legend
from .train import UPDATES_PER_EPOCH

LAYER_STYLE = {1: ("tab:red", ">"), 2: ("tab:green", "o"), 3: ("tab:blue", "x"), 4: ("black", "+"), 5: ("tab:cyan", "s")}
"""The paper's layer colours and markers (Figs. 2-4, 6-10)."""


def _style(layer: int):
    return LAYER_STYLE.get(int(layer), ("0.4", "."))


def _epoch_axis(ax, label: bool = True) -> None:
    """Epochs of 20k updates below (the paper's unit), updates above."""
    if label:
        ax.set_xlabel("epochs of 20k mini-batch updates")
    top = ax.secondary_xaxis("top", functions=(lambda e: e * UPDATES_PER_EPOCH, lambda u: u / UPDATES_PER_EPOCH))
    top.set_xlabel("updates", fontsize=8)
    top.tick_params(labelsize=7)


def _activation(stats: pd.DataFrame) -> pd.DataFrame:
    return stats[stats["quantity"] == "activation"] if "quantity" in stats else stats


def fig2_sigmoid(stats: pd.DataFrame, events: pd.DataFrame | None = None, scale: str | None = None, n_bars: int = 40):
    """Fig. 2: mean (line) and standard deviation (vertical bars) of each sigmoid layer's
    activations over training, one panel per depth; the top layer's fall below 0.1 and its
    desaturation (``events``, from :func:`glorot.dynamics.top_layer_events`) marked."""
    act = _activation(stats)
    depths = sorted(act["depth"].unique())
    fig, axes = plt.subplots(len(depths), 1, figsize=(7.5, 2.9 * len(depths)), squeeze=False)
    for ax, depth in zip(axes[:, 0], depths):
        panel = act[act["depth"] == depth]
        g = _drawable(panel, ["mean", "std"])
        for layer, gl in g.groupby("layer"):
            gl = gl.sort_values("epoch")
            color, _ = _style(layer)
            ax.plot(gl["epoch"], gl["mean"], color=color, lw=1.3, label=f"Layer {layer}")
            step = max(1, len(gl) // n_bars)
            sub = gl.iloc[::step]
            ax.errorbar(sub["epoch"], sub["mean"], yerr=sub["std"], fmt="none", ecolor=color, elinewidth=0.7, alpha=0.6)
        if events is not None:
            ev = events[events["depth"] == depth]
            for _, e in ev.iterrows():
                if pd.notna(e["fall_epoch"]):
                    ax.axvline(e["fall_epoch"], color="0.3", ls=":", lw=1)
                    ax.text(e["fall_epoch"], 0.92, " top layer < 0.1", fontsize=7, va="top", transform=ax.get_xaxis_transform())
                if pd.notna(e.get("desaturated_epoch", np.nan)):
                    ax.axvline(e["desaturated_epoch"], color="0.3", ls="--", lw=1)
                    ax.text(e["desaturated_epoch"], 0.80, "top layer desaturates ", fontsize=7, ha="right", va="top",
                            transform=ax.get_xaxis_transform())
        ax.axhline(0.1, color="0.6", lw=0.6)
        ax.set_ylim(-0.05, 1.05)
        ax.set_ylabel("activation value")
        ax.set_title(f"sigmoid, {depth} hidden layers{_diverged_note(panel, ['mean', 'std'])}", fontsize=10, pad=22)
        _legend(ax, fontsize=7, loc="center right")
        _epoch_axis(ax)
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def output_terms(output: pd.DataFrame, top_mean: pd.DataFrame | None = None, scale: str | None = None):
    """§3.1's explanation, measured: the size (root of the class-centred mean square over the
    test examples, log scale) of each part of the softmax input ``s = b + W h``: the biases,
    the example-independent ``W E[h]``, the example-dependent ``W (h - E[h])`` and the whole
    (see :func:`glorot.dynamics.output_decomposition`), over training, one panel per depth;
    the top hidden layer's mean activation on a second axis."""
    columns = ["rms"]
    depths = sorted(output["depth"].unique())
    fig, axes = plt.subplots(1, len(depths), figsize=(5.4 * len(depths), 3.4), squeeze=False, sharey=True)
    style = {"bias": ("tab:orange", "-", "b (biases)"), "mean_input": ("tab:purple", "-", "W E[h] (same for every image)"),
             "input_dependent": ("tab:blue", "-", "W (h - E[h]) (depends on the image)"), "total": ("0.5", ":", "s = b + W h")}
    for ax, depth in zip(axes[0], depths):
        panel = output[output["depth"] == depth]
        g = _drawable(panel, columns)
        for term, (color, ls, label) in style.items():
            gt = g[g["term"] == term].sort_values("epoch")
            ax.plot(gt["epoch"], gt["rms"].clip(lower=1e-6), color=color, ls=ls, lw=1.4, label=label)
        ax.set_yscale("log")
        ax.set_title(f"sigmoid, {depth} hidden layers: the softmax's input{_diverged_note(panel, columns)}", fontsize=10, pad=22)
        ax.set_ylabel("size (class-centred RMS)")
        _epoch_axis(ax)
        if top_mean is not None:
            t = _drawable(top_mean[top_mean["depth"] == depth], ["mean"]).sort_values("epoch")
            ax2 = ax.twinx()
            ax2.plot(t["epoch"], t["mean"], color="k", ls="--", lw=1, label="top layer mean (right)")
            ax2.set_ylim(0, 1)
            ax2.tick_params(labelsize=7)
            if depth == depths[-1]:
                ax2.set_ylabel("top hidden layer mean activation", fontsize=8)
            ax2.legend(fontsize=7, loc="center right")
    _legend(axes[0, 0], fontsize=7, loc="lower left")
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def fig3_percentiles(stats: pd.DataFrame, panels: dict[str, pd.DataFrame] | None = None, scale: str | None = None,
                     n_markers: int = 30, saturation: bool = False):
    """Figs. 3 and 10: 98th and 2nd percentiles (markers alone) and standard deviation (lines
    with markers, plotted at +std and -std) of each layer's activations over training, one
    panel per entry of ``panels`` (title -> rows of ``stats``). With ``saturation``, a second
    column shows the share of saturated units (|z| > 0.98) per layer."""
    panels = panels or {a: g for a, g in _activation(stats).groupby("activation", sort=False)}
    ncol = 2 if saturation else 1
    fig, axes = plt.subplots(len(panels), ncol, figsize=(7.5 if ncol == 1 else 12, 3.1 * len(panels)), squeeze=False)
    columns = ["p98", "p2", "std"]
    for row, (title, panel) in enumerate(panels.items()):
        ax = axes[row, 0]
        panel = _activation(panel)
        g = _drawable(panel, columns)
        for layer, gl in g.groupby("layer"):
            gl = gl.sort_values("epoch")
            color, marker = _style(layer)
            step = max(1, len(gl) // n_markers)
            sub = gl.iloc[::step]
            ax.plot(sub["epoch"], sub["p98"], ls="none", marker=marker, color=color, ms=4, mfc="none")
            ax.plot(sub["epoch"], sub["p2"], ls="none", marker=marker, color=color, ms=4, mfc="none")
            ax.plot(gl["epoch"], gl["std"], color=color, lw=1.2, label=f"Layer {layer}")
            ax.plot(gl["epoch"], -gl["std"], color=color, lw=1.2)
            ax.plot(sub["epoch"], sub["std"], ls="none", marker=marker, color=color, ms=3)
            ax.plot(sub["epoch"], -sub["std"], ls="none", marker=marker, color=color, ms=3)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("activation value")
        note = _diverged_note(panel, columns)
        ax.set_title(f"{title}: 98th/2nd percentiles (markers), ±std (lines){note}", fontsize=10, pad=22)
        _legend(ax, fontsize=7, loc="center right")
        _epoch_axis(ax)
        if saturation:
            ax = axes[row, 1]
            for layer, gl in _drawable(g, ["saturated"]).groupby("layer"):
                gl = gl.sort_values("epoch")
                color, marker = _style(layer)
                ax.plot(gl["epoch"], gl["saturated"], color=color, lw=1.2, label=f"Layer {layer}")
            ax.set_ylim(-0.02, 1.02)
            ax.set_ylabel("share of units with |z| > 0.98")
            ax.set_title(f"{title}: saturated units{note}", fontsize=10, pad=22)
            _epoch_axis(ax)
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def fig4_histograms(hist: pd.DataFrame, scale: str | None = None, order: tuple[str, ...] = ("tanh", "softsign")):
    """Fig. 4: normalized histograms of each layer's activations at the end of training
    (over units and the 300 test examples), one panel per activation (tanh on top, softsign
    below, as in the paper)."""
    last = hist[hist["update"] == hist["update"].max()]
    acts = [a for a in order if a in set(last["activation"])] + sorted(set(last["activation"]) - set(order))
    fig, axes = plt.subplots(len(acts), 1, figsize=(7.5, 2.8 * len(acts)), sharex=True, squeeze=False)
    for ax, act in zip(axes[:, 0], acts):
        panel = last[last["activation"] == act]
        g = _drawable(panel, ["center", "density"])
        for layer, gl in g.groupby("layer"):
            gl = gl.sort_values("center")
            color, marker = _style(layer)
            ax.plot(gl["center"], gl["density"], color=color, lw=1, marker=marker, ms=3.5, mfc="none", markevery=3, label=f"Layer {layer}")
        ax.set_ylabel("density")
        ax.set_title(f"{act}: activation values at the end of training{_diverged_note(panel, ['center', 'density'])}", fontsize=10)
        _legend(ax, fontsize=7, loc="upper center", ncol=5)
    axes[-1, 0].set_xlabel("activation value")
    axes[-1, 0].set_xlim(-1, 1)
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def _grid(surf: pd.DataFrame, column: str):
    w1 = np.sort(surf["w1"].unique())
    w2 = np.sort(surf["w2"].unique())
    g = surf.sort_values(["w1", "w2"])
    return w1, w2, g[column].to_numpy().reshape(len(w1), len(w2))


def fig5_surfaces(surf: pd.DataFrame, scale: str | None = None, stride: int = 2):
    """Fig. 5 as in the paper: the cross-entropy (black, on top) and quadratic (red, below)
    cost surfaces as wireframes over (W1, W2) on one 3-D axis."""
    fig = plt.figure(figsize=(7, 5.5))
    ax = fig.add_subplot(111, projection="3d")
    for cost_fn, color in (("quadratic", "tab:red"), ("cross_entropy", "black")):
        g = surf[surf["cost_fn"] == cost_fn]
        if g.empty:
            continue
        w1, w2, c = _grid(g, "cost")
        W1, W2 = np.meshgrid(w1, w2, indexing="ij")
        ax.plot_wireframe(W1, W2, c, rstride=stride, cstride=stride, color=color, lw=0.5,
                          label="cross-entropy" if cost_fn == "cross_entropy" else "quadratic")
    ax.set_xlabel("W1 (first layer)")
    ax.set_ylabel("W2 (output layer)")
    ax.set_zlabel("cost")
    ax.view_init(elev=22, azim=-130)
    ax.legend(fontsize=8, loc="upper left")
    _footer(fig, scale)
    return fig


def fig5_contours(surf: pd.DataFrame, flat_threshold: float = 0.01, scale: str | None = None):
    """Fig. 5 as contour maps, one panel per cost, with the grid points where the gradient
    norm is below ``flat_threshold`` (the plateaus) shaded."""
    costs = [c for c in ("cross_entropy", "quadratic") if c in set(surf["cost_fn"])]
    fig, axes = plt.subplots(1, len(costs), figsize=(5.4 * len(costs), 4.3), squeeze=False)
    for ax, cost_fn in zip(axes[0], costs):
        g = surf[surf["cost_fn"] == cost_fn]
        w1, w2, c = _grid(g, "cost")
        _, _, gn = _grid(g, "grad_norm")
        W1, W2 = np.meshgrid(w1, w2, indexing="ij")
        ax.contourf(W1, W2, (gn < flat_threshold).astype(float), levels=[0.5, 1.5], colors=["#f4c7c3"])
        cs = ax.contour(W1, W2, c, levels=15, colors="black" if cost_fn == "cross_entropy" else "tab:red", linewidths=0.8)
        ax.clabel(cs, fontsize=6, fmt="%.2f")
        share = float((gn < flat_threshold).mean())
        ax.set_title(f"{cost_fn}: shaded |∇| < {flat_threshold:g} ({100 * share:.1f}% of the grid)", fontsize=9)
        ax.set_xlabel("W1 (first layer)")
        ax.set_ylabel("W2 (output layer)")
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def cost_curves(curves: pd.DataFrame, best: pd.DataFrame, split: str = "test", scale: str | None = None):
    """Test error over training for each cost: every learning rate (thin) and the one chosen
    on validation error (thick)."""
    df = curves[curves["split"] == split]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    colors = {"cross_entropy": "black", "quadratic": "tab:red"}
    for (cost_fn, lr), g in df.groupby(["cost_fn", "lr"]):
        g = g.sort_values("epoch")
        chosen = bool(((best["cost_fn"] == cost_fn) & np.isclose(best["lr"], lr)).any())
        ax.plot(g["epoch"], 100 * g["error"], color=colors.get(cost_fn, "0.4"), lw=2 if chosen else 0.8, alpha=1 if chosen else 0.45,
                label=f"{cost_fn}, lr {lr:g}" + (" (chosen on validation)" if chosen else ""))
    ax.set_ylabel(f"{split} error (%)")
    ax.legend(fontsize=7)
    _epoch_axis(ax)
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def fig9_weight_gradients(stats: pd.DataFrame, scale: str | None = None, order: tuple[str, ...] = ("standard", "normalized")):
    """Fig. 9: standard-deviation intervals (mean ± std) of the weight gradients of each layer
    over training, standard initialization on top, normalized below."""
    wg = stats[stats["quantity"] == "weight_grad"]
    inits = [i for i in order if i in set(wg["init"])]
    fig, axes = plt.subplots(len(inits), 1, figsize=(7.5, 2.9 * len(inits)), squeeze=False, sharey=True)
    for ax, init in zip(axes[:, 0], inits):
        panel = wg[wg["init"] == init]
        for layer, gl in _drawable(panel, ["mean", "std"]).groupby("layer"):
            gl = gl.sort_values("epoch")
            color, _ = _style(layer)
            ax.plot(gl["epoch"], gl["mean"] + gl["std"], color=color, lw=1, label=f"Layer {layer}")
            ax.plot(gl["epoch"], gl["mean"] - gl["std"], color=color, lw=1)
        ax.axhline(0, color="0.7", lw=0.5)
        ax.set_ylabel("weight gradients")
        ax.set_title(f"tanh, {init} initialization: mean ± std of ∂C/∂W{_diverged_note(panel, ['mean', 'std'])}", fontsize=10, pad=22)
        _legend(ax, fontsize=7, loc="center right")
        _epoch_axis(ax)
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def backprop_variance(stats: pd.DataFrame, max_update: int | None = None, scale: str | None = None,
                      order: tuple[str, ...] = ("standard", "normalized")):
    """§4.3: the variance of the back-propagated gradients ∂C/∂s of each layer over the first
    updates (log scale), one panel per initialization. With the standard initialization it
    starts smaller toward the input (eq. 15); the paper says this "is reversed very quickly"."""
    bg = stats[stats["quantity"] == "backprop_grad"]
    if max_update is not None:
        bg = bg[bg["update"] <= max_update]
    inits = [i for i in order if i in set(bg["init"])]
    fig, axes = plt.subplots(1, len(inits), figsize=(5.4 * len(inits), 3.4), squeeze=False, sharey=True)
    for ax, init in zip(axes[0], inits):
        panel = bg[bg["init"] == init]
        for layer, gl in _drawable(panel, ["var"]).groupby("layer"):
            gl = gl.sort_values("update")
            color, marker = _style(layer)
            ax.plot(gl["update"], gl["var"], color=color, marker=marker, ms=3, lw=1, mfc="none", label=f"Layer {layer}")
        ax.set_yscale("log")
        ax.set_xlabel("updates")
        ax.set_title(f"tanh, {init} init: Var[∂C/∂s] per layer{_diverged_note(panel, ['var'])}", fontsize=10)
        _legend(ax, fontsize=7)
    axes[0, 0].set_ylabel("variance over units and 300 test examples")
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def variance_factor(ratio: pd.DataFrame, scale: str | None = None, order: tuple[str, ...] = ("standard", "normalized")):
    """§4.3: the growth of Var[∂C/∂s] per layer going up (``factor_per_layer`` from
    :func:`glorot.dynamics.gradient_ratio`) over training, one line per initialization: about 3
    means the shrinking toward the input of eq. (15), 1 flat, below 1 reversed."""
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    for init, color in zip(order, ("tab:red", "tab:blue")):
        g = ratio[ratio["init"] == init].sort_values("epoch")
        if len(g):
            ok = _drawable(g, ["factor_per_layer"])
            ax.plot(ok["epoch"], ok["factor_per_layer"], color=color, marker=".", ms=3, lw=1.2,
                    label=f"{init} init{_diverged_note(g, ['factor_per_layer'])}")
    ax.axhline(1, color="0.4", lw=0.8, ls="--")
    ax.set_yscale("log")
    ax.set_ylabel("Var[∂C/∂s] growth per layer upward")
    ax.legend(fontsize=8)
    _epoch_axis(ax)
    fig.tight_layout()
    _footer(fig, scale)
    return fig
