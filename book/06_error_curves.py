# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Error curves on Shapeset-3×2 (§5, Fig. 11)
#
# > "The final consideration that we care for is the success of training with different
# > strategies, and this is best illustrated with error curves showing the evolution of test
# > error as training progresses and asymptotes. Figure 11 shows such curves with online
# > training on Shapeset-3 × 2, while Table 1 gives final test error for all the datasets
# > studied (Shapeset-3 × 2, MNIST, CIFAR-10, and Small-ImageNet)."
# > {cite}`glorot2010understanding`
#
# Section 5 of the paper takes three pages of this book. This one trains the paper's
# configurations on Shapeset-3×2 (sigmoid, tanh and softsign networks with the standard
# initialization of eq. (1) or the normalized one of eq. (16), and a network pre-trained with
# denoising auto-encoders), chooses each one's learning rate on a validation set as the paper
# did, and draws Fig. 11 beside the paper's. {doc}`07_table1` puts the final errors into the
# paper's Table 1, with a stated significance test for its bold marks, and checks the paper's
# orderings; {doc}`08_finite_datasets` turns to the finite datasets (Fig. 12: MNIST and
# CIFAR-10) and to the SVM baseline.
#
# **Scale.** The paper trains networks of 5 × {glue:text}`paper_width:,d` units for
# {glue:text}`paper_updates:,d` updates ({glue:text}`paper_examples:.1e` examples) per curve,
# after a learning-rate search. That is hours of GPU time; this page's runs were made on
# {glue:md}`device_words`. The {glue:md}`profile` profile trains networks of
# {glue:text}`width:,d` units per hidden layer for {glue:text}`updates:,d` updates,
# {glue:text}`updates_pct:.2g`% of the paper's, and every figure and table below states its
# width, updates and seeds beside the paper's. {glue:md}`scale_warning`
#
# **Parameters.** `profile` is `smoke` (seconds, for tests), `quick` (the default: archived
# runs, recomputed live with `-p use_archive False`) or `paper` (needs a GPU). `n_seeds` is the
# number of seeds per configuration (`None`: the profile's); `pretrain_activation` and
# `pretrain_noise` set the pre-trained network of Fig. 11; `longer_factor` sets the longer run at
# the end of the page (that many times the profile's updates; 1 for none). Every parameter is
# checked before any computation: an unknown profile, device, activation or value out of range
# stops the page in the first code cell with the list of valid values.

# %% tags=["parameters"]
profile = "quick"
device = "cpu"
use_archive = True
allow_long = False  # run even if the estimate is over 30 min
n_seeds = None
pretrain_activation = "tanh"
pretrain_noise = 0.25
longer_factor = 5

# %% tags=["remove-cell"]
import matplotlib.pyplot as plt
import pandas as pd

from glorot import claims, data, experiments, pages, paper, plots_errors, scorecard
from glorot.claims import error_curves as ec_claims
from glorot.experiments import error_curves, registry
from glorot.validation import check_device

device = check_device(device)
experiments.check_flags(use_archive=use_archive, allow_long=allow_long)
cfg = experiments.config("shapeset_curves", profile, n_seeds=n_seeds, pretrain_activation=pretrain_activation,
                         pretrain_noise=pretrain_noise)
longer_overrides, skipped = experiments.longer_run(profile, longer_factor, cfg,
                                                   ("updates", "eval_every", "pretrain_updates_per_layer"))
if longer_overrides is not None:
    longer_cfg = experiments.config("shapeset_curves", profile, n_seeds=n_seeds, pretrain_activation=pretrain_activation,
                                    pretrain_noise=pretrain_noise, **longer_overrides)
paper_cfg = experiments.config("shapeset_curves", "paper")

# %% [markdown]
# The experiment, trained live or (by default) loaded from the results archive, verified
# against the code that made it:

# %% tags=["hide-input"]
shapeset = experiments.run("shapeset_curves", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                           n_seeds=n_seeds, pretrain_activation=pretrain_activation, pretrain_noise=pretrain_noise)

# %% tags=["remove-cell"]
labels = {k: c.label for k, c in paper.CONFIGURATIONS.items()}
at_paper_scale = cfg["updates"] >= paper_cfg["updates"] and cfg["width"] >= paper_cfg["width"]
threads = int(shapeset["meta"].set_index("key").loc["torch_threads_during_training", "value"])
scale_line = (f"Ours: {shapeset.scale()}; training used {threads} torch thread(s); Shapeset validation "
              f"{cfg['n_valid']:,} and test {cfg['n_test']:,} examples (fixed seeds).")
paper_budget = (f"Paper: width {paper_cfg['width']:,}, {paper_cfg['updates']:,} updates "
                f"({10 * paper_cfg['updates']:.1e} examples) per curve.")


def names(keys) -> str:
    """Configuration keys as the paper's labels, in words."""
    return pages.and_list(labels[k] for k in keys)


