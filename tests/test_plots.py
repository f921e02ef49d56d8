"""Every figure function of glorot.plots, glorot.plots_dynamics and glorot.plots_errors,
rendered from the archived results the chapters show (or small frames made from them) and
checked for legibility at the book's width, with Matplotlib's own text boxes
(``get_window_extent`` after ``fig.canvas.draw()``):

(a) no two drawn texts overlap (titles, axis labels, tick labels, legend entries,
    annotations, contour labels, suptitles);
(b) no text, legend or other artist leaves the figure (Jupyter saves figures with
    ``bbox_inches="tight"``, so anything outside would widen the image);
(c) no text is under 9 pt;
(d) the figure is at most 7.0 in wide at 100 dpi (the article column at a 1280 px window);
(e) no legend covers an axes' data area.

The checker is shown to fail on deliberately bad figures (the last tests), so a pass means
something. The archived entries are the ones the chapters load at the ``quick`` profile; a
missing one fails the test (it never trains).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from unittest import mock

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from glorot import archive, experiments, paper, plots, plots_dynamics, plots_errors, plots_perf, shapeset  # noqa: E402
from glorot.experiments import cost, gradients, saturation  # noqa: E402

MODULES = (plots, plots_dynamics, plots_errors, plots_perf)
MAX_WIDTH_IN = 7.0
MIN_FONT_PT = 9.0
TOLERANCE_PX = 1.0


# --------------------------------------------------------------------------- the checker

@dataclass
class Drawn:
    """What a draw of a figure put on the canvas: its texts (with their boxes) and legends."""

    fig: object
    renderer: object
    texts: list


def draw(fig) -> Drawn:
    """Draw ``fig`` and collect every text Matplotlib really drew (visible, not empty): tick
    labels off the axis range are never drawn and are not collected."""
    drawn: list = []
    original = Text.draw

    def spy(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip() and all(t is not self for t in drawn):
            drawn.append(self)

    with mock.patch.object(Text, "draw", spy):
        fig.canvas.draw()
    return Drawn(fig, fig.canvas.get_renderer(), drawn)


def _describe(t: Text) -> str:
    return repr(t.get_text()[:40])


def _overlap(a, b) -> bool:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w > TOLERANCE_PX and h > TOLERANCE_PX


_all_axes = plots._all_axes  # every Axes of a figure, with subfigures' and child axes


def _legends(fig) -> list:
    figs = [fig] + list(fig.subfigs)
    legs = [leg for f in figs for leg in f.legends]
    legs += [ax.get_legend() for ax in _all_axes(fig) if ax.get_legend() is not None]
    return [leg for leg in legs if leg.get_visible()]


def problems(fig) -> list[str]:
    """Everything that makes ``fig`` illegible at the book's width, one line each (empty: none)."""
    d = draw(fig)
    r = d.renderer
    out = []
    width_in, height_in = fig.get_size_inches()
    if width_in > MAX_WIDTH_IN + 1e-9:
        out.append(f"(d) the figure is {width_in:.2f} in wide, over {MAX_WIDTH_IN} in")
    tight = fig.get_tightbbox(r)
    if tight.width > MAX_WIDTH_IN + 0.05:
        out.append(f"(d) what the figure draws is {tight.width:.2f} in wide (bbox_inches='tight'), over {MAX_WIDTH_IN} in")
    W, H = fig.bbox.width, fig.bbox.height
    boxes = [t.get_window_extent(r) for t in d.texts]
    for t, b in zip(d.texts, boxes):
        if t.get_fontsize() < MIN_FONT_PT - 1e-9:
            out.append(f"(c) text {_describe(t)} is {t.get_fontsize():.3g} pt, under {MIN_FONT_PT} pt")
        if b.x0 < -TOLERANCE_PX or b.y0 < -TOLERANCE_PX or b.x1 > W + TOLERANCE_PX or b.y1 > H + TOLERANCE_PX:
            out.append(f"(b) text {_describe(t)} leaves the figure ({b.x0:.0f}..{b.x1:.0f} x {b.y0:.0f}..{b.y1:.0f} "
                       f"of {W:.0f} x {H:.0f} px)")
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if _overlap(boxes[i], boxes[j]):
                out.append(f"(a) texts {_describe(d.texts[i])} and {_describe(d.texts[j])} overlap")
    axes = [ax for ax in _all_axes(fig) if ax.get_visible() and ax.axison and ax.bbox.height > 2 * TOLERANCE_PX]
    for leg in _legends(fig):
        lb = leg.get_window_extent(r)
        if lb.x0 < -TOLERANCE_PX or lb.y0 < -TOLERANCE_PX or lb.x1 > W + TOLERANCE_PX or lb.y1 > H + TOLERANCE_PX:
            out.append("(b) a legend leaves the figure")
        for ax in axes:
            if _overlap(lb, ax.bbox):
                out.append(f"(e) a legend covers the data area of the axes titled {ax.get_title()!r}")
    return out


