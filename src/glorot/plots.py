"""The paper's figures, drawn from the tidy tables of :mod:`glorot.experiments`, in one house
style.

One function per figure; each returns one matplotlib Figure. Where its numbers came from (the
scale and provenance line of :meth:`glorot.experiments.Result.scale`) is not drawn inside the
figure: a chapter puts it in the caption under the figure, where it can be read.

The house style, shared by :mod:`glorot.plots`, :mod:`glorot.plots_dynamics` and
:mod:`glorot.plots_errors` (every figure function is wrapped by :func:`figure_function`, which
draws it inside :func:`house_style` and leaves the caller's ``rcParams`` as they were):

* at most :data:`TEXT_WIDTH_IN` (6.8 in) wide at 100 dpi, so that the book's article column
  (740 px at a 1280 px window) shows every figure at its full size; panels are stacked, one or
  two columns, never three to six in a row;
* no text under :data:`MIN_FONT_PT` (9 pt): ticks, legends, titles, contour labels;
* the paper's layer colours and markers (:data:`LAYER_STYLE`, from its Figs. 2-4 and 6-10):
  layer 1 red triangles, 2 green circles, 3 blue crosses, 4 black pluses, 5 cyan squares, in
  every per-layer figure; the two initializations in :data:`INIT_STYLE`;
* legends outside the data: one legend for the figure, above (or below) its panels;
* each panel its own ranges, unless the panels are meant to be compared (the function's
  docstring says so, as where the paper's own panels share an axis).
"""

from __future__ import annotations

import functools
import textwrap
from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

TEXT_WIDTH_IN = 6.8
"""Width of every figure (inches): the article column is 740 px wide at a 1280 px window and
figures are shown at 100 dpi, so 6.8 in (680 px) shows at full size (7.0 in at most)."""

MAX_WIDTH_IN = 7.0
"""The widest a figure may be and still show at full size in the article column."""

MIN_FONT_PT = 9.0
"""The smallest text a figure holds (points, at 100 dpi: 12.5 px)."""

DPI = 100

HOUSE_RC = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.constrained_layout.use": True,
    "font.size": 9.5,
    "axes.titlesize": 10,
    "axes.labelsize": 9.5,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "legend.title_fontsize": MIN_FONT_PT,
    "legend.frameon": False,
    "legend.handlelength": 1.8,
    "legend.columnspacing": 1.4,
    "figure.titlesize": 10.5,
    "figure.labelsize": 9.5,
    "lines.linewidth": 1.3,
    "axes.titlepad": 5,
}
"""The house style's ``rcParams`` (see the module docstring)."""

LAYER_STYLE = {1: ("tab:red", ">"), 2: ("tab:green", "o"), 3: ("tab:blue", "x"), 4: ("black", "+"), 5: ("tab:cyan", "s")}
"""The paper's layer colours and markers (Figs. 2-4, 6-10): layer -> (colour, marker)."""

INIT_STYLE = {"standard": "tab:red", "normalized": "tab:blue"}
"""The colour of each initialization (eq. 1 standard, eq. 16 normalized) wherever the two are
drawn side by side."""


def layer_style(layer: int) -> tuple[str, str]:
    """The paper's colour and marker of hidden layer ``layer`` (grey dots beyond layer 5)."""
    return LAYER_STYLE.get(int(layer), ("0.4", "."))


def init_color(init: str, i: int = 0) -> str:
    """The colour of initialization ``init`` (the ``i``-th drawn, if it is neither of the two)."""
    return INIT_STYLE.get(init, f"C{i + 2}")


@contextmanager
def house_style():
    """Draw inside the house style (:data:`HOUSE_RC`); the caller's ``rcParams`` come back after."""
    with plt.rc_context(HOUSE_RC):
        yield


def _all_axes(fig) -> list:
    """Every Axes of ``fig``, with those of its subfigures and the child axes (secondary axes)."""
    out, stack = [], list(fig.axes)
    for sf in fig.subfigs:
        stack += [a for a in sf.axes if a not in stack]
    while stack:
        ax = stack.pop(0)
        if ax not in out:
            out.append(ax)
            stack += list(getattr(ax, "child_axes", []))
    return out