pages.glue_all(profile=profile, width=cfg["width"], updates=cfg["updates"], updates_pct=100 * cfg["updates"] / paper_cfg["updates"],
               paper_width=paper_cfg["width"], paper_updates=paper_cfg["updates"], paper_examples=10 * paper_cfg["updates"],
               device_words=shapeset.provenance["device"],
               scale_warning=("These are paper-scale runs." if at_paper_scale else
                              "**Nothing on this page is the paper-scale result**: the runs are the very start of the "
                              "paper's training, at a fraction of its width."))

# %% [markdown]
# ## Learning-rate selection
#
# > "For each network the learning rate is separately chosen to minimize error on the
# > validation set." (§5) — "... after a large number of updates (5 million)" (§2).
#
# The paper gives neither its grid nor the size of its Shapeset validation set. We train
# every configuration at every rate of a grid, *side by side as one stack of models* (all see
# the same minibatches; one stack per depth), for the same fixed budget as the curves, and keep
# per configuration the rate with the lowest validation error at the end. A rate whose model
# diverges (cost NaN or above 10⁴) is stopped, reported, and never chosen. This is done on the
# first seed; the other seeds are trained at the chosen rate only, each with its own
# initialization and its own training examples.
#
# ```{literalinclude} ../src/glorot/experiments/error_curves.py
# :language: python
# :pyobject: choose_learning_rates
# ```
#
# {numref}`tbl-errors-lr-grid` and {numref}`fig-errors-lr-search` show the search. The chosen
# rates: {glue:md}`lr_chosen`. {glue:text}`n_diverged:d` of the {glue:text}`n_search:d`
# (configuration, rate) runs diverged. {glue:md}`lr_ties` {glue:md}`lr_edge`
#
# :::{table} Validation error (%) after the budget, per learning rate (first seed); ← marks the chosen rate. {glue:md}`lr_grid_caption`
# :name: tbl-errors-lr-grid
#
# ```{glue:md} lr_grid
# :format: myst
# ```
# :::
#
# ```{glue:figure} fig_lr_search
# :name: fig-errors-lr-search
# :figwidth: 100%
#
# Validation error after the budget against the learning rate, one line per configuration
# (first seed); the chosen rate is circled, a diverged rate is a cross on the top edge.
# {glue:md}`lr_caption`
# ```

# %% tags=["remove-cell"]
search = shapeset["search"]
order_cfg = [k for k in cfg["configurations"]]
grid = search.assign(configuration=search["config"].map(labels),
                     cell=[("diverged" if d else f"{100 * v:.1f}") + (" ←" if c else "")
                           for d, v, c in zip(search["diverged"], search["valid_error"], search["chosen"])])
grid = (grid.pivot(index="configuration", columns="lr", values="cell").reindex([labels[k] for k in order_cfg])
        .rename(columns=lambda lr: f"lr {lr:g}").reset_index())
chosen = search[search["chosen"]].set_index("config")
ties = [k for k, g in search.groupby("config") if g["valid_error"].nunique() == 1]
edge = [k for k in chosen.index if chosen.loc[k, "at_grid_edge"] and k not in ties]
n_div = int(search["diverged"].sum())
lr_verdict = claims.judge("fig11.learning_rates", shapeset).sentence()
pages.glue_all(
    lr_grid=pages.as_markdown_table(grid),
    lr_chosen="; ".join(f"{labels[k]} {chosen.loc[k, 'lr']:g}" for k in order_cfg if k in chosen.index),
    n_diverged=n_div, n_search=len(search),
    lr_ties=(f"Every rate gives the same validation error for {names(ties)}, so the first rate of the grid is kept: "
             "these networks have not left the plateau of the most frequent class." if ties else
             "No configuration gives the same validation error at every rate."),
    lr_edge=(f"Chosen at the edge of the grid (a wider grid might do better): {names(edge)}." if edge else
             "No other chosen rate lies at the edge of the grid." if ties else "No chosen rate lies at the edge of the grid."),
    lr_grid_caption=pages.caption(f"Seed {cfg['seed']}, grid {list(cfg['learning_rates'])}, {cfg['updates']:,} updates "
                                  f"(the curves' budget).", scale_line,
                                  f"Paper: rates chosen on validation error after {ec_claims.PAPER_SEARCH_UPDATES:,} updates, "
                                  "grid not stated", lr_verdict),
    lr_caption=pages.caption(scale_line, f"Paper: rates chosen after {ec_claims.PAPER_SEARCH_UPDATES:,} updates, grid not stated; "
                             "no figure", lr_verdict),
)
pages.glue("fig_lr_search", plots_errors.lr_search(search))

# %% [markdown]
# ### The search behind the `long` run
#
# The search above is made at the curves' own small budget. The experiment's `long` profile
# (the paper's 2.5M updates at width 100, {numref}`fig-errors-fig11-budget` below) takes its
# rates instead from a separate, larger search, the experiment's `search` profile: seed 0,
# width 100, every configuration at every rate of a grid of two decades for 500,000 updates
# (a fifth of the curves' budget, a tenth of the paper's 5 million), the grid extended past
# an edge where the choice lands on it, each rate chosen on a fixed validation set. It takes
# an hour on one CPU core, so this page only reads it from the results archive.
# {glue:md}`search_status`
#
# :::{table} Validation error (%) after the `search` profile's budget, per configuration and learning rate (seed 0); ← marks the chosen rate, — a rate not tried for that configuration (the grid is extended only past an edge). {glue:md}`search_caption`
# :name: tbl-errors-search
#
# ```{glue:md} search_grid
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
lr_search_run = (scorecard.archived("shapeset_curves", "search", pretrain_activation=pretrain_activation,
                                    pretrain_noise=pretrain_noise) if profile == "quick" else None)
