# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Why were deep networks hard to train? Glorot & Bengio (2010), reproduced
#
# In 2010, Xavier Glorot and Yoshua Bengio asked a simple question
# {cite}`glorot2010understanding`:
#
# > "Our objective here is to understand better why standard gradient descent from random
# > initialization is doing so poorly with deep neural networks, to better understand these
# > recent relative successes and help design better algorithms in the future."
#
# Deep multi-layer perceptrons trained by plain back-propagation from a small random
# initialization did worse than shallow ones, while networks first pre-trained layer by layer
# {cite}`bengio2007greedy` did well. The paper does not propose a new algorithm first: it
# *watches* training. It monitors the activations and gradients of every layer while a
# network learns, finds that some non-linearities saturate layer by layer, that the usual
# initialization makes back-propagated gradients shrink toward the input, and derives from a
# variance argument the **normalized initialization** that the deep-learning world now calls
# *Xavier* or *Glorot* initialization:
#
# $$
# W \sim U\left[-\frac{\sqrt 6}{\sqrt{n_j + n_{j+1}}},\; \frac{\sqrt 6}{\sqrt{n_j + n_{j+1}}}\right].
# $$
#
# This book re-runs that investigation. Every chapter follows one section of the paper, quotes
# it, shows the code of the `glorot` package that does exactly what the text says, and puts
# our result beside the paper's figure or number. Where we differ, the page says so.
#
# **Parameters.** `profile` is the profile whose archived runs the scorecard reads (`quick`,
# the default; `smoke` and `paper` read theirs, where archived); `longer_factor` is the
# chapters' longer runs (that many times the profile's updates; 1 to read the profile's own
# runs only).

# %% tags=["parameters"]
profile = "quick"
longer_factor = 5

# %% tags=["hide-input"]
from glorot import scorecard

runs = scorecard.load_runs(profile, longer_factor)  # reads the archive only; never trains
card = scorecard.rows(runs)

# %% tags=["remove-cell"]
from glorot import budget, experiments, pages, paper
from glorot.experiments import plan as plans

n_verdicts = scorecard.counts(card)
pages.glue("index_scorecard", scorecard.markdown(card))
pages.glue("index_reasons", scorecard.reasons_markdown(card))
pages.glue("index_counts", scorecard.counts_sentence(card))
pages.glue("index_n_claims", len(card))
pages.glue("index_profile", f"`{profile}`")
pages.glue("index_n_runs", scorecard.n_archived(runs))  # the number the caption's provenance sentence says too
pages.glue("index_scale_sentence", scorecard.scale_sentence(card))
pages.glue("index_scorecard_caption", pages.caption(
    f"Each row is one claim of `glorot.claims`, judged by the same rule, on the same archived run, as the verdict under "
    f"its chapter's figure (profile `{profile}`; the chapters' `long` runs, else their `wide` runs, else their longer "
    "runs, where archived), never typed and never trained here",
    "Measured at: the width and updates (or examples) beside the paper's, and the seeds; the list of reasons "
    "below names each row's run by its profile (`long`: the paper's updates at width 100; `wide`: the paper's 1000 "
    "units on a CPU; ×5: the chapter's longer run)",
    scorecard.provenance_sentence(runs)))

shapeset = runs["shapeset"]
fig11_row = scorecard.row(card, "fig11.order")
measured = fig11_row.verdict != scorecard.NOT_ARCHIVED
pages.glue("index_thumbnail", scorecard.thumbnail(shapeset))
pages.glue("index_thumbnail_summary", (
    f"{fig11_row.reason[:1].upper() + fig11_row.reason[1:]}. Our errors come from the "
    + "{} run ({})".format(*scorecard.scale(shapeset).split(": ", 1))
    + (", the very start of the paper's training." if fig11_row.below_paper else ", at the paper's scale."))
    if measured else f"ours is not archived at the `{profile}` profile, so only the paper's bars are drawn.")
pages.glue("index_thumbnail_caption", pages.caption(
    "Ours: " + (shapeset.scale() if measured else scorecard.scale(shapeset)),
    f"Paper: Fig. 11 and Table 1, width 1000, {paper.PAPER_EXAMPLES:.1e} examples per curve",
    fig11_row.judgement.sentence() if measured else "Ours is not archived at this profile: only the paper's bars are drawn"))

pages.glue("index_profiles", scorecard.profiles_table())
shares = scorecard.longer_shares(profile, longer_factor)
pages.glue("index_longer", (
    f"The chapters on training also show a **longer run** made on a CPU: {longer_factor} times the `{profile}` budget "
    f"(their `longer_factor` parameter; in the scorecard, the rows whose scale says ×{longer_factor}). That is still "
    f"only {min(shares.values()):.2g}% to {max(shares.values()):.2g}% of the paper's updates, each one labelled as "
    f"such; its scale line names each setting it changes from the profile.")
    if shares else f"At the `{profile}` profile with `longer_factor` {longer_factor}, the chapters make no longer runs.")