def _finish(fig) -> None:
    """Tick labels keep the house size when Matplotlib makes new ticks at draw time (after the
    style's context has closed)."""
    for ax in _all_axes(fig):
        ax.tick_params(axis="both", which="both", labelsize=MIN_FONT_PT)
        if hasattr(ax, "zaxis"):
            ax.tick_params(axis="z", which="both", labelsize=MIN_FONT_PT)


def figure_function(fn):
    """Make ``fn`` a house-style figure function: drawn inside :func:`house_style`, finished
    by the house rules, marked ``_house_figure`` (the tests find every figure by it)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with house_style():
            fig = fn(*args, **kwargs)
            _finish(fig)
        return fig

    wrapper._house_figure = True
    return wrapper


def _figure(height: float, width: float = TEXT_WIDTH_IN, **kw):
    """A house-style Figure ``width`` x ``height`` inches, laid out by constrained layout."""
    return plt.figure(figsize=(width, height), layout="constrained", **kw)


def _subplots(nrows: int = 1, ncols: int = 1, height: float = 3.2, width: float = TEXT_WIDTH_IN, **kw):
    """``plt.subplots`` in the house style (axes always a 2-D array)."""
    return plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", squeeze=False, **kw)


def _wrap(text: str, chars: int) -> str:
    """``text`` broken into lines of at most ``chars`` characters (a title too long for its panel)."""
    return "\n".join(textwrap.fill(line, chars, break_on_hyphens=False) for line in str(text).split("\n"))


def _unique_handles(axes) -> tuple[list, list]:
    """The labelled artists of ``axes``, each label once, in the order they were drawn."""
    seen, handles, labels = set(), [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in seen and not lab.startswith("_"):
                seen.add(lab)
                handles.append(h)
                labels.append(lab)
    return handles, labels


def _figure_legend(fig, handles=None, labels=None, loc: str = "outside upper center", ncol: int | None = None,
                   by_column: bool = False, **kw):
    """One legend for the whole figure, outside its panels (above them by default), its entries
    read row by row (column by column with ``by_column``); built from the labelled artists of every axes when ``handles`` is None.
    Nothing when nothing is labelled."""
    if handles is None:
        handles, labels = _unique_handles([a for a in _all_axes(fig) if hasattr(a, "get_legend_handles_labels")])
    elif labels is None:
        labels = [h.get_label() for h in handles]
    if not handles:
        return None
    ncol = ncol or min(len(handles), 5)
    # Matplotlib fills a legend column by column; reorder so that it reads row by row, in order.
    order = list(range(len(handles))) if by_column else [i for j in range(ncol) for i in range(j, len(handles), ncol)]
    return fig.legend([handles[i] for i in order], [labels[i] for i in order], loc=loc, ncol=ncol, **kw)


def layer_handles(layers, marker: bool = False, lw: float = 1.3) -> list:
    """Legend entries ``Layer k`` in the paper's colours (and markers, with ``marker``)."""
    out = []
    for k in layers:
        color, m = layer_style(k)
        out.append(Line2D([], [], color=color, lw=lw, marker=m if marker else None, ms=5, mfc="none", label=f"Layer {k}"))
    return out


def _undrawable(df: pd.DataFrame, columns) -> np.ndarray:
    """Rows that are no data: marked ``diverged`` (a column that archived results lack) or
    not finite in ``columns``."""
    bad = ~np.isfinite(df[list(columns)].to_numpy(dtype=float)).all(axis=1)
    if "diverged" in df:
        bad |= df["diverged"].fillna(False).to_numpy(dtype=bool)
    return bad


def _drawable(df: pd.DataFrame, columns) -> pd.DataFrame:
    """The rows of ``df`` to draw as data: not from a diverged model, finite in ``columns``."""
    return df[~_undrawable(df, columns)]


def _diverged_note(df: pd.DataFrame, columns) -> str:
    """``" (diverged)"`` (with the first epoch, where known) when some rows of ``df`` are
    not drawable, for the panel title or legend entry of a model that diverged; else ``""``."""
    bad = _undrawable(df, columns)
    if not bad.any():
        return ""
    if "epoch" in df:
        return f" (diverged at epoch {df['epoch'].to_numpy()[bad].min():.3g})"
    return " (diverged)"