# --------------------------------------------------------------------------- the data

_CACHE: dict = {}


def archived(name: str, **overrides):
    """The archived ``quick`` run of ``name`` with the chapter's ``overrides``; never trains."""
    key = (name, repr(sorted(overrides.items())))
    if key not in _CACHE:
        cfg = experiments.config(name, "quick", **overrides)
        if not archive.run_dir(name, "quick", cfg.to_dict()).exists():
            pytest.fail(f"no archived quick run of {name} with {overrides} (`python -m glorot archive check` lists them)")
        result = experiments.run(name, "quick", use_archive=True, **overrides)
        assert result.source == "archived"
        _CACHE[key] = result
    return _CACHE[key]


def _sig():
    return archived("sigmoid_saturation", seed=0)


def _sat():
    return archived("activation_saturation", activations=["tanh", "softsign"], seed=0)


def _init():
    return archived("init_statistics", activation="tanh", dataset="shapeset", seed=0, weight_grad_batch_size=10)


def _grad():
    return archived("gradient_dynamics", activation="tanh", seed=0)


def _shapeset_curves():
    return archived("shapeset_curves", n_seeds=None, pretrain_activation="tanh", pretrain_noise=0.25)


def _histograms(quantity, title, xlabel, diverged=False):
    hist = _init()["hist"]
    if diverged:  # a model that diverged: its rows marked, its panel left empty with a note
        hist = hist.assign(diverged=hist["init"] == "normalized")
    return plots.layer_histograms(hist, quantity, title, xlabel)


def _fig2(diverged=False):
    stats = _sig()["stats"]
    if diverged:
        stats = stats.assign(diverged=(stats["depth"] == 5) & (stats["epoch"] > 1))
    return plots_dynamics.fig2_sigmoid(stats, saturation.top_layer_events(_sig()["stats"]))


def _output_terms():
    act = _sig()["stats"]
    act = act[act["quantity"] == "activation"]
    top_mean = act[act["layer"] == act["depth"]][["depth", "epoch", "update", "mean"]]
    return plots_dynamics.output_terms(_sig()["output"], top_mean)


def _fig3_chapter05():
    stats = _grad()["stats"]
    soft = archived("activation_saturation", seed=0)["stats"]
    updates = _grad().config["updates"]
    act = stats[stats["quantity"] == "activation"]
    panels = {"tanh, normalized init (Fig. 10)": act[act["init"] == "normalized"],
              "tanh, standard init (Fig. 3 top)": act[act["init"] == "standard"],
              "softsign, standard init (Fig. 3 bottom)": soft[(soft["activation"] == "softsign") & (soft["update"] <= updates)]}
    return plots_dynamics.fig3_percentiles(stats, panels=panels, saturation=True)


def _cost_curves():
    curves = archived("cost_comparison", activation="tanh", seed=0)["curves"]
    _, best = cost.chosen_on_validation(curves)
    return plots_dynamics.cost_curves(curves, best)


def _surface():
    return archived("cost_surface", activation="tanh", seed=0)["surface"]


def _shapeset_error_curves():
    r = _shapeset_curves()
    return plots_errors.error_curves(r["curves"], f"Shapeset-3x2, {r.config['width']} units per layer (quick profile)",
                                     paper_final=paper.PAPER_FIG11_FINAL)