search_cfg = experiments.config("shapeset_curves", "search", pretrain_activation=pretrain_activation,
                                pretrain_noise=pretrain_noise)
search_command = registry.cli_command("shapeset_curves", "search", search_cfg, device="cpu")
if isinstance(lr_search_run, experiments.Result):
    ls = lr_search_run["search"]
    ls_cfg = lr_search_run.config
    ls_chosen = ls[ls["chosen"]].set_index("config")
    ls_grid = ls.assign(configuration=ls["config"].map(labels),
                        cell=[("diverged" if d else f"{100 * v:.1f}") + (" ←" if c else "")
                              for d, v, c in zip(ls["diverged"], ls["valid_error"], ls["chosen"])])
    ls_grid = (ls_grid.pivot(index="configuration", columns="lr", values="cell").reindex([labels[k] for k in order_cfg])
               .fillna("—").rename(columns=lambda lr: f"lr {lr:g}").reset_index())
    ls_judged = claims.judge("fig11.learning_rates", lr_search_run)
    _, yv = data.examples("shapeset", int(ls_cfg["n_valid"]), "valid", seed=error_curves.SHAPESET_VALID_SEED)
    valid_majority = 1.0 - float(yv.bincount(minlength=9).max()) / len(yv)  # always answering the most frequent class
    ls_stuck = ls_judged.values["plateau"] + ls_judged.values["ties"]
    ls_learned = [k for k in order_cfg if k in ls_chosen.index and k not in ls_stuck]
    extended = sorted(set(ls["lr"]) - set(ls_cfg["learning_rates"]))
    ext_cfgs = [k for k in order_cfg if set(ls[ls["config"] == k]["lr"]) & set(extended)]
    rises = all(ls_chosen.loc[k, "lr"] not in extended for k in ext_cfgs)  # the extension did worse than the chosen rate
    top = max(ls_cfg["learning_rates"])
    at_top = ls[(ls["lr"] == top) & ~ls["diverged"]].set_index("config")["valid_error"]
    fell = [k for k in ls_learned if k in at_top.index and ls_chosen.loc[k, "lr"] < top]
    spread = {k: ls[(ls["config"] == k) & ~ls["diverged"]]["valid_error"] for k in order_cfg}

    def rng(errors) -> str:
        return f"{100 * errors.min():.1f}–{100 * errors.max():.1f}%"

    def rate_range(keys):
        return pages.and_list(f"{labels[k]} {ls_chosen.loc[k, 'lr']:g} ({100 * ls_chosen.loc[k, 'valid_error']:.1f}%)"
                              for k in keys)

    ls_scale = (f"Ours: width {ls_cfg['width']:,}, {ls_cfg['updates']:,} updates per configuration and rate "
                f"({100 * ls_cfg['updates'] / ec_claims.PAPER_SEARCH_UPDATES:.2g}% of the paper's search budget of "
                f"{ec_claims.PAPER_SEARCH_UPDATES:,} updates), seed {ls_cfg['seed']}, grid "
                f"{pages.and_list(ls_cfg['learning_rates'], '{:g}')}"
                + (f" extended to {pages.and_list(extended, '{:g}')} for {names(ext_cfgs)}" if extended else "")
                + f", validation {ls_cfg['n_valid']:,} examples; {lr_search_run.scale()}.")
    pages.glue_all(
        search_status=(
            f"It is archived ({lr_search_run.provenance['wall_time_s'] / 60:.0f} minutes on {lr_search_run.provenance['device']}, "
            f"{lr_search_run.provenance['date'][:10]}). The chosen rates: {rate_range(ls_learned)}"
            + (f"; {names(ls_stuck)}: {pages.and_list((ls_chosen.loc[k, 'lr'] for k in ls_stuck), '{:g}')}" if ls_stuck else "")
            + f". Always answering the most frequent class errs on {100 * valid_majority:.1f}% of the validation set: "
            + (f"{names(ls_stuck)} stay{'s' if len(ls_stuck) == 1 else ''} within a point or so of it at every rate "
               f"({pages.and_list(rng(spread[k]) for k in ls_stuck)}), so "
               f"{'its' if len(ls_stuck) == 1 else 'their'} choice compares networks that have not learned. "
               if ls_stuck else "every network leaves it at some rate. ")
            + (f"The first grid put {names(ext_cfgs)} at its edge, so the grid was extended to "
               f"{pages.and_list(extended, '{:g}')}, where the error rises again: the choice now lies inside the grid. "
               if extended and not ls_judged.values["edge"] and rises else "")
            + (f"At the first grid's largest rate ({top:g}) the networks that learn at a lower one ({names(fell)}) err on "
               f"{rng(at_top[fell])} of the validation set, against {rng(ls_chosen.loc[fell, 'valid_error'])} at their "
               "chosen rates. " if fell else "")
            + f"{int(ls['diverged'].sum())} of the {len(ls)} (configuration, rate) runs diverged. "
            + ls_judged.sentence()),
        search_grid=pages.as_markdown_table(ls_grid),
        search_caption=pages.caption(ls_scale, f"Paper: rates chosen on validation error after "
                                     f"{ec_claims.PAPER_SEARCH_UPDATES:,} updates, grid not stated",
                                     ls_judged.sentence()),
    )
