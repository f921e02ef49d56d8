"""Figures and tables of §5 (Figs. 11 and 12, Table 1, the learning-rate search), drawn from
the tidy frames of :mod:`glorot.experiments.error_curves`.

The figures are in the house style of :mod:`glorot.plots` (at most 6.8 in wide, no text under
9 pt, legends outside the axes) and return one matplotlib Figure each; the scale and
provenance of their numbers go into the chapter's caption, not into the figure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from . import stats
from .paper import CONFIGURATIONS, PAPER_EXAMPLES, PAPER_FIG11_READ_OFF, PAPER_SVM, TABLE1_ROWS
from .plots import _figure_legend, _subplots, _wrap, figure_function, layer_handles, layer_style

# The paper's Fig. 11 colours: sigmoid black/blue, tanh red, softsign cyan, N dotted, pre-training magenta.
STYLE = {
    "sigmoid-5": dict(color="black", ls="-"),
    "sigmoid-4": dict(color="blue", ls="-"),
    "tanh": dict(color="red", ls="-"),
    "softsign": dict(color="c", ls="-"),
    "softsign-N": dict(color="c", ls=":"),
    "tanh-N": dict(color="red", ls=":"),
    "pretraining": dict(color="m", ls="-"),
}


def _pct(x: float, digits: int = 1) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{digits}f}"


@figure_function
def error_curves(curves: pd.DataFrame, title: str, paper_final: dict | None = None, ax=None,
                 paper_note: str = "at 2.5e7 examples"):
    """Fig. 11 / Fig. 12: test error (%) against examples seen, at each configuration's chosen
    learning rate; the line is the mean over seeds, the band their range. The legend (below
    the axes; to their right when drawn into a given ``ax``) is in order of decreasing final
    error (as the paper's) and gives our final error beside the paper's (``paper_final``:
    config -> %). ``paper_note`` says where the paper's numbers are from ("at 2.5e7 examples"),
    or, starting with "paper", stands alone ("paper: not run on this subset")."""
    df = curves[curves["chosen"]]
    own = ax is None
    if own:
        fig, axes = _subplots(height=5.2)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    agg = df.groupby(["config", "examples"])["error"].agg(["mean", "min", "max", "count"]).reset_index()
    final = agg.loc[agg.groupby("config")["examples"].idxmax()].set_index("config")
    order = final.sort_values("mean", ascending=False).index
    for key in order:
        g = agg[agg["config"] == key]
        style = STYLE.get(key, {})
        label = f"{CONFIGURATIONS[key].label}: {_pct(final.loc[key, 'mean'])}%"
        if paper_final and key in paper_final:
            approx = "≈" if key in PAPER_FIG11_READ_OFF else ""  # read off the paper's figure, not a table
            label += f" (paper {approx}{paper_final[key]:g}%)"
        ax.plot(g["examples"], 100 * g["mean"], lw=1.4, label=label, **style)
        if g["count"].max() > 1:
            ax.fill_between(g["examples"], 100 * g["min"], 100 * g["max"], color=style.get("color"), alpha=0.12, lw=0)
    n_seeds = df.groupby("config")["seed"].nunique()
    ax.set_xlabel(f"# examples seen (ours to {df['examples'].max():.1e}; paper to {PAPER_EXAMPLES:.1e})")
    ax.set_ylabel("test error %")
    seeds = f"{n_seeds.min()}" if n_seeds.min() == n_seeds.max() else f"{n_seeds.min()}–{n_seeds.max()}"
    note = paper_note.strip()
    if note.lower().startswith("paper"):  # a phrase of its own: "paper: not run on this subset"
        legend = "legend: final error" + (", ours and the paper's" if paper_final else "") + f"; {note}"
    elif paper_final:
        legend = f"legend: final error, ours and the paper's {note}"
    else:
        legend = "legend: our final error"
    chars = 80 if own else 48  # beside a legend on the right, the axes of a given ``ax`` are narrower
    seeds_line = f"mean of {seeds} seed{'s' if seeds != '1' else ''} (band: range); {legend}"
    ax.set_title(_wrap(title, chars) + "\n" + _wrap(seeds_line, chars))
    ax.grid(alpha=0.3)
    if own:
        _figure_legend(fig, loc="outside lower center", ncol=2)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return fig


@figure_function
def lr_search(search: pd.DataFrame):
    """§5's learning-rate selection (no figure in the paper): validation error (%) after the
    fixed budget against the learning rate, one line per configuration (first seed); the chosen
    rate is circled, diverged rates are crosses on the top edge."""
    fig, axes = _subplots(height=4.6)
    ax = axes[0, 0]
    top = 100 * search["valid_error"].max() + 3 if search["valid_error"].notna().any() else 100
    any_diverged = False
    for key, g in search.groupby("config", sort=False):
        style = STYLE.get(key, {})
        ax.plot(g["lr"], 100 * g["valid_error"], marker="o", ms=3, lw=1.2, label=CONFIGURATIONS[key].label, **style)
        ch = g[g["chosen"]]
        ax.plot(ch["lr"], 100 * ch["valid_error"], "o", ms=11, mfc="none", color=style.get("color", "k"))
        dv = g[g["valid_error"].isna()]
        any_diverged |= len(dv) > 0
        ax.plot(dv["lr"], np.full(len(dv), top), "x", ms=8, color=style.get("color", "k"))
    ax.set_xscale("log")
    grid = sorted(search["lr"].unique())
    ax.set_xticks(grid, [f"{lr:g}" for lr in grid])
    ax.minorticks_off()
    ax.set_xlabel("learning rate")
    ax.set_ylabel("validation error % after the budget")
    ax.set_title("Learning-rate selection (first seed)")
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], ls="none", marker="o", ms=11, mfc="none", color="0.3", label="chosen rate"))
    if any_diverged:
        handles.append(Line2D([], [], ls="none", marker="x", ms=8, color="0.3", label="diverged (drawn on the top edge)"))
    _figure_legend(fig, handles, loc="outside lower center", ncol=3)
    return fig


@figure_function
def pretraining_costs(log: pd.DataFrame):
    """The reconstruction cost of each layer's denoising auto-encoder during the greedy
    pre-training behind Fig. 11's "Pre-training" curve, mean over seeds, in the paper's layer
    colours."""
    fig, axes = _subplots(height=3.4)
    ax = axes[0, 0]
    layers = sorted(log["layer"].unique())
    ok = log[~log["diverged"].astype(bool)]
    for layer in layers:
        g = ok[ok["layer"] == layer].groupby("update")["reconstruction_cost"].mean()
        ax.plot(g.index, g.values, color=layer_style(layer)[0])
    ax.set_yscale("log")
    ax.set_xlabel("pre-training update (of this layer)")
    ax.set_ylabel("reconstruction cost")
    ax.set_title("Greedy denoising auto-encoder pre-training (mean over seeds)")
    _figure_legend(fig, layer_handles(layers))
    return fig


def table1_markdown(table: pd.DataFrame, columns: dict[str, str], not_run: dict[str, str] | None = None) -> str:
    """Table 1 as a Markdown table, ours beside the paper's for every column.

    ``table``: :func:`glorot.experiments.error_curves.table1`. ``columns``: dataset -> header.
    ``not_run``: dataset -> why it was not run (its cells then say so, never a number).
    Ours: mean ± sd over seeds (%), bold by the z-test against the column's best at
    p = 0.005, with "(n = k)" where an entry has fewer seeds than the table's most; the
    paper's with its own bold marks.
    """
    not_run = not_run or {}
    usual = int(table["n_seeds"].max()) if len(table) else 0
    head = ["TYPE"]
    for ds, name in columns.items():
        head += [f"{name} (ours)", f"{name} (paper)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row, label in TABLE1_ROWS.items():
        cells = [label]
        for ds in columns:
            rec = table[(table["row"] == row) & (table["dataset"] == ds)]
            paper = rec["paper"].iloc[0] if len(rec) else float("nan")
            paper_txt = "—" if pd.isna(paper) else (f"**{paper:g}**" if rec["paper_bold"].iloc[0] else f"{paper:g}")
            if ds in not_run:
                cells += [f"not run: {not_run[ds]}", paper_txt]
                continue
            r = rec.iloc[0]
            if r["n_seeds"] == 0:
                ours = "all rates diverged" if r.get("all_diverged") else "not run"
            else:
                ours = _pct(r["mean"], 2) + ("" if pd.isna(r["sd"]) else f" ± {_pct(r['sd'], 2)}")
                ours = f"**{ours}**" if r["bold"] else ours
                if int(r["n_seeds"]) != usual:  # fewer seeds than the others (e.g. some diverged): say so
                    ours += f" (n = {int(r['n_seeds'])})"
            n_div = int(r.get("n_diverged", 0) or 0)
            if n_div:  # seeds whose model diverged are left out of the mean, and counted here
                ours += f" ({n_div} seed{'s' if n_div > 1 else ''} diverged)"
            cells += [ours, paper_txt]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def svm_markdown(result) -> str:
    """The §5 comparison in words: the RBF SVM and the network on the same finite Shapeset
    sample, each beside the paper's (59.47% and 50.47% on 100,000 examples), which is better and
    by how much (two-proportion z-test), and the run's scale line. ``result``: a
    ``svm_baseline`` :class:`glorot.experiments.Result`."""
    cfg, summary = result.config, result["summary"]
    s_svm, s_net = summary.iloc[0], summary.iloc[1]
    _, p = stats.two_proportion_z_test(s_svm["test_error"], int(s_svm["n_test"]), s_net["test_error"], int(s_net["n_test"]))
    better = ("The network is better than the SVM, as in the paper" if s_net["test_error"] < s_svm["test_error"]
              else "The network is not better than the SVM here, unlike in the paper")
    return (f"**SVM vs network on the same {cfg['n_train']:,} Shapeset examples** (paper: {PAPER_SVM['n_train']:,}): RBF SVM "
            f"{_pct(s_svm['test_error'], 2)}% ({s_svm['chosen']}; paper {PAPER_SVM['svm']}%), {s_net['model']} "
            f"{_pct(s_net['test_error'], 2)}% ({s_net['chosen']}, width {cfg['width']}, {cfg['updates']:,} updates; "
            f"paper {PAPER_SVM['tanh-N']}%), on {cfg['n_test']:,} test examples. {better} (difference "
            f"{100 * (s_svm['test_error'] - s_net['test_error']):+.2f} points, two-proportion z-test p = {p:.1e}, "
            f"{'' if p < stats.ALPHA else 'not '}significant at p = {stats.ALPHA:g}). "
            f"{result.scale()}.")
