"""The figures of the performance chapter (the book's chapter 09), in the house style of
:mod:`glorot.plots`: at most 6.8 in wide, no text under 9 pt, one legend for the figure,
outside the data.

The numbers come from the JSON files that ``benchmarks/throughput.py`` writes into
``benchmarks/results/``; nothing here times anything. Where they were measured is not drawn
inside the figure: the chapter puts it in the caption.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .plots import TEXT_WIDTH_IN, figure_function

BARS = (("train", "tab:blue", "glorot train"), ("naive", "tab:red", "naive loop (nn.Sequential, autograd, optim.SGD)"))
"""The measured rates drawn as bars: (column, colour, legend label)."""

GEMM_STYLE = {"color": "black", "lw": 2.0}
DRAM_STYLE = {"color": "0.45", "lw": 1.6, "ls": (0, (3, 1.5))}


def _net_label(net: str, m) -> str:
    return f"{net}\nM = {int(m)}"


@figure_function
def cpu_throughput(rates: pd.DataFrame, dram_bound: dict | None = None):
    """Model-updates/s of ``glorot.train.train`` and of the naive loop on a CPU (batch-10 SGD
    of the paper's §2; the paper reports no timings), beside the
    GEMM-only bound (a black bar over each group) and, where given, the copy-bandwidth (DRAM)
    bound (a dashed grey bar), on a log scale; one panel per thread count, stacked, sharing
    the y axis so that the thread counts can be compared.

    ``rates``: one row per (``threads``, ``net``, ``M``) with the columns ``gemm_bound``,
    ``train`` and ``naive`` (model-updates/s). ``dram_bound``: ``{(threads, net): rate}``.
    """
    need = {"threads", "net", "M", "gemm_bound", "train", "naive"}
    missing = need - set(rates.columns)
    if missing:
        raise ValueError(f"rates lacks the columns {sorted(missing)}")
    if rates.empty:
        raise ValueError("rates is empty: there is nothing to draw")
    dram_bound = dram_bound or {}
    threads = sorted(rates["threads"].unique())
    fig, axes = plt.subplots(len(threads), 1, figsize=(TEXT_WIDTH_IN, 0.6 + 2.3 * len(threads)), layout="constrained",
                             squeeze=False, sharey=True)
    width = 0.36
    for ax, th in zip(axes[:, 0], threads):
        part = rates[rates["threads"] == th].sort_values(["net", "M"])
        at = np.arange(len(part))
        for j, (col, color, label) in enumerate(BARS):
            ax.bar(at + (j - 0.5) * width, part[col], width=width, color=color, label=label)
        half = width * len(BARS) / 2 + 0.04
        for a, row in zip(at, part.itertuples()):
            ax.hlines(row.gemm_bound, a - half, a + half, **GEMM_STYLE)
            dram = dram_bound.get((th, row.net))
            if dram is not None:
                ax.hlines(dram, a - half, a + half, **DRAM_STYLE)
        ax.set_yscale("log")
        ax.set_xticks(at, [_net_label(n, m) for n, m in zip(part["net"], part["M"])])
        ax.set_xlim(-0.6, len(part) - 0.4)
        ax.set_ylabel("model-updates/s")
        ax.set_title(f"{th} torch thread{'s' if th > 1 else ''}", loc="left")
        ax.grid(axis="y", which="major", color="0.9", lw=0.8)
        ax.set_axisbelow(True)
    drawn = list(rates[["gemm_bound", *(col for col, _, _ in BARS)]].to_numpy(dtype=float).ravel()) + list(dram_bound.values())
    drawn = [v for v in drawn if np.isfinite(v) and v > 0]
    axes[0, 0].set_ylim(min(drawn) / 1.6, max(drawn) * 1.8)  # the bounds' bars clear of the frame (the axes share y)
    handles = [Patch(color=c, label=lab) for _, c, lab in BARS]
    handles.append(Line2D([], [], label="GEMM-only bound", **GEMM_STYLE))
    if dram_bound:
        handles.append(Line2D([], [], label="copy-bandwidth (DRAM) bound", **DRAM_STYLE))
    fig.legend(handles=handles, loc="outside upper center", ncol=2)
    return fig


@figure_function
def sweep_schedule(schedule: pd.DataFrame):
    """Estimated wall time of a sweep of the paper's runs (§2, §5: Fig. 11, Table 1) against
    the number of GPUs it runs on (the appendix on clusters; the paper reports no times): one
    solid line per sweep, from
    :func:`glorot.sweep.schedule_minutes`, above its two floors, the perfect split
    ``total / n`` (dashed) and the sweep's longest run (dotted: a run's chunks go one after
    another, so no number of GPUs finishes it sooner).

    ``schedule``: one row per (``sweep``, ``gpus``) with ``hours``, ``ideal_hours`` and
    ``longest_run_hours``; log-2 GPU axis, log hours.
    """
    need = {"sweep", "gpus", "hours", "ideal_hours", "longest_run_hours"}
    missing = need - set(schedule.columns)
    if missing:
        raise ValueError(f"schedule lacks the columns {sorted(missing)}")
    if schedule.empty:
        raise ValueError("schedule is empty: there is nothing to draw")
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_IN, 3.4), layout="constrained")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (name, part) in enumerate(schedule.groupby("sweep", sort=False)):
        part = part.sort_values("gpus")
        c = colors[i % len(colors)]
        ax.plot(part["gpus"], part["hours"], marker="o", color=c, lw=1.8, label=name)
        ax.plot(part["gpus"], part["ideal_hours"], color=c, lw=1.0, ls=(0, (4, 2)))
        ax.plot(part["gpus"], part["longest_run_hours"], color=c, lw=1.0, ls=(0, (1, 1.5)))
    gpus = sorted(schedule["gpus"].unique())
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(gpus, [str(int(g)) for g in gpus])
    drawn = schedule[["hours", "ideal_hours", "longest_run_hours"]].to_numpy(dtype=float).ravel()
    drawn = drawn[np.isfinite(drawn) & (drawn > 0)]
    lo, hi = drawn.min(), drawn.max()
    ticks = [t for t in (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024) if lo / 1.5 <= t <= hi * 1.5]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("GPUs (one chunk each at a time)")
    ax.set_ylabel("estimated wall time (hours)")
    ax.grid(which="major", color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    handles = [Line2D([], [], color=colors[i % len(colors)], lw=1.8, marker="o", label=name)
               for i, name in enumerate(dict.fromkeys(schedule["sweep"]))]
    handles += [Line2D([], [], color="0.3", lw=1.0, ls=(0, (4, 2)), label="perfect split (total / GPUs)"),
                Line2D([], [], color="0.3", lw=1.0, ls=(0, (1, 1.5)), label="longest run (its chunks in order)")]
    fig.legend(handles=handles, loc="outside upper center", ncol=2)
    return fig