def _mnist5k_error_curves():
    r = archived("finite_curves", dataset="mnist-5k", n_seeds=None)
    return plots_errors.error_curves(r["curves"], f"mnist-5k (NOT the paper's MNIST), {r.config['width']} units per layer "
                                     "(quick profile)", paper_note="paper: not run on this subset")


def _error_curves_into_an_axes():
    fig = plt.figure(figsize=(plots.TEXT_WIDTH_IN, 3.8), layout="constrained")
    ax = fig.add_subplot()
    r = _shapeset_curves()
    out = plots_errors.error_curves(r["curves"], "Shapeset-3x2", paper_final=paper.PAPER_FIG11_FINAL, ax=ax)
    assert out is fig
    return fig


def _cpu_throughput():
    """Chapter 09's figure, from the committed CPU benchmark JSON (benchmarks/throughput.py)."""
    import json
    from pathlib import Path

    import pandas as pd

    files = sorted((Path(__file__).resolve().parents[1] / "benchmarks" / "results").glob("cpu-*.json"))
    runs = [json.loads(f.read_text()) for f in files]
    run = max((r for r in runs if "targets" in r), key=lambda r: r["date"])
    rows = pd.DataFrame(run["rows"])
    timed = rows[rows["impl"].isin(["gemm_bound", "train", "naive"])]
    rates = timed.pivot_table(index=["threads", "net", "M"], columns="impl", values="model_updates_per_s").reset_index()
    copy = rows[rows["impl"] == "copy"].set_index("threads")["bytes_per_s"]
    dram = {(th, net): copy.loc[th] / (run["bytes_per_param_update"] * run["nets"][net]["n_parameters"])
            for th in run["threads"] for net in run["nets"]}
    return plots_perf.cpu_throughput(rates, dram)


def _sweep_schedule():
    """The appendix's figure: the paper profile's plan on the H200 model, scheduled on 1-16 GPUs."""
    import pandas as pd

    from glorot import sweep

    plan = sweep.plan_sweep("paper", None, "h200")
    longest = max(r.minutes for r in plan.runs)
    rows = [{"sweep": "paper profile", "gpus": n, "hours": sweep.schedule_minutes(plan, n) / 60,
             "ideal_hours": plan.total_minutes() / n / 60, "longest_run_hours": longest / 60} for n in (1, 2, 4, 8, 16)]
    return plots_perf.sweep_schedule(pd.DataFrame(rows))