else:
    why = (f"(At the `{profile}` profile this section is skipped: it reads the `search` run beside the `quick` profile's runs.)"
           if lr_search_run is None else "**Not archived yet.** The `search` run is not in the results archive here"
           + (f" ({lr_search_run.why})" if lr_search_run.why else "") + f"; `{search_command}` makes it (about an hour "
           "on one CPU core).")
    pages.glue_all(search_status=why, search_grid=pages.as_markdown_table(pd.DataFrame({"search": [why]})),
                   search_caption=claims.judge("fig11.learning_rates", lr_search_run).sentence()
                   if lr_search_run is not None else why)

# %% [markdown]
# ## Figure 11: test error during online training on Shapeset-3×2
#
# > "Figure 11: Test error during online training on the Shapeset-3×2 dataset, for various
# > activation functions and initialization schemes (ordered from top to bottom in
# > decreasing final error). N after the activation function name indicates the use of
# > normalized initialization."
#
# Seven configurations; all but one have five hidden layers ({numref}`tbl-errors-configurations`).
#
# :::{table} The curves of Fig. 11. The activation of the pre-trained network is not given by the paper; it is our parameter `pretrain_activation`. {glue:md}`configurations_caption`
# :name: tbl-errors-configurations
#
# ```{glue:md} configurations
# :format: myst
# ```
# :::
#
# ### The pre-trained network
#
# > "As a reference we include in Figure 11 the error curve for the supervised fine-tuning
# > from the initialization obtained after unsupervised pre-training with denoising
# > auto-encoders (Vincent et al., 2008)."
#
# Nothing more is said, so we choose, and say so, following {cite}`vincent2008extracting` and
# {cite}`bengio2007greedy`: greedy layer-wise pre-training of each
# hidden layer as a denoising auto-encoder of the (clean) output of the layers below it,
# masking noise that zeroes a fraction `pretrain_noise` of the inputs, an encoder with the
# network's activation starting from the standard initialization, a linear decoder with tied
# weights, squared reconstruction error, plain SGD on minibatches of 10 from a separate
# Shapeset stream (labels unused). Then the whole network, with a fresh softmax layer, is
# fine-tuned exactly like the others, its learning rate chosen the same way. The curve
# counts fine-tuning examples only, as in the paper. The gradients, written out as for the
# supervised network (and checked against autograd in `tests/test_pretrain.py`):
#
# ```{literalinclude} ../src/glorot/pretrain.py
# :language: python
# :pyobject: dae_gradients
# ```
#
# Each layer's reconstruction cost falls during its pre-training
# ({numref}`fig-errors-pretraining`), to {glue:md}`pretrain_ratios` of its first recorded
# value.
#
# ```{glue:figure} fig_pretraining
# :name: fig-errors-pretraining
# :figwidth: 100%
#
# Reconstruction cost of each layer's denoising auto-encoder during greedy pre-training,
# mean over seeds. {glue:md}`pretrain_caption`
# ```

# %% tags=["remove-cell"]
pages.glue("configurations_caption", claims.judge("fig11.configurations", shapeset).sentence())
pages.glue("configurations", pages.as_markdown_table(pd.DataFrame([
    {"curve": c.label, "activation": c.activation or f"{pretrain_activation} (pretrain_activation)",
     "initialization": "normalized (eq. 16)" if c.init == "normalized" else "standard (eq. 1)",
     "hidden layers": c.depth, "pre-trained": "yes" if c.pretrained else "no"}
    for c in (paper.CONFIGURATIONS[k] for k in cfg["configurations"])])))
pre = shapeset["pretraining"]
first_last = pre.sort_values("update").groupby(["seed", "layer"])["reconstruction_cost"].agg(["first", "last"])
ratio = (first_last["last"] / first_last["first"]).groupby("layer").mean()
pages.glue_all(
    pretrain_ratios=", ".join(f"{100 * ratio[k]:.0f}%" for k in ratio.index) + " (layers "
                    + ", ".join(str(k) for k in ratio.index) + ")",
    pretrain_caption=pages.caption(
        f"{pretrain_activation} units, masking noise {cfg['pretrain_noise']:g}, {cfg['pretrain_updates_per_layer']:,} updates "
        f"of 10 examples per layer at learning rate {cfg['pretrain_learning_rate']:g}, {pre['seed'].nunique()} seeds",
        scale_line,
        "Paper: the method is named; noise, epochs and units are not stated, and no pre-training curve is shown",
        claims.judge("fig11.pretraining", shapeset).sentence()),
)
pages.glue("fig_pretraining", plots_errors.pretraining_costs(pre))