pages.glue("index_paper_updates", experiments.experiment("shapeset_curves").defaults("paper")["updates"] / 1e6)
pages.glue("index_limit_minutes", budget.LIMIT_S // 60)
pages.glue("index_chunk_minutes", plans.CHUNK_MINUTES)
h200 = plans.make_plan("paper", "h200")
pages.glue("index_h200_hours", h200.total_minutes() / 60)
pages.glue("index_h200_chunks", len(h200.chunks))
spread = scorecard.seed_spread(shapeset)
pages.glue("index_seed_spread", (
    f"In this archive the standard deviation over seeds of a configuration's final Shapeset test error is "
    f"{spread[0]:.1f} to {spread[1]:.1f} points ({scorecard.scale(shapeset)})") if spread
    else f"No archived Shapeset run at the `{profile}` profile gives a spread over seeds to compare with")

# %% [markdown]
# ## Results at a glance
#
# Every claim of the paper that this book checks has one row below, grouped by the paper's
# section: its verdict, the figure, table cell or number, the paper's value, ours, and the
# scale it was measured at. Each group names the chapter that shows it and counts its verdicts.
# The rows are read from the results archive at the {glue:md}`index_profile` profile
# ({glue:text}`index_n_runs` archived runs), with the configuration each chapter uses. Each claim is one object of the package `glorot.claims` (its paper value, the
# quantity measured, its rule, the scale its rule needs), and each verdict is chosen by that
# rule from the numbers: the chapter's verdict under the figure calls the same rule on the same
# run. A figure that shows several claims takes the worst of their verdicts, so a row can agree
# where its figure agrees only in part.
# {glue:md}`index_counts` {glue:md}`index_scale_sentence`
#
# ````{container} scorecard
# ```{glue:md} index_scorecard
# :format: myst
# ```
# ````
#
# *The scorecard: each claim of the paper beside our result (the front page's tables and figure
# are not numbered, so that "Table 1" and "Fig. 1" always mean the paper's).*
# {glue:md}`index_scorecard_caption`
#
# ````{dropdown} Why each row has its verdict
# ```{glue:md} index_reasons
# :format: myst
# ```
# ````
#
# One claim's rule, as an example: a cell of Table 1 agrees when our error cannot be told apart
# from the paper's by the two-proportion z-test at the paper's p = 0.005, and differs
# otherwise; the scale rule that every training claim shares
# (`glorot.claims.Claim.judge`) then makes a difference seen in a run smaller than the
# paper's read "not yet at paper scale". A claim whose network did not learn (it stayed on the
# plateau of the most frequent class) is "inconclusive": it says nothing about the paper's
# claim. Each rule states itself in its docstring, beside its thresholds.
#
# ````{dropdown} The rule of a cell of Table 1
# ```{literalinclude} ../src/glorot/claims/error_curves.py
# :language: python
# :pyobject: _table1_cell
# ```
# ````
#
# The figure below puts the final errors of the paper's Fig. 11 beside ours, at a glance:
# {glue:md}`index_thumbnail_summary`
#
# ````{container} figure-scroll
# ```{glue} index_thumbnail
# ```
# ````
#
# *Final test error on Shapeset-3×2 of the seven configurations of the paper's Fig. 11, the
# paper's (grey) above ours (blue: the mean over seeds; the whisker spans them).*
# {glue:md}`index_thumbnail_caption`

# %% [markdown]
# ## How to read and re-run this book
#
# Each chapter is an executed Jupyter notebook (`book/NN_name.ipynb`, paired with a plain-text
# `book/NN_name.py`). Its first code cell holds its **parameters**; the cell after it checks
# them before anything is computed, so a typo fails at once with the list of valid values.
#
# * Read it here: every figure was computed by the code shown on the page, and every number
#   in the prose comes from the cell that computed it.
# * Re-execute a chapter in Jupyter: `make book` creates the environment in `.venv`. There is
#   no launch (Binder) button: the book is built to work offline, on a machine without
#   internet access, so run it yourself, with two commands from a clone of the repository:
#   `make book` (set up, execute every chapter, render the site) and `make test` (every check).
# * Ask your own question with papermill, e.g. another activation:
#
#   ```bash
#   .venv/bin/papermill book/04_initialization.ipynb out.ipynb -p activation softsign
#   ```
# * Run an experiment without Jupyter, for instance on a GPU machine:
#
#   ```bash
#   python -m glorot run init_statistics --profile paper --device cuda
#   ```
#
# ## Profiles, scale and the results archive
#
# Training at the paper's scale (five hidden layers of 1000 units, minibatches of 10,
# {glue:text}`index_paper_updates:.1f` million updates per curve) is far beyond a 2-core CPU:
# before a run, `glorot` estimates its wall time on the device and refuses one estimated over
# {glue:text}`index_limit_minutes` minutes unless `allow_long=True`. On one H200 GPU, the
# roofline model of {doc}`09_performance` puts the whole `paper` profile at about
# {glue:text}`index_h200_hours:.1f` GPU-hours, in {glue:text}`index_h200_chunks` chunks of at
# most {glue:text}`index_chunk_minutes:.0f` minutes (a model, not a measurement). Every experiment therefore has
# **profiles**, named presets of its configuration: `smoke`, `quick` and `paper` for every
# experiment, and `wide`, `search` and `long` for those that need them:
#
# ```{glue:md} index_profiles
# :format: myst
# ```
#
# *The profiles: what each is for, the training experiments that have it, their hidden widths
# and updates per network at that profile, and the runs of it in the archive.*
#
# Results computed by `python -m glorot run ...` are stored in `results/` as small tables with
# their **provenance**: package version and git commit, a fingerprint of the code that ran,
# torch version, device, date, wall time, full configuration and seeds, and the sha256 of every
# table and data file (never model weights). A chapter shows an archived run when one with
# exactly its configuration exists, after checking it (configuration field by field, every
# hash; a run made with an earlier version of the code says so in its caption), and computes
# live otherwise. Every figure says which it shows, at which profile, with its budget beside
# the paper's. A reduced-scale result is never presented as the paper-scale one.
# {glue:md}`index_longer`
#
# **How reproducible is a run?** The same configuration and seeds give bit-identical results on
# the same machine: every random number comes from a seeded generator, and on a CPU training
# uses a fixed number of torch threads (one, for the training experiments; the provenance names
# it). On another processor the matrix products round differently in the last bits, and SGD
# amplifies such differences over thousands of updates. We saw this when the archive was
# re-made on another CPU (AMD EPYC instead of Intel Xeon): the initialization statistics
# changed in their last digits, and a trained network's final test error at the `quick` budget
# moved by about as much as it varies from one seed to the next. That is the size of noise to
# expect when you re-run a chapter yourself, and the spread over seeds that chapters
# {doc}`06_error_curves` and {doc}`07_table1` report is the better guide to what is real.
# {glue:md}`index_seed_spread`.
#
# ## Map: the paper's sections and figures, and where they are reproduced
#
# | paper | content | chapter |
# |---|---|---|
# | §2, Fig. 1 | Shapeset-3×2, the finite datasets, the network, cost and optimiser | {doc}`01_setting` |
# | §3.1–3.3, Figs. 2–4 | saturation of sigmoid, tanh and softsign networks during training | {doc}`02_saturation` |
# | §4.1, Fig. 5 | cross-entropy versus quadratic cost surfaces, and in training | {doc}`03_cost` |
# | §4.2, eqs. (2)–(17), Figs. 6–8 | the variance argument, normalized initialization, gradients and Jacobians at initialization | {doc}`04_initialization` |
# | §4.3, Figs. 9–10 | back-propagated gradients during learning | {doc}`05_learning_dynamics` |
# | §5, Fig. 11 | learning-rate selection, the error curves on Shapeset-3×2, a longer run | {doc}`06_error_curves` |
# | §5, Table 1 | Table 1, its significance test, and what is missing at the paper's scale | {doc}`07_table1` |
# | §5, Fig. 12 | the finite datasets, the MNIST subset, the SVM baseline | {doc}`08_finite_datasets` |
# | — | what the code achieves on each device, against the memory-bandwidth bound | {doc}`09_performance` |
# | — | running the paper's grid on a cluster (Dask: one GPU, SLURM, a running scheduler) and its GPU-hours | {doc}`10_cluster` |
#
# ## How to cite
#
# Please cite the paper, and this book if you use its code or its results (a `CITATION.cff`
# at the repository's root says the same; the book is under the MIT licence, `LICENSE`):
#
# ```bibtex
# @inproceedings{glorot2010understanding,
#   title     = {Understanding the difficulty of training deep feedforward neural networks},
#   author    = {Glorot, Xavier and Bengio, Yoshua},
#   booktitle = {Proceedings of the Thirteenth International Conference on Artificial
#                Intelligence and Statistics (AISTATS)},
#   series    = {Proceedings of Machine Learning Research},
#   volume    = {9},
#   pages     = {249--256},
#   year      = {2010},
#   publisher = {PMLR},
#   url       = {https://proceedings.mlr.press/v9/glorot10a.html}
# }
#
# @software{glorot_reproduction_book,
#   title   = {Glorot \& Bengio (2010), reproduced: a literate, executable reproduction of
#              ``Understanding the difficulty of training deep feedforward neural networks''},
#   author  = {{The glorot reproduction book contributors}},
#   year    = {2026},
#   version = {0.1.0},
#   license = {MIT}
# }
# ```
#
# Every work the book cites is listed in {doc}`references`.
