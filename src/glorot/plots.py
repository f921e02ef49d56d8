"""The paper's figures, drawn from the tidy tables of :mod:`glorot.experiments`.

One function per figure; each returns the matplotlib Figure and takes a ``scale`` string
(from :meth:`glorot.experiments.Result.scale`) that is printed under the figure, so no
figure leaves the package without saying where its numbers came from.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

LAYER_PALETTE = "viridis"


def _footer(fig, scale: str | None) -> None:
    if scale:
        fig.text(0.01, -0.02, textwrap.fill(scale, 150), ha="left", va="top", fontsize=7, color="0.35")


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


def _legend(ax, **kw) -> None:
    """The axis's legend, when something labelled was drawn (a diverged model's panel may be
    empty)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**kw)


def shapeset_grid(x, y, label_names, n_cols: int = 8, n_rows: int = 2, enlarged: int = 64, scale: str | None = None):
    """Fig. 1: Shapeset-3x2 images with their labels, at 32x32 (top block) and enlarged to
    ``enlarged`` pixels by pixel repetition (bottom block, as the paper shows them at 64x64)."""
    n = n_cols * n_rows
    imgs = x[:n].reshape(n, 32, 32).cpu().numpy()
    fig = plt.figure(figsize=(n_cols * 1.25, n_rows * 2 * 1.45 + 0.6))
    sub = fig.subfigures(2, 1, height_ratios=[1, 2.1])
    for block, (sf, size) in enumerate(zip(sub, (32, enlarged))):
        rep = size // 32
        h = n_rows if block == 1 else 1
        # The 32x32 block gets axes half as wide (wide gaps), so both blocks keep the images'
        # relative sizes: the enlarged images are drawn twice as large.
        axes = sf.subplots(h, n_cols, squeeze=False, gridspec_kw={"wspace": 1.1 if size == 32 else 0.15})
        for i, ax in enumerate(axes.flat):
            img = np.kron(imgs[i], np.ones((rep, rep)))
            # Shown at the image's own pixel size: 32x32 or enlarged, no interpolation.
            ax.imshow(img, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(label_names[int(y[i])].replace("+", "+\n"), fontsize=6.5 if size == 32 else 7.5)
        sf.suptitle(f"{size}x{size}" + (" (as used)" if size == 32 else " (enlarged, as in the paper's Fig. 1)"), fontsize=9)
    _footer(fig, scale)
    return fig


def class_frequencies(freq: pd.DataFrame, scale: str | None = None):
    """Measured Shapeset class frequencies beside the theory, with +-2 standard errors."""
    fig, ax = plt.subplots(figsize=(8, 3.2))
    pos = np.arange(len(freq))
    ax.bar(pos - 0.2, freq["frequency"], width=0.4, label="measured")
    ax.bar(pos + 0.2, freq["theory"], width=0.4, label="theory (no rejections)", color="0.7")
    ax.errorbar(pos - 0.2, freq["frequency"], yerr=2 * freq["std_error"], fmt="none", color="k", lw=1)
    ax.set_xticks(pos, freq["name"], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("share of images")
    ax.legend(fontsize=8)
    _footer(fig, scale)
    return fig


def layer_histograms(hist: pd.DataFrame, quantity: str, title: str, xlabel: str, row: str = "init", scale: str | None = None, xlim=None):
    """Figs. 6, 7, 8 (and 4): normalized histograms of ``quantity``, one line per layer, one
    panel per value of ``row`` (standard init on top, normalized below, as in the paper).
    A diverged model's rows are not drawn; its panel's title says "diverged"."""
    df = hist[hist["quantity"] == quantity]
    rows = list(dict.fromkeys(df[row]))
    fig, axes = plt.subplots(len(rows), 1, figsize=(7, 2.6 * len(rows)), sharex=True, squeeze=False)
    layers = sorted(df["layer"].unique())
    colors = sns.color_palette(LAYER_PALETTE, len(layers))
    for ax, r in zip(axes[:, 0], rows):
        panel = df[df[row] == r]
        ok = _drawable(panel, ["center", "density"])
        for color, k in zip(colors, layers):
            g = ok[ok["layer"] == k]
            ax.plot(g["center"], g["density"], color=color, lw=1.3, label=f"Layer {k}")
        ax.set_title(f"{title}: {r}{_diverged_note(panel, ['center', 'density'])}", fontsize=10)
        ax.set_ylabel("density")
        _legend(ax, fontsize=7, ncol=1, loc="upper left", frameon=False)
    axes[-1, 0].set_xlabel(xlabel)
    if xlim is not None:
        axes[-1, 0].set_xlim(*xlim)
    fig.tight_layout()
    _footer(fig, scale)
    return fig


def jacobian_singular_values(jac: pd.DataFrame, paper: dict[str, float], scale: str | None = None):
    """Mean singular value of each layer's Jacobian (eq. 17), per initialization, with the
    paper's single reported values as dashed lines. Diverged models are left out, and the
    title says so."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    sns.barplot(data=_drawable(jac, ["mean_singular_value"]), x="layer", y="mean_singular_value", hue="init", ax=ax, errorbar="sd")
    note = _diverged_note(jac, ["mean_singular_value"])
    if note:
        ax.set_title(f"some models left out{note}", fontsize=9)
    for (init, value), color in zip(paper.items(), sns.color_palette(n_colors=len(paper))):
        ax.axhline(value, ls="--", color=color, lw=1, label=f"paper, {init}: ~{value}")
    ax.set_ylabel("mean singular value of $J^i$")
    ax.set_xlabel("layer i")
    ax.legend(fontsize=8)
    _footer(fig, scale)
    return fig


def variance_check(var: pd.DataFrame, scale: str | None = None):
    """Measured per-layer variances against eqs. (5) and (6) (§4.2.1), log scale, one panel
    each; a diverged model's measurements are not drawn and its legend entry says so."""
    quantities = list(dict.fromkeys(var["quantity"]))
    fig, axes = plt.subplots(1, len(quantities), figsize=(10, 3.3))
    for ax, q in zip(np.atleast_1d(axes), quantities):
        for (init, g), color in zip(var[var["quantity"] == q].groupby("init", sort=False), sns.color_palette()):
            ok = _drawable(g, ["measured"])
            ax.plot(ok["layer"], ok["measured"], "o", color=color, label=f"{init}: measured{_diverged_note(g, ['measured'])}")
            ax.plot(g["layer"], g["predicted"], "-", color=color, lw=1, label=f"{init}: equation")
        ax.set_yscale("log")
        ax.set_title(q, fontsize=10)
        ax.set_xlabel("layer")
        ax.legend(fontsize=7)
    fig.tight_layout()
    _footer(fig, scale)
    return fig