# %% [markdown]
# ### The curves
#
# {numref}`fig-errors-fig11` is our Fig. 11, and {numref}`tbl-errors-fig11-final` its final
# errors beside the paper's. Ours is the first {glue:text}`updates_pct:.2g`% of the paper's
# training at {glue:text}`width:,d` units instead of {glue:text}`paper_width:,d`, so compare
# orderings and early slopes, not final levels. Our order from worst to best:
# {glue:md}`order_ours`; the paper's: {glue:md}`order_paper`. Answering always the most
# frequent class errs on {glue:text}`majority_pct:.1f`% of this test set;
# {glue:md}`plateau_sentence`
#
# ```{glue:figure} fig_fig11
# :name: fig-errors-fig11
# :figwidth: 100%
#
# Test error during online training on Shapeset-3×2 at each configuration's chosen rate, mean
# over seeds (band: their range); the legend gives our final error beside the paper's
# (paper: Fig. 11). {glue:md}`fig11_caption`
# ```
#
# :::{table} Final test error of Fig. 11 (%), ours (mean ± sd over seeds at the chosen rate) beside the paper's, worst first. {glue:md}`fig11_table_caption`
# :name: tbl-errors-fig11-final
#
# ```{glue:md} fig11_final
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
final = shapeset["final"]
fin = final.groupby("config")["test_error"].agg(["mean", "std", "count"])
majority_error = ec_claims.majority_error(cfg["n_test"])  # always answering the most frequent class
plateau = ec_claims.on_plateau(shapeset)
order = list(fin.sort_values("mean", ascending=False).index)
paper_order = [k for k in sorted(paper.PAPER_FIG11_FINAL, key=paper.PAPER_FIG11_FINAL.get, reverse=True) if k in fin.index]


def paper_value(k) -> str:
    v = paper.PAPER_FIG11_FINAL[k]
    return f"≈{v:g}" if k in paper.PAPER_FIG11_READ_OFF else f"{v:.2f}"  # Table 1 prints two decimals


fig11_verdict = claims.combine(claims.judge("fig11.order", shapeset), claims.judge("fig11.sigmoid4", shapeset)).sentence()
pages.glue_all(
    majority_pct=100 * majority_error,
    order_ours=", ".join(labels[k] for k in order),
    order_paper=", ".join(labels[k] for k in paper_order),
    plateau_sentence=(f"{names(plateau)} end less than a point below it: they have not left that plateau, where the paper's "
                      f"depth-5 sigmoid stays for all of its {10 * paper_cfg['updates']:.1e} examples." if plateau
                      else "no network ends on it."),
    fig11_final=pages.as_markdown_table(pd.DataFrame({
        "configuration": [labels[k] for k in order],
        "ours (%)": [f"{100 * fin.loc[k, 'mean']:.2f} ± {100 * fin.loc[k, 'std']:.2f}" for k in order],
        "paper (%)": [paper_value(k) for k in order],
        "chosen lr": [f"{chosen.loc[k, 'lr']:g}" for k in order],
    })),
    fig11_table_caption=pages.caption(
        f"{int(fin['count'].min())} seeds, {cfg['n_test']:,} fixed held-out test examples, after {cfg['updates']:,} updates "
        f"({10 * cfg['updates']:.1e} examples); ≈: read off the paper's figure (Table 1 gives the others).", scale_line,
        paper_budget, fig11_verdict),
    fig11_caption=pages.caption(scale_line, paper_budget.rstrip(".") + "; the paper's x axis ends at "
                                f"{10 * paper_cfg['updates']:.1e} examples", fig11_verdict),
)
pages.glue("fig_fig11", plots_errors.error_curves(shapeset["curves"], f"Shapeset-3x2, {cfg['width']} units per layer ({profile} profile)",
                                                  paper_final=paper.PAPER_FIG11_FINAL))

# %% [markdown]
# ## A longer run on this CPU
#
# At the profile's budget the standard tanh and both sigmoid networks have not yet left the
# plateau of the most frequent class, so the run above cannot order them. To look a little
# further without a GPU, the same experiment (learning-rate search included) is run again
# with `longer_factor` times the profile's updates, evaluation interval and pre-training
# budget, checkpointing as it goes. It is still a small fraction of the paper's training, and
# says so. At the `paper` profile the run above already has the paper's size and this one is
# skipped. It is the one {doc}`07_table1` builds its main Table 1 from and, until the `long`
# run of the next section is archived, the one the front page's scorecard judges Fig. 11 on.

# %% tags=["hide-input"]
longer = None
if longer_overrides is not None:
    longer = experiments.run("shapeset_curves", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                             n_seeds=n_seeds, pretrain_activation=pretrain_activation, pretrain_noise=pretrain_noise,
                             **longer_overrides)

# %% [markdown]
# {glue:md}`longer_summary`
#
# ```{glue:figure} fig_longer
# :name: fig-errors-fig11-longer
# :figwidth: 100%
#
# Fig. 11 again, from the longer run: test error during online training on Shapeset-3×2 at
# each configuration's chosen rate (chosen again at this budget), mean over seeds (band:
# their range). {glue:md}`longer_caption`
# ```
#
# :::{table} Final test error (%) at the profile's budget and in the longer run (mean ± sd over seeds), beside the paper's; the paper's orderings checked on the longer run follow the table. {glue:md}`longer_table_caption`
# :name: tbl-errors-longer
#
# ```{glue:md} longer_table
# :format: myst
# ```
# :::
#
# The paper's orderings in the longer run (the test is the one {doc}`07_table1` uses for its
# bold marks): {glue:md}`longer_orderings`. {doc}`07_table1` judges them, on this run, in
# {numref}`tbl-table1-orderings`.