CASES = {
    "plots_perf.cpu_throughput": _cpu_throughput,
    "plots_perf.sweep_schedule": _sweep_schedule,
    "plots.shapeset_grid": lambda: plots.shapeset_grid(
        [(*shapeset.generate(8, seed=0), "32x32 (as used)"), (*shapeset.generate(16, seed=0, image_size=64), "64x64")],
        shapeset.LABEL_NAMES, n_cols=8, n_rows=2),
    "plots.class_frequencies": lambda: plots.class_frequencies(archived("shapeset_frequencies", seed=0)["frequencies"]),
    "plots.layer_histograms[fig6]": lambda: _histograms("activation", "tanh activations at initialization", "activation value"),
    "plots.layer_histograms[fig7]": lambda: _histograms("backprop_grad", "back-propagated gradients ∂C/∂s at initialization",
                                                        "∂Cost/∂s"),
    "plots.layer_histograms[fig8]": lambda: _histograms("weight_grad", "weight gradients ∂C/∂W at initialization",
                                                        "∂Cost/∂W"),
    "plots.layer_histograms[diverged]": lambda: _histograms("weight_grad", "weight gradients ∂C/∂W at initialization",
                                                            "∂Cost/∂W", diverged=True),
    "plots.jacobian_singular_values": lambda: plots.jacobian_singular_values(_init()["jacobian"],
                                                                             {"standard": 0.5, "normalized": 0.8}),
    "plots.variance_check": lambda: plots.variance_check(archived("variance_propagation", seed=0)["variance"]),
    "plots_dynamics.fig2_sigmoid": _fig2,
    "plots_dynamics.fig2_sigmoid[diverged]": lambda: _fig2(diverged=True),
    "plots_dynamics.output_terms": _output_terms,
    "plots_dynamics.fig3_percentiles[fig3]": lambda: plots_dynamics.fig3_percentiles(_sat()["stats"], saturation=True),
    "plots_dynamics.fig3_percentiles[fig10]": _fig3_chapter05,
    "plots_dynamics.fig3_percentiles[no_saturation]": lambda: plots_dynamics.fig3_percentiles(_sat()["stats"]),
    "plots_dynamics.fig4_histograms": lambda: plots_dynamics.fig4_histograms(_sat()["hist"], order=("tanh", "softsign")),
    "plots_dynamics.fig5_surfaces": lambda: plots_dynamics.fig5_surfaces(_surface()),
    "plots_dynamics.fig5_contours": lambda: plots_dynamics.fig5_contours(_surface(), flat_threshold=0.01),
    "plots_dynamics.cost_curves": _cost_curves,
    "plots_dynamics.fig9_weight_gradients": lambda: plots_dynamics.fig9_weight_gradients(_grad()["stats"]),
    "plots_dynamics.backprop_variance": lambda: plots_dynamics.backprop_variance(
        _grad()["stats"], max_update=_grad().config["early_updates"]),
    "plots_dynamics.variance_factor": lambda: plots_dynamics.variance_factor(gradients.gradient_ratio(_grad()["stats"])),
    "plots_errors.error_curves[fig11]": _shapeset_error_curves,
    "plots_errors.error_curves[mnist-5k]": _mnist5k_error_curves,
    "plots_errors.error_curves[into_an_axes]": _error_curves_into_an_axes,
    "plots_errors.lr_search": lambda: plots_errors.lr_search(_shapeset_curves()["search"]),
    "plots_errors.pretraining_costs": lambda: plots_errors.pretraining_costs(_shapeset_curves()["pretraining"]),
}


def figure_functions() -> dict[str, object]:
    """Every house-style figure function of the three modules, by ``module.name``."""
    out = {}
    for module in MODULES:
        short = module.__name__.rsplit(".", 1)[1]
        for name, fn in vars(module).items():
            if callable(fn) and getattr(fn, "_house_figure", False) and fn.__module__ == module.__name__:
                out[f"{short}.{name}"] = fn
    return out


# --------------------------------------------------------------------------- the tests

@pytest.mark.parametrize("case", sorted(CASES))
def test_figure_is_legible_at_the_book_width(case):
    fig = CASES[case]()
    try:
        from matplotlib.figure import Figure

        assert isinstance(fig, Figure), f"{case} returned a {type(fig).__name__}, not one Figure"
        found = problems(fig)
        assert not found, f"{case}:\n  " + "\n  ".join(found)
    finally:
        plt.close("all")


def test_every_figure_function_is_rendered_and_every_public_function_is_a_figure_or_text():
    functions = figure_functions()
    rendered = {c.split("[")[0] for c in CASES}
    assert set(functions) == rendered, f"not rendered: {set(functions) - rendered}; unknown: {rendered - set(functions)}"
    not_figures = {"plots.house_style", "plots.figure_function", "plots.layer_style", "plots.init_color",
                   "plots.layer_handles", "plots_errors.table1_markdown", "plots_errors.svm_markdown"}
    for module in MODULES:
        short = module.__name__.rsplit(".", 1)[1]
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and not name.startswith("_") and fn.__module__ == module.__name__:
                assert f"{short}.{name}" in functions or f"{short}.{name}" in not_figures, \
                    f"{short}.{name} is public but neither a house-style figure function nor a known helper"


@pytest.mark.parametrize("name", sorted(figure_functions()))
def test_no_figure_takes_a_scale_and_each_cites_the_paper(name):
    fn = figure_functions()[name]
    assert "scale" not in inspect.signature(fn).parameters, f"{name} still takes scale= (it goes into the caption now)"
    doc = inspect.getdoc(fn) or ""
    assert any(k in doc for k in ("Fig.", "Figs.", "§", "eq.")), f"{name}'s docstring cites no figure or section of the paper"