def _histogram_range(panel: pd.DataFrame, mass: float = 0.995) -> tuple[float, float] | None:
    """The x range that holds the central ``mass`` of every layer's histogram in ``panel``
    (columns ``layer``, ``center``, ``density``), symmetric about 0 when it straddles 0 (as the
    paper's Figs. 6-8), padded by 5% and kept within the bins; None when nothing is drawable."""
    lo, hi = np.inf, -np.inf
    for _, g in panel.groupby("layer"):
        g = g.sort_values("center")
        w = g["density"].to_numpy(dtype=float).clip(min=0)
        if w.sum() <= 0:
            continue
        cdf = np.cumsum(w) / w.sum()
        c = g["center"].to_numpy(dtype=float)
        lo = min(lo, c[min(np.searchsorted(cdf, (1 - mass) / 2), len(c) - 1)])
        hi = max(hi, c[min(np.searchsorted(cdf, 1 - (1 - mass) / 2), len(c) - 1)])
    if not np.isfinite([lo, hi]).all() or hi <= lo:
        return None
    if lo < 0 < hi:
        lo, hi = -max(-lo, hi), max(-lo, hi)
    pad = 0.05 * (hi - lo)
    return max(lo - pad, panel["center"].min()), min(hi + pad, panel["center"].max())


def _shape_label(name: str) -> str:
    """A Shapeset class name in lines that fit the 0.85 in column of :func:`shapeset_grid` at 9 pt."""
    return name.replace("+", "+\n").replace("two ", "two\n").replace("parallelogram", "parallelo-\ngram")