# %% tags=["remove-cell"]
def no_figure(text: str):
    """A small figure that says why there is no plot (the page's figure numbers stay put)."""
    fig, ax = plt.subplots(figsize=(7.5, 1.2))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=11, wrap=True)
    return fig


if longer is None:
    why = skipped.replace("**", "")
    pages.glue_all(longer_summary=skipped, longer_caption=f"No longer run. {why}", longer_table_caption=why,
                   longer_table=pages.as_markdown_table(pd.DataFrame({"longer run": [why]})), longer_orderings=f"none ({why})")
    pages.glue("fig_longer", no_figure(why))
else:
    longer_scale = (f"Ours: {longer.scale()}; Shapeset validation {longer_cfg['n_valid']:,} and test "
                    f"{longer_cfg['n_test']:,} examples.")
    fin_long = longer["final"].groupby("config")["test_error"].agg(["mean", "std"])
    lr_long = longer["search"].query("chosen").set_index("config")["lr"]
    order_long = list(fin_long["mean"].sort_values(ascending=False).index)
    checks_long = error_curves.orderings(longer["final"]).set_index("claim")
    stuck_long = ec_claims.on_plateau(longer)
    left_long = [k for k in order_long if k not in stuck_long]
    long_pct = 100 * longer_cfg["updates"] / paper_cfg["updates"]
    long_verdict = claims.combine(claims.judge("fig11.order", longer), claims.judge("fig11.sigmoid4", longer)).sentence()
    pages.glue_all(
        longer_summary=(f"The longer run trains for {longer_cfg['updates']:,} updates ({10 * longer_cfg['updates']:.1e} "
                        f"examples, {long_pct:.2g}% of the paper's {paper_cfg['updates']:,}). More than a point below the "
                        f"most-frequent-class error ({100 * majority_error:.1f}%): {names(left_long)}; still on that "
                        f"plateau: {names(stuck_long)}."),
        longer_table=pages.as_markdown_table(pd.DataFrame({
            "configuration": [labels[k] for k in order_long],
            f"{cfg['updates']:,} updates (%)": [f"{100 * fin.loc[k, 'mean']:.2f} ± {100 * fin.loc[k, 'std']:.2f}" for k in order_long],
            f"{longer_cfg['updates']:,} updates (%)": [f"{100 * fin_long.loc[k, 'mean']:.2f} ± {100 * fin_long.loc[k, 'std']:.2f}"
                                                       for k in order_long],
            "chosen lr (longer)": [f"{lr_long[k]:g}" for k in order_long],
            "paper (%)": [paper_value(k) for k in order_long],
        })),
        longer_table_caption=pages.caption(longer_scale, paper_budget, long_verdict),
        longer_orderings="; ".join(
            f"{c}: {'holds' if checks_long.loc[c, 'holds'] else 'does not hold'} ({100 * checks_long.loc[c, 'ours_low']:.1f}% vs "
            f"{100 * checks_long.loc[c, 'ours_high']:.1f}%, p = {ec_claims.p_text(checks_long.loc[c, 'p_value'])}, "
            f"{'' if checks_long.loc[c, 'significant'] else 'not '}significant at 0.005)" for c in checks_long.index),
        longer_caption=pages.caption(longer_scale, paper_budget, long_verdict),
    )
    pages.glue("fig_longer", plots_errors.error_curves(
        longer["curves"], f"Shapeset-3x2, {longer_cfg['width']} units per layer, {longer_cfg['updates']:,} updates "
                          f"({profile} profile x {longer_factor})", paper_final=paper.PAPER_FIG11_FINAL))

# %% [markdown]
# ## The paper's number of updates, at width 100
#
# Fig. 11's claims are about orderings over the paper's whole training: which networks leave
# the plateau, and in what order they end. The experiment's `long` profile judges them on a
# run of the paper's length at a smaller width: the seven configurations at width 100 for the
# paper's 2.5M updates each, on 3 seeds, at the rates the search above chose
# (`search_rates.LONG_RATES`), test error every 100,000 updates on a fixed test set. It takes
# hours on one CPU core, so the page never trains it: it is read from the results archive when
# it is there, and it is then the run the front page's scorecard judges Fig. 11 on.
# {glue:md}`budget_status`
#
# ```{glue:figure} fig_budget
# :name: fig-errors-fig11-budget
# :figwidth: 100%
#
# The `long` run, at the paper's number of updates: Fig. 11 again, test error during online
# training on Shapeset-3×2 at each configuration's rate from the search, mean over seeds
# (band: their range); the legend gives our final error beside the paper's.
# {glue:md}`budget_caption`
# ```
#
# :::{table} Final test error of the `long` run (%), mean ± sd over seeds, worst first, beside the paper's Fig. 11. {glue:md}`budget_table_caption`
# :name: tbl-errors-fig11-budget
#
# ```{glue:md} budget_table
# :format: myst
# ```
# :::
#
# :::{table} Fig. 11's claims on the `long` run (the learning-rate claim on the search that chose its rates), as the front page's scorecard judges them. {glue:md}`budget_claims_caption`
# :name: tbl-errors-fig11-budget-claims
#
# ```{glue:md} budget_claims
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
BUDGET_CLAIMS = ("fig11.configurations", "fig11.order", "fig11.sigmoid4", "fig11.pretraining")
budget = (scorecard.archived("shapeset_curves", "long", pretrain_activation=pretrain_activation, pretrain_noise=pretrain_noise)
          if profile == "quick" else None)
