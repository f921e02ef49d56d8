"""The paper's training-dynamics figures (2, 3, 4, 5, 9, 10) from the tidy tables of
:mod:`glorot.experiments.saturation`, :mod:`~glorot.experiments.cost` and
:mod:`~glorot.experiments.gradients`, one function per figure, in the house
style of :mod:`glorot.plots` (at most 6.8 in wide, no text under 9 pt, legends outside the
panels, panels stacked).

Every function returns one matplotlib Figure; the scale and provenance of its numbers go into
the chapter's caption, not into the figure. Layers keep the paper's colours and markers
(:data:`glorot.plots.LAYER_STYLE`: layer 1 red triangles, 2 green circles, 3 blue crosses, 4
black pluses, 5 cyan squares), and time runs in the paper's unit, epochs of 20k updates, with
updates on the top axis, so a figure can be laid beside the paper's. Rows of a diverged model
(``diverged`` True, where the column exists, or NaN values) are not drawn, and its panel's
title says "diverged" and from which epoch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .plots import (LAYER_STYLE, MIN_FONT_PT, _diverged_note, _drawable, _figure, _figure_legend, _subplots,
                    _wrap, figure_function, init_color, layer_handles, layer_style)
from .probes import SATURATION_DERIVATIVE
from .train import UPDATES_PER_EPOCH

__all__ = ["LAYER_STYLE", "backprop_variance", "cost_curves", "fig2_sigmoid", "fig3_percentiles", "fig4_histograms",
           "fig5_contours", "fig5_surfaces", "fig9_weight_gradients", "output_terms", "variance_factor"]


def _style(layer: int):
    return layer_style(layer)


def _updates_label(u, _pos=None) -> str:
    return "0" if u == 0 else (f"{u / 1e6:g}M" if abs(u) >= 1e6 else f"{u / 1e3:g}k")


def _epoch_axis(ax, label: bool = True) -> None:
    """Epochs of 20k updates below (the paper's unit), updates above (as 20k, 40k, ...)."""
    if label:
        ax.set_xlabel("epochs of 20k mini-batch updates")
    top = ax.secondary_xaxis("top", functions=(lambda e: e * UPDATES_PER_EPOCH, lambda u: u / UPDATES_PER_EPOCH))
    top.set_xlabel("updates", fontsize=MIN_FONT_PT)
    top.xaxis.set_major_locator(MaxNLocator(nbins=5))
    top.xaxis.set_major_formatter(FuncFormatter(_updates_label))
    top.tick_params(labelsize=MIN_FONT_PT)


def _activation(stats: pd.DataFrame) -> pd.DataFrame:
    return stats[stats["quantity"] == "activation"] if "quantity" in stats else stats


@figure_function
def fig2_sigmoid(stats: pd.DataFrame, events: pd.DataFrame | None = None, n_bars: int = 40):
    """Fig. 2: mean (line) and standard deviation (vertical bars) of each sigmoid layer's
    activations over training, one panel per depth (stacked; each 0 to 1, as the paper's); the
    top layer's fall below 0.1 and its desaturation (``events``, from
    :func:`glorot.experiments.saturation.top_layer_events`) marked by vertical lines that the
    legend names."""
    act = _activation(stats)
    depths = sorted(act["depth"].unique())
    fig, axes = _subplots(len(depths), 1, height=0.7 + 2.7 * len(depths))
    marks = {}
    for ax, depth in zip(axes[:, 0], depths):
        panel = act[act["depth"] == depth]
        g = _drawable(panel, ["mean", "std"])
        for layer, gl in g.groupby("layer"):
            gl = gl.sort_values("epoch")
            color, _ = _style(layer)
            ax.plot(gl["epoch"], gl["mean"], color=color, lw=1.3)
            step = max(1, len(gl) // n_bars)
            sub = gl.iloc[::step]
            ax.errorbar(sub["epoch"], sub["mean"], yerr=sub["std"], fmt="none", ecolor=color, elinewidth=0.7, alpha=0.6)
        if events is not None:
            for _, e in events[events["depth"] == depth].iterrows():
                if pd.notna(e["fall_epoch"]):
                    ax.axvline(e["fall_epoch"], color="0.3", ls=":", lw=1.2)
                    marks["fall"] = Line2D([], [], color="0.3", ls=":", lw=1.2, label="top layer's mean < 0.1")
                if pd.notna(e.get("desaturated_epoch", np.nan)):
                    ax.axvline(e["desaturated_epoch"], color="0.3", ls="--", lw=1.2)
                    marks["desat"] = Line2D([], [], color="0.3", ls="--", lw=1.2, label="top layer desaturates")
        ax.axhline(0.1, color="0.6", lw=0.6)
        ax.set_ylim(-0.05, 1.05)
        ax.set_ylabel("activation value")
        ax.set_title(f"sigmoid, {depth} hidden layers{_diverged_note(panel, ['mean', 'std'])}")
        _epoch_axis(ax)
    layers = sorted(act["layer"].unique())
    handles = layer_handles(layers) + [marks[k] for k in ("fall", "desat") if k in marks]
    _figure_legend(fig, handles, ncol=4 if len(handles) > 5 else None)
    return fig


OUTPUT_TERMS = {"bias": ("tab:orange", "-", "b (biases)"),
                "mean_input": ("tab:purple", "-", "W E[h] (same for every image)"),
                "input_dependent": ("tab:blue", "-", "W (h − E[h]) (depends on the image)"),
                "total": ("0.5", ":", "s = b + W h")}
"""The parts of the softmax input drawn by :func:`output_terms`: term -> (colour, line style, label)."""


@figure_function
def output_terms(output: pd.DataFrame, top_mean: pd.DataFrame | None = None):
    """§3.1's explanation of Fig. 2, measured: the size (root of the class-centred mean square
    over the test examples, log scale) of each part of the softmax input ``s = b + W h``: the
    biases, the example-independent ``W E[h]``, the example-dependent ``W (h - E[h])`` and the
    whole (see :func:`glorot.probes.output_decomposition`), over training, one panel per depth
    (stacked, each its own y range); the top hidden layer's mean activation on the right axis."""
    columns = ["rms"]
    depths = sorted(output["depth"].unique())
    fig, axes = _subplots(len(depths), 1, height=0.9 + 2.7 * len(depths))
    extra = []
    for ax, depth in zip(axes[:, 0], depths):
        panel = output[output["depth"] == depth]
        g = _drawable(panel, columns)
        for term, (color, ls, label) in OUTPUT_TERMS.items():
            gt = g[g["term"] == term].sort_values("epoch")
            ax.plot(gt["epoch"], gt["rms"].clip(lower=1e-6), color=color, ls=ls, lw=1.4, label=label)
        ax.set_yscale("log")
        ax.set_title(f"sigmoid, {depth} hidden layers: the softmax's input{_diverged_note(panel, columns)}")
        ax.set_ylabel("class-centred RMS")
        _epoch_axis(ax)
        if top_mean is not None:
            t = _drawable(top_mean[top_mean["depth"] == depth], ["mean"]).sort_values("epoch")
            ax2 = ax.twinx()
            ax2.plot(t["epoch"], t["mean"], color="k", ls="--", lw=1)
            ax2.set_ylim(0, 1)
            ax2.set_ylabel("top layer's mean")
            extra = [Line2D([], [], color="k", ls="--", lw=1, label="top hidden layer's mean activation (right axis)")]
    handles = [Line2D([], [], color=c, ls=ls, lw=1.4, label=label) for c, ls, label in OUTPUT_TERMS.values()] + extra
    _figure_legend(fig, handles, ncol=2)
    return fig


@figure_function
def fig3_percentiles(stats: pd.DataFrame, panels: dict[str, pd.DataFrame] | None = None, n_markers: int = 30,
                     saturation: bool = False):
    """Figs. 3 and 10: 98th and 2nd percentiles (markers alone) and standard deviation (lines
    with markers, plotted at +std and -std) of each layer's activations over training, one row
    per entry of ``panels`` (title -> rows of ``stats``; default one per activation), each -1 to
    1 as the paper's. With ``saturation``, a second column shows the share of saturated units
    (derivative below 4% of its peak, :func:`glorot.probes.saturation_threshold`) per layer."""
    panels = panels or {a: g for a, g in _activation(stats).groupby("activation", sort=False)}
    ncol = 2 if saturation else 1
    fig = _figure(0.8 + 2.75 * len(panels))
    rows = fig.subfigures(len(panels), 1, squeeze=False)[:, 0] if len(panels) > 1 else [fig.subfigures(1, 1)]
    columns = ["p98", "p2", "std"]
    layers = set()
    for sf, (title, panel) in zip(rows, panels.items()):
        axes = sf.subplots(1, ncol, squeeze=False)[0]
        ax = axes[0]
        panel = _activation(panel)
        g = _drawable(panel, columns)
        for layer, gl in g.groupby("layer"):
            layers.add(layer)
            gl = gl.sort_values("epoch")
            color, marker = _style(layer)
            step = max(1, len(gl) // n_markers)
            sub = gl.iloc[::step]
            ax.plot(sub["epoch"], sub["p98"], ls="none", marker=marker, color=color, ms=4, mfc="none")
            ax.plot(sub["epoch"], sub["p2"], ls="none", marker=marker, color=color, ms=4, mfc="none")
            ax.plot(gl["epoch"], gl["std"], color=color, lw=1.2)
            ax.plot(gl["epoch"], -gl["std"], color=color, lw=1.2)
            ax.plot(sub["epoch"], sub["std"], ls="none", marker=marker, color=color, ms=3)
            ax.plot(sub["epoch"], -sub["std"], ls="none", marker=marker, color=color, ms=3)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("activation value")
        _epoch_axis(ax)
        if saturation:  # the row's title above its two panels
            ax.set_title("percentiles and ±std")
            sf.suptitle(_wrap(f"{title}{_diverged_note(panel, columns)}", 80), fontsize=10)
        else:
            ax.set_title(_wrap(f"{title}{_diverged_note(panel, columns)}", 80))
        if saturation:
            ax = axes[1]
            for layer, gl in _drawable(g, ["saturated"]).groupby("layer"):
                gl = gl.sort_values("epoch")
                ax.plot(gl["epoch"], gl["saturated"], color=_style(layer)[0], lw=1.2)
            ax.set_ylim(-0.02, 1.02)
            ax.set_ylabel("share saturated")
            ax.set_title(f"units with f′(s) < {100 * SATURATION_DERIVATIVE:g}% of its peak")
            _epoch_axis(ax)
    handles = layer_handles(sorted(layers), marker=True) + [
        Line2D([], [], ls="none", marker="o", mfc="none", color="0.3", ms=5, label="98th and 2nd percentiles"),
        Line2D([], [], color="0.3", lw=1.2, marker="o", ms=3, label="+std and −std")]
    _figure_legend(fig, handles, ncol=4)
    return fig


@figure_function
def fig4_histograms(hist: pd.DataFrame, order: tuple[str, ...] = ("tanh", "softsign")):
    """Fig. 4: normalized histograms of each layer's activations at the end of training
    (over units and the 300 test examples), one panel per activation (tanh on top, softsign
    below, as in the paper; both from -1 to 1, each its own y range)."""
    last = hist[hist["update"] == hist["update"].max()]
    acts = [a for a in order if a in set(last["activation"])] + sorted(set(last["activation"]) - set(order))
    fig, axes = _subplots(len(acts), 1, height=0.6 + 2.5 * len(acts), sharex=True)
    for ax, act in zip(axes[:, 0], acts):
        panel = last[last["activation"] == act]
        g = _drawable(panel, ["center", "density"])
        for layer, gl in g.groupby("layer"):
            gl = gl.sort_values("center")
            color, marker = _style(layer)
            ax.plot(gl["center"], gl["density"], color=color, lw=1, marker=marker, ms=3.5, mfc="none", markevery=3)
        ax.set_ylabel("density")
        ax.set_title(f"{act}: activation values at the end of training{_diverged_note(panel, ['center', 'density'])}")
    axes[-1, 0].set_xlabel("activation value")
    axes[-1, 0].set_xlim(-1, 1)
    _figure_legend(fig, layer_handles(sorted(last["layer"].unique()), marker=True))
    return fig


def _grid(surf: pd.DataFrame, column: str):
    w1 = np.sort(surf["w1"].unique())
    w2 = np.sort(surf["w2"].unique())
    g = surf.sort_values(["w1", "w2"])
    return w1, w2, g[column].to_numpy().reshape(len(w1), len(w2))


COST_COLORS = {"cross_entropy": "black", "quadratic": "tab:red"}
"""Fig. 5's colours: cross-entropy black, quadratic red."""

COST_NAMES = {"cross_entropy": "cross-entropy", "quadratic": "quadratic"}


@figure_function
def fig5_surfaces(surf: pd.DataFrame, stride: int = 2):
    """Fig. 5 as in the paper: the cross-entropy (black, on top) and quadratic (red, below)
    cost surfaces as wireframes over (W1, W2) on one 3-D axis."""
    fig = _figure(4.8)
    ax = fig.add_subplot(111, projection="3d")
    drawn = []
    for cost_fn in ("quadratic", "cross_entropy"):
        g = surf[surf["cost_fn"] == cost_fn]
        if g.empty:
            continue
        w1, w2, c = _grid(g, "cost")
        W1, W2 = np.meshgrid(w1, w2, indexing="ij")
        ax.plot_wireframe(W1, W2, c, rstride=stride, cstride=stride, color=COST_COLORS[cost_fn], lw=0.5)
        drawn.append(Line2D([], [], color=COST_COLORS[cost_fn], lw=1.2, label=COST_NAMES[cost_fn]))
    ax.set_xlabel("W1 (first layer)", labelpad=10)
    ax.set_ylabel("W2 (output layer)", labelpad=16)
    ax.set_zlabel("cost", labelpad=6)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_rotate_label(False)  # level labels: their boxes stay clear of the tick labels
    ax.view_init(elev=22, azim=-130)
    ax.set_box_aspect(None, zoom=0.95)
    _figure_legend(fig, drawn[::-1], ncol=2)
    return fig


@figure_function
def fig5_contours(surf: pd.DataFrame, flat_threshold: float = 0.01):
    """Fig. 5 as contour maps, one panel per cost (two columns, the same W1-W2 square), with
    the grid points where the gradient norm is below ``flat_threshold`` (the plateaus) shaded;
    every other contour is labelled, at 9 pt."""
    costs = [c for c in ("cross_entropy", "quadratic") if c in set(surf["cost_fn"])]
    fig, axes = _subplots(1, len(costs), height=3.9, sharey=True)
    for ax, cost_fn in zip(axes[0], costs):
        g = surf[surf["cost_fn"] == cost_fn]
        w1, w2, c = _grid(g, "cost")
        _, _, gn = _grid(g, "grad_norm")
        W1, W2 = np.meshgrid(w1, w2, indexing="ij")
        ax.contourf(W1, W2, (gn < flat_threshold).astype(float), levels=[0.5, 1.5], colors=["#f4c7c3"])
        cs = ax.contour(W1, W2, c, levels=10, colors=COST_COLORS.get(cost_fn, "0.3"), linewidths=0.8)
        ax.clabel(cs, cs.levels[1::2], fontsize=MIN_FONT_PT, fmt="%.2g", inline_spacing=2)
        share = float((gn < flat_threshold).mean())
        ax.set_title(f"{COST_NAMES.get(cost_fn, cost_fn)}\nshaded: |∇| < {flat_threshold:g} ({100 * share:.1f}% of the grid)")
        ax.set_xlabel("W1 (first layer)")
        ax.set_aspect("equal")
    axes[0, 0].set_ylabel("W2 (output layer)")
    return fig


@figure_function
def cost_curves(curves: pd.DataFrame, best: pd.DataFrame, split: str = "test"):
    """§4.1 (no figure in the paper): test error over training for each cost, every learning
    rate (thin) and the one chosen on validation error (thick); the legend, below the axes,
    has one column per cost."""
    df = curves[curves["split"] == split]
    fig, axes = _subplots(height=4.6)
    ax = axes[0, 0]
    handles = []
    for (cost_fn, lr), g in df.groupby(["cost_fn", "lr"]):
        g = g.sort_values("epoch")
        chosen = bool(((best["cost_fn"] == cost_fn) & np.isclose(best["lr"], lr)).any())
        (line,) = ax.plot(g["epoch"], 100 * g["error"], color=COST_COLORS.get(cost_fn, "0.4"), lw=2.2 if chosen else 0.8,
                          alpha=1 if chosen else 0.45,
                          label=f"{COST_NAMES.get(cost_fn, cost_fn)}, lr {lr:g}" + (" (chosen on validation)" if chosen else ""))
        handles.append(line)
    ax.set_ylabel(f"{split} error (%)")
    _epoch_axis(ax)
    n_costs = df["cost_fn"].nunique()
    _figure_legend(fig, handles, loc="outside lower center", ncol=max(n_costs, 1), by_column=True)
    return fig


@figure_function
def fig9_weight_gradients(stats: pd.DataFrame, order: tuple[str, ...] = ("standard", "normalized")):
    """Fig. 9: standard-deviation intervals (mean ± std) of the weight gradients of each layer
    over training, standard initialization on top, normalized below. Each panel has the y range
    of its own data, and its title says so: the paper's two panels share one (±0.05), but ours
    differ by an order of magnitude, and a shared range flattened the standard panel's five
    layers into one band, hiding the ordering the figure is about (the spread across layers is
    compared in numbers, in the chapter's table)."""
    wg = stats[stats["quantity"] == "weight_grad"]
    inits = [i for i in order if i in set(wg["init"])]
    fig, axes = _subplots(len(inits), 1, height=0.7 + 2.7 * len(inits), sharey=False)
    for ax, init in zip(axes[:, 0], inits):
        panel = wg[wg["init"] == init]
        for layer, gl in _drawable(panel, ["mean", "std"]).groupby("layer"):
            gl = gl.sort_values("epoch")
            color, _ = _style(layer)
            ax.plot(gl["epoch"], gl["mean"] + gl["std"], color=color, lw=1)
            ax.plot(gl["epoch"], gl["mean"] - gl["std"], color=color, lw=1)
        ax.axhline(0, color="0.7", lw=0.5)
        ax.set_ylabel("weight gradients")
        ax.set_title(f"tanh, {init} initialization: mean ± std of ∂C/∂W (own y range)"
                     f"{_diverged_note(panel, ['mean', 'std'])}")
        _epoch_axis(ax)
    _figure_legend(fig, layer_handles(sorted(wg["layer"].unique())))
    return fig


@figure_function
def backprop_variance(stats: pd.DataFrame, max_update: int | None = None, order: tuple[str, ...] = ("standard", "normalized")):
    """§4.3 (Fig. 7 followed over training): the variance of the back-propagated gradients
    ∂C/∂s of each layer over the first updates (log scale), one panel per initialization,
    stacked, each its own y range. With the standard initialization it starts smaller toward
    the input (eq. 15); the paper says this "is reversed very quickly"."""
    bg = stats[stats["quantity"] == "backprop_grad"]
    if max_update is not None:
        bg = bg[bg["update"] <= max_update]
    inits = [i for i in order if i in set(bg["init"])]
    fig, axes = _subplots(len(inits), 1, height=0.7 + 2.5 * len(inits), sharex=True)
    for ax, init in zip(axes[:, 0], inits):
        panel = bg[bg["init"] == init]
        for layer, gl in _drawable(panel, ["var"]).groupby("layer"):
            gl = gl.sort_values("update")
            color, marker = _style(layer)
            ax.plot(gl["update"], gl["var"], color=color, marker=marker, ms=3, lw=1, mfc="none")
        ax.set_yscale("log")
        ax.set_title(f"tanh, {init} initialization: Var[∂C/∂s] per layer{_diverged_note(panel, ['var'])}")
        ax.set_ylabel("variance")
    axes[-1, 0].set_xlabel("updates (variance over units and 300 test examples)")
    _figure_legend(fig, layer_handles(sorted(bg["layer"].unique()), marker=True))
    return fig


@figure_function
def variance_factor(ratio: pd.DataFrame, order: tuple[str, ...] = ("standard", "normalized")):
    """§4.3: the growth of Var[∂C/∂s] per layer going up (``factor_per_layer`` from
    :func:`glorot.experiments.gradients.gradient_ratio`) over training, one line per
    initialization: about 3 means the shrinking toward the input of eq. (15), 1 flat, below 1
    reversed."""
    fig, axes = _subplots(height=3.4)
    ax = axes[0, 0]
    for i, init in enumerate(order):
        g = ratio[ratio["init"] == init].sort_values("epoch")
        if len(g):
            ok = _drawable(g, ["factor_per_layer"])
            ax.plot(ok["epoch"], ok["factor_per_layer"], color=init_color(init, i), marker=".", ms=3, lw=1.2,
                    label=f"{init} initialization{_diverged_note(g, ['factor_per_layer'])}")
    ax.axhline(1, color="0.4", lw=0.8, ls="--", label="1 (no change from layer to layer)")
    ax.set_yscale("log")
    ax.set_ylabel("Var[∂C/∂s] growth per layer up")
    _epoch_axis(ax)
    _figure_legend(fig, ncol=3)
    return fig