def test_the_house_style_leaves_the_callers_rcparams_alone():
    before = dict(plt.rcParams)
    with plt.rc_context({"font.size": 6.0, "xtick.labelsize": 5.0}):
        fig = CASES["plots_dynamics.variance_factor"]()
        assert plt.rcParams["font.size"] == 6.0 and plt.rcParams["xtick.labelsize"] == 5.0
        # drawn under the caller's small fonts, the figure keeps the house sizes
        assert not problems(fig)
    plt.close("all")
    assert dict(plt.rcParams) == before


def test_the_mnist5k_title_reads_sensibly():
    fig = _mnist5k_error_curves()
    title = " ".join(fig.axes[0].get_title().split())
    plt.close("all")
    assert "paper's paper" not in title and "paper: not run on this subset" in title


def test_every_per_layer_figure_uses_the_papers_layer_colours():
    fig = CASES["plots.layer_histograms[fig6]"]()
    legend = fig.legends[0]
    colours = {t.get_text(): matplotlib.colors.to_hex(h.get_color()) for t, h in zip(legend.get_texts(), legend.legend_handles)}
    plt.close("all")
    assert colours == {f"Layer {k}": matplotlib.colors.to_hex(c) for k, (c, _) in plots.LAYER_STYLE.items()}


def test_contour_labels_are_checked():
    from matplotlib.contour import ContourSet

    fig = CASES["plots_dynamics.fig5_contours"]()
    texts = draw(fig).texts
    labels = [t for ax in fig.axes for c in ax.collections if isinstance(c, ContourSet) for t in c.labelTexts]
    plt.close("all")
    assert labels, "fig5_contours labels no contour"
    missing = [t.get_text() for t in labels if all(t is not d for d in texts)]
    assert not missing, f"contour labels {missing} were not among the drawn texts, so the checker did not see them"


# --------------------------------------------------------------------------- the checker can fail

def _bad_overlapping_texts():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.text(0.5, 0.5, "one label", fontsize=10)
    ax.text(0.52, 0.5, "another label", fontsize=10)
    return fig, "(a)"


def _bad_crowded_ticks():
    fig, ax = plt.subplots(figsize=(2.5, 2))
    ax.set_xticks(np.arange(20), [f"tick {i}" for i in range(20)])
    return fig, "(a)"


def _bad_footer_below():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([0, 1], [0, 1])
    fig.text(0.01, -0.02, "archived run, profile 'quick', seed 0; commit abc", va="top", fontsize=10)
    return fig, "(b)"


def _bad_small_contour_labels():
    fig, ax = plt.subplots(figsize=(6, 4))
    x, y = np.meshgrid(np.linspace(-2, 2, 40), np.linspace(-2, 2, 40))
    ax.clabel(ax.contour(x, y, x**2 + y**2, levels=5), fontsize=6)
    return fig, "(c)"


def _bad_too_wide():
    fig, axes = plt.subplots(1, 4, figsize=(16, 3))
    return fig, "(d)"


def _bad_legend_over_the_data():
    fig, ax = plt.subplots(figsize=(6, 3))
    for k in range(1, 6):
        ax.plot(np.arange(10), np.full(10, k), label=f"Layer {k}")
    ax.legend(loc="center right")
    return fig, "(e)"


@pytest.mark.parametrize("bad", [_bad_overlapping_texts, _bad_crowded_ticks, _bad_footer_below, _bad_small_contour_labels,
                                 _bad_too_wide, _bad_legend_over_the_data], ids=lambda f: f.__name__[5:])
def test_the_checker_flags_a_bad_figure(bad):
    fig, expected = bad()
    found = problems(fig)
    plt.close("all")
    assert any(p.startswith(expected) for p in found), f"expected a {expected} problem, got {found}"


def test_the_checker_passes_a_good_figure():
    with plots.house_style():
        fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
        ax.plot([0, 1], [0, 1], label="a line")
        ax.set_title("a title")
        fig.legend(loc="outside upper center")
    found = problems(fig)
    plt.close("all")
    assert not found, found