budget_cfg = experiments.config("shapeset_curves", "long", pretrain_activation=pretrain_activation, pretrain_noise=pretrain_noise)


def pages_time(seconds: float) -> str:
    """A run's wall time in words: minutes under two hours, else hours."""
    return f"{seconds / 60:.0f} minutes" if seconds < 7200 else f"{seconds / 3600:.1f} hours"


def show_budget(run) -> None:
    """Glue the `long` section from ``run`` (a Result of the `long` profile, or any Result of the same experiment)."""
    b_cfg = run.config
    b_fin = run["final"].groupby("config")["test_error"].agg(["mean", "std", "count"])
    b_lr = run["final"].groupby("config")["lr"].first()
    b_order = list(b_fin["mean"].sort_values(ascending=False).index)
    b_stuck = ec_claims.on_plateau(run)
    b_left = [k for k in b_order if k not in b_stuck]
    b_pct = 100 * b_cfg["updates"] / paper_cfg["updates"]
    b_scale = (f"Ours: width {b_cfg['width']:,}, {b_cfg['updates']:,} updates ({10 * b_cfg['updates']:.1e} examples, "
               f"{b_pct:.3g}% of the paper's {paper_cfg['updates']:,}) per curve, {int(b_fin['count'].min())} seeds, learning "
               f"rates {'; '.join(f'{labels[k]} {b_lr[k]:g}' for k in b_order)}; Shapeset validation {b_cfg['n_valid']:,} "
               f"and test {b_cfg['n_test']:,} examples (fixed seeds); {run.scale()}.")
    judged = {k: claims.judge(k, run) for k in BUDGET_CLAIMS}
    lr_j = claims.judge("fig11.learning_rates", lr_search_run) if lr_search_run is not None else None
    b_verdict = claims.combine(judged["fig11.order"], judged["fig11.sigmoid4"]).sentence()
    rows = [(claims.claim(k), j, "the `long` run") for k, j in judged.items()]
    if lr_j is not None:
        rows.insert(1, (claims.claim("fig11.learning_rates"), lr_j, "the `search` run"))
    pages.glue_all(
        budget_status=(f"It is archived: {pages_time(run.provenance['wall_time_s'])} on {run.provenance['device']}, "
                       f"{run.provenance['date'][:10]}. After {b_cfg['updates']:,} updates ({b_pct:.3g}% of the paper's), "
                       f"our order from worst to best is {', '.join(labels[k] for k in b_order)}; the paper's: "
                       f"{', '.join(labels[k] for k in paper_order)}. More than a point below the most-frequent-class error "
                       f"({100 * ec_claims.majority_error(int(b_cfg['n_test'])):.1f}%): {names(b_left)}; still on that "
                       f"plateau: {names(b_stuck)}. {b_verdict}"),
        budget_caption=pages.caption(b_scale, paper_budget, b_verdict),
        budget_table=pages.as_markdown_table(pd.DataFrame({
            "configuration": [labels[k] for k in b_order],
            "ours (%)": [f"{100 * b_fin.loc[k, 'mean']:.2f} ± {100 * b_fin.loc[k, 'std']:.2f}" for k in b_order],
            "paper (%)": [paper_value(k) for k in b_order],
            "learning rate": [f"{b_lr[k]:g}" for k in b_order],
        })),
        budget_table_caption=pages.caption(b_scale, paper_budget, b_verdict),
        budget_claims=pages.as_markdown_table(pd.DataFrame({
            "claim": [c.text for c, _, _ in rows],
            "paper": [c.paper for c, _, _ in rows],
            "judged on": [on for _, _, on in rows],
            "ours": [j.ours for _, j, _ in rows],
            "verdict": [f"**{j.kind}**: {j.reason}" for _, j, _ in rows],
        })),
        budget_claims_caption=pages.caption(b_scale, paper_budget, b_verdict),
    )
    pages.glue("fig_budget", plots_errors.error_curves(
        run["curves"], f"Shapeset-3x2, {b_cfg['width']} units per layer, {b_cfg['updates']:,} updates "
                       f"('{run.profile}' profile)", paper_final=paper.PAPER_FIG11_FINAL))


if isinstance(budget, experiments.Result):
    show_budget(budget)