@figure_function
def shapeset_grid(blocks, label_names, n_cols: int = 8, n_rows: int = 2):
    """Fig. 1 (top): Shapeset-3x2 images with their labels, one block per ``(x, y, title)`` in
    ``blocks`` (images ``[n, side²]`` flattened row by row, e.g. the 32x32 images training uses
    and the same seed drawn at 64x64 by the generator, as the paper shows them). The first
    block takes one row of ``n_cols`` images, drawn small; each later block ``n_rows`` rows,
    drawn larger. Each image is shown at its own pixels, no interpolation."""
    blocks = list(blocks)
    heights = [1.08] + [0.35 + 1.25 * n_rows] * (len(blocks) - 1)  # a titled row of small images 1.08 in, large 1.25 in
    fig = plt.figure(figsize=(TEXT_WIDTH_IN, sum(heights)), layout="constrained")
    sub = fig.subfigures(len(blocks), 1, height_ratios=heights, squeeze=False)[:, 0]
    for b, (sf, (x, y, title)) in enumerate(zip(sub, blocks)):
        rows = 1 if b == 0 else n_rows
        side = int(round(x.shape[1] ** 0.5))
        imgs = x[: rows * n_cols].reshape(-1, side, side).cpu().numpy()
        axes = sf.subplots(rows, n_cols, squeeze=False)
        for i, ax in enumerate(axes.flat):
            ax.imshow(imgs[i], cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(_shape_label(label_names[int(y[i])]), fontsize=MIN_FONT_PT, linespacing=1.0, pad=2)
        sf.suptitle(title, fontsize=9.5)
    return fig


@figure_function
def class_frequencies(freq: pd.DataFrame):
    """The Shapeset class frequencies (§2.1, the nine classes of Fig. 1) measured beside the
    theory, with ±2 standard errors; horizontal bars, so that the class names stay level."""
    fig, axes = _subplots(height=3.9)
    ax = axes[0, 0]
    pos = np.arange(len(freq))[::-1]
    ax.barh(pos + 0.2, freq["frequency"], height=0.4, label="measured (±2 standard errors)", color="tab:blue")
    ax.barh(pos - 0.2, freq["theory"], height=0.4, label="theory (no rejections)", color="0.7")
    ax.errorbar(freq["frequency"], pos + 0.2, xerr=2 * freq["std_error"], fmt="none", color="k", lw=1)
    ax.set_yticks(pos, freq["name"])
    ax.set_xlabel("share of images")
    _figure_legend(fig, ncol=2)
    return fig


@figure_function
def layer_histograms(hist: pd.DataFrame, quantity: str, title: str, xlabel: str, row: str = "init", xlim=None):
    """Figs. 6, 7 and 8: normalized histograms of ``quantity``, one line per layer, one panel
    per value of ``row`` (standard initialization on top, normalized below, as in the paper).
    Each panel has its own x range (the central 99.5% of its histograms, as the paper's panels
    differ: ±0.2 and ±0.3 in Fig. 7) and y range, unless ``xlim`` is given. A diverged model's
    rows are not drawn; its panel's title says "diverged"."""
    df = hist[hist["quantity"] == quantity]
    rows = list(dict.fromkeys(df[row]))
    layers = sorted(df["layer"].unique())
    fig, axes = _subplots(len(rows), 1, height=0.6 + 2.5 * len(rows))
    for ax, r in zip(axes[:, 0], rows):
        panel = df[df[row] == r]
        ok = _drawable(panel, ["center", "density"])
        for k in layers:
            g = ok[ok["layer"] == k].sort_values("center")
            ax.plot(g["center"], g["density"], color=layer_style(k)[0], lw=1.3)
        ax.set_title(_wrap(f"{title}: {r}{_diverged_note(panel, ['center', 'density'])}", 80))
        ax.set_ylabel("density")
        ax.set_xlabel(xlabel)
        span = xlim if xlim is not None else (_histogram_range(ok) if len(ok) else None)
        if span is not None:
            ax.set_xlim(*span)
    _figure_legend(fig, layer_handles(layers))
    return fig


@figure_function
def jacobian_singular_values(jac: pd.DataFrame, paper: dict[str, float]):
    """§4.2.2, eq. (17): the mean singular value of each layer's Jacobian, per initialization
    (bars: mean ± sd over examples), with the paper's single reported values as dashed lines
    (about 0.5 standard, 0.8 normalized). Diverged models are left out, and the title says so."""
    fig, axes = _subplots(height=3.4)
    ax = axes[0, 0]
    ok = _drawable(jac, ["mean_singular_value"])
    inits = list(dict.fromkeys(jac["init"]))
    layers = sorted(jac["layer"].unique())
    width = 0.8 / max(len(inits), 1)
    handles = []
    for i, init in enumerate(inits):
        g = ok[ok["init"] == init].groupby("layer")["mean_singular_value"].agg(["mean", "std"]).reindex(layers)
        at = np.arange(len(layers)) + (i - (len(inits) - 1) / 2) * width
        handles.append(ax.bar(at, g["mean"], width=width, yerr=g["std"], color=init_color(init, i), alpha=0.8, capsize=2,
                              error_kw={"lw": 1}, label=f"{init}: ours (mean ± sd)"))
    for i, (init, value) in enumerate(paper.items()):
        handles.append(ax.axhline(value, ls="--", color=init_color(init, i), lw=1.2, label=f"{init}: paper, about {value:g}"))
    ax.set_xticks(np.arange(len(layers)), [str(k) for k in layers])
    note = _diverged_note(jac, ["mean_singular_value"])
    if note:
        ax.set_title(f"some models left out{note}")
    ax.set_ylabel("mean singular value of $J^i$")
    ax.set_xlabel("layer i")
    _figure_legend(fig, handles, ncol=2)
    return fig


@figure_function
def variance_check(var: pd.DataFrame):
    """§4.2.1: the measured per-layer variances against eqs. (5) and (6), log scale, one panel
    per quantity (two columns; each its own y range); a diverged model's measurements are not
    drawn and its legend entry says so."""
    quantities = list(dict.fromkeys(var["quantity"]))
    ncol = min(len(quantities), 2)
    nrow = -(-len(quantities) // ncol)
    fig, axes = _subplots(nrow, ncol, height=0.8 + 2.7 * nrow)
    for ax in axes.flat[len(quantities):]:
        ax.set_visible(False)
    for ax, q in zip(axes.flat, quantities):
        for i, (init, g) in enumerate(var[var["quantity"] == q].groupby("init", sort=False)):
            color = init_color(init, i)
            ok = _drawable(g, ["measured"])
            ax.plot(ok["layer"], ok["measured"], "o", color=color, label=f"{init}: measured{_diverged_note(g, ['measured'])}")
            ax.plot(g["layer"], g["predicted"], "-", color=color, lw=1, label=f"{init}: equation")
        ax.set_yscale("log")
        ax.set_title(q)
        ax.set_xlabel("layer")
        ax.set_xticks(sorted(var["layer"].unique()))
    _figure_legend(fig, ncol=2)
    return fig