else:
    long_command = registry.cli_command("shapeset_curves", "long", budget_cfg, device="cpu")
    why = (f"(At the `{profile}` profile this section is skipped: it reads the `long` run beside the `quick` profile's runs.)"
           if budget is None else "**Not archived yet.** The `long` run is not in the results archive here"
           + (f" ({budget.why})" if budget.why else "") + f", so this section has no numbers; `{long_command}` makes it "
           f"(3 seeds × {len(budget_cfg['configurations'])} configurations × {budget_cfg['updates']:,} updates: hours on "
           "one CPU core, checkpointing as it goes).")
    lr_sentence = (claims.judge("fig11.learning_rates", lr_search_run).sentence() if lr_search_run is not None else "")
    rates_caption = f"{why} The rates it trains at are those the search above chose: {lr_sentence}" if lr_sentence else why
    given = dict(zip(budget_cfg["configurations"], budget_cfg["config_learning_rates"]))
    paper_rank = sorted(budget_cfg["configurations"], key=paper.PAPER_FIG11_FINAL.get, reverse=True)
    rows = [(claims.claim(k), claims.judge(k, budget) if budget is not None else None, "the `long` run") for k in BUDGET_CLAIMS]
    if lr_search_run is not None:
        rows.insert(1, (claims.claim("fig11.learning_rates"), claims.judge("fig11.learning_rates", lr_search_run),
                        "the `search` run"))
    pages.glue_all(
        budget_status=why, budget_caption=why, budget_table_caption=rates_caption, budget_claims_caption=rates_caption,
        budget_table=pages.as_markdown_table(pd.DataFrame({
            "configuration": [labels[k] for k in paper_rank],
            "ours (%)": ["not archived yet"] * len(paper_rank),
            "paper (%)": [paper_value(k) for k in paper_rank],
            "learning rate (from the search)": [f"{given[k]:g}" for k in paper_rank],
        })),
        budget_claims=pages.as_markdown_table(pd.DataFrame({
            "claim": [c.text for c, _, _ in rows],
            "judged on": [on for _, _, on in rows],
            "verdict": [j.sentence() if j is not None else why for _, j, _ in rows]})))
    pages.glue("fig_budget", why)  # no figure: the page says why in its place

# %% [markdown]
# ## At the paper's scale
#
# Fig. 11 at the paper's scale (width {glue:text}`paper_width:,d`, {glue:text}`paper_updates:,d`
# updates per curve, the learning-rate search included) needs a GPU: {glue:md}`paper_command`
# The run archives its result under `results/`, which this page then shows with
# `-p profile paper`; it checkpoints under `tmp/checkpoints/` and resumes when re-run.
# {doc}`07_table1` lists every run that §5 still misses at the paper's scale.
#
# ## What differs from the paper
#
# * **Scale** (the main difference): at the {glue:md}`profile` profile,
#   {glue:text}`width:,d` units instead of {glue:text}`paper_width:,d` and
#   {glue:text}`updates_pct:.2g`% of the paper's updates per curve (stated under each figure);
#   the errors are those of the very start of the paper's training, so only orderings and
#   early slopes are comparable. The longer run ({glue:md}`longer_words`) goes a little
#   further; the `long` run ({numref}`fig-errors-fig11-budget`, where archived) has the paper's
#   number of updates, at width 100.
# * **Learning rates**: the paper's grid is not given; ours ({numref}`tbl-errors-lr-grid`) is
#   searched at the curves' budget (the paper: after 5 million updates), on the first seed only;
#   the `long` run's come from a search of 500,000 updates ({numref}`tbl-errors-search`).
# * **Seeds**: the paper reports one run per curve; we draw the mean over seeds and their range.
# * **Pre-training**: noise, epochs, units and decoder are not given; ours are stated above
#   ({numref}`fig-errors-pretraining`).
# * **Test and validation sets** of Shapeset: sizes not given; ours are fixed sets of
#   {glue:text}`n_valid:,d` and {glue:text}`n_test:,d` examples drawn with their own seeds from
#   our re-implementation of the generator.
#
# {glue:md}`run_times`

# %% tags=["remove-cell"]
runs = {"shapeset_curves": shapeset} | ({"the longer run": longer} if longer is not None else {})
models = len(paper_cfg["configurations"]) * (len(paper_cfg["learning_rates"]) + paper_cfg["n_seeds"] - 1)
pages.glue_all(
    n_valid=cfg["n_valid"], n_test=cfg["n_test"],
    longer_words=(f"{longer_factor} times the profile's budget, still {long_pct:.2g}% of the paper's updates"
                  if longer is not None else skipped.replace("**", "")),
    paper_command=(f"`python -m glorot run shapeset_curves --profile paper --device cuda` ({models} networks of width "
                   f"{paper_cfg['width']:,} × {paper_cfg['updates']:,} updates = {models * paper_cfg['updates']:.2e} model-updates)."),
    run_times=(f"This page's `{profile}` runs took " + ", ".join(f"{k} {r.provenance['wall_time_s']:.0f} s" for k, r in runs.items())
               + f" ({sum(r.provenance['wall_time_s'] for r in runs.values()) / 60:.1f} min in all; "
               + ", ".join(sorted({r.source for r in runs.values()})) + f", {shapeset.provenance['device']})."),
)
