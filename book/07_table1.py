# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Table 1 and its significance test (§5)
#
# > "Table 1: Test error with different activation functions and initialization schemes for
# > deep networks with 5 hidden layers. N after the activation function name indicates the
# > use of normalized initialization. Results in bold are statistically different from
# > non-bold ones under the null hypothesis test with p = 0.005."
# > {cite}`glorot2010understanding`
#
# This page puts the final test errors of the five depth-5 configurations beside the paper's
# Table 1, marks them in bold by a stated significance test, and checks the orderings the
# paper reads off the table. The Shapeset column comes from the runs of
# {doc}`06_error_curves` (Fig. 11, where the learning rates are chosen): the main table holds
# the largest run of the profile (at the `quick` profile, the chapter's longer run,
# `longer_factor` times the profile's updates), and the run at the profile's own budget
# follows it; a later section shows the `long` run (the paper's 2.5M updates at width 100),
# which the front page's scorecard judges where it is archived (else the main table's run);
# the MNIST, CIFAR-10
# and ImageNet columns from the finite-dataset runs of {doc}`08_finite_datasets`, which are
# made only where the data files are present. The last section says what is missing at the
# paper's scale and the commands that produce it. {glue:md}`scale_warning`
#
# **Parameters.** `profile` is `smoke` (seconds, for tests), `quick` (the default: archived
# runs, recomputed live with `-p use_archive False`) or `paper` (needs a GPU). `n_seeds`,
# `pretrain_activation`, `pretrain_noise` and `longer_factor` select the Shapeset runs (as on
# {doc}`06_error_curves`); `finite_datasets` the datasets of the other columns (run when their
# files are present) and `substitute_dataset` a dataset shown as an extra column, clearly
# labelled, where the paper's are absent (`""` for none). Every parameter is checked before
# any computation: an unknown profile, dataset or value stops the page in the first code cell
# with the list of valid values, and a substitute whose files are missing stops it with where
# to get them.

# %% tags=["parameters"]
profile = "quick"
device = "cpu"
use_archive = True
allow_long = False  # run even if the estimate is over 30 min
n_seeds = None
pretrain_activation = "tanh"
pretrain_noise = 0.25
longer_factor = 5
finite_datasets = ["mnist", "cifar10", "small-imagenet"]
substitute_dataset = "mnist-5k"

# %% tags=["remove-cell"]
import pandas as pd

from glorot import claims, data, experiments, pages, paper, scorecard, stats
from glorot.claims import error_curves as ec_claims
from glorot.experiments import error_curves, registry
from glorot.validation import check_device

device = check_device(device)
experiments.check_flags(use_archive=use_archive, allow_long=allow_long)
cfg = experiments.config("shapeset_curves", profile, n_seeds=n_seeds, pretrain_activation=pretrain_activation,
                         pretrain_noise=pretrain_noise)
longer_overrides, skipped = experiments.longer_run(profile, longer_factor, cfg,
                                                   ("updates", "eval_every", "pretrain_updates_per_layer"))
finite_cfgs = {ds: experiments.config("finite_curves", profile, dataset=ds, n_seeds=n_seeds) for ds in finite_datasets}
if substitute_dataset:
    substitute_cfg = experiments.config("finite_curves", profile, dataset=substitute_dataset, n_seeds=n_seeds)
    data.check_data(substitute_dataset)
present = {ds: data.available(ds) for ds in finite_datasets}
paper_cfg = experiments.config("shapeset_curves", "paper")

# %% [markdown]
# The runs, each trained live or (by default) loaded from the results archive, verified
# against the code that made it:

# %% tags=["hide-input"]
shapeset = experiments.run("shapeset_curves", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                           n_seeds=n_seeds, pretrain_activation=pretrain_activation, pretrain_noise=pretrain_noise)
longer = (experiments.run("shapeset_curves", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                          n_seeds=n_seeds, pretrain_activation=pretrain_activation, pretrain_noise=pretrain_noise,
                          **longer_overrides) if longer_overrides is not None else None)
main = longer if longer is not None else shapeset  # the largest Shapeset run: Table 1's column and its verdicts
finite = {ds: experiments.run("finite_curves", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                              dataset=ds, n_seeds=n_seeds)
          for ds in finite_datasets if present[ds]}
substitute = (experiments.run("finite_curves", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                              dataset=substitute_dataset, n_seeds=n_seeds) if substitute_dataset else None)

# %% tags=["remove-cell"]
PAPER_N_TEST = 10_000  # test examples per column assumed for the paper's own numbers
labels = {k: c.label for k, c in paper.CONFIGURATIONS.items()}
main_cfg = main.config
at_paper_scale = main_cfg["updates"] >= paper_cfg["updates"] and main_cfg["width"] >= paper_cfg["width"]
threads = int(main["meta"].set_index("key").loc["torch_threads_during_training", "value"])
scale_line = (f"Shapeset: {main.scale()}; training used {threads} torch thread(s); Shapeset validation "
              f"{main_cfg['n_valid']:,} and test {main_cfg['n_test']:,} examples (fixed seeds).")
short_line = (f"Shapeset at the profile's budget: {shapeset.scale()}; Shapeset validation {cfg['n_valid']:,} and test "
              f"{cfg['n_test']:,} examples (fixed seeds).")
CELLS = {"softsign": "table1.shapeset.softsign", "softsign-N": "table1.shapeset.softsign-N", "tanh": "table1.shapeset.tanh",
         "tanh-N": "table1.shapeset.tanh-N", "sigmoid-5": "table1.shapeset.sigmoid-5"}  # the claims of Table 1's Shapeset column
TABLE_CLAIMS = [*CELLS.values(), "table1.shapeset.bold"]
scale_lines = " ".join([scale_line] + [f"{ds}: {r.scale()}." for ds, r in finite.items()]
                       + ([f"{substitute_dataset}: {substitute.scale()}."] if substitute is not None else []))
paper_budget = (f"Paper: width {paper_cfg['width']:,}, {paper_cfg['updates']:,} updates "
                f"({10 * paper_cfg['updates']:.1e} examples) per entry; test set sizes not stated.")


pages.glue("scale_warning", "These are paper-scale runs." if at_paper_scale else
           f"**Nothing on this page is the paper-scale result**: the largest Shapeset run has {main_cfg['width']:,} units per "
           f"layer instead of {paper_cfg['width']:,} and {100 * main_cfg['updates'] / paper_cfg['updates']:.2g}% of the paper's "
           "updates.")

# %% [markdown]
# ## The significance test
#
# The paper does not name its test. We use the two-proportion z-test on test errors, against
# the best entry of each column: an entry is bold when its error cannot be told apart from
# the column's best at p = {glue:text}`alpha:g`. With several seeds, the seed-mean error is
# tested with n = the test-set size (one classifier's worth of test examples: conservative).
#
# ```{literalinclude} ../src/glorot/stats.py
# :language: python
# :pyobject: two_proportion_z_test
# ```
#
# ```{literalinclude} ../src/glorot/stats.py
# :language: python
# :pyobject: bold_marks
# ```
#
# Applied to the paper's own numbers, with {glue:text}`paper_n_test:,d` test examples per
# column, this rule gives {glue:text}`paper_marks_match:d` of the paper's
# {glue:text}`paper_marks_total:d` bold marks ({glue:md}`paper_marks_detail`; also checked in
# `tests/test_error_curves.py`).

# %% tags=["remove-cell"]
match, total, mismatched = 0, 0, []
for ds, name in paper.TABLE1_COLUMNS.items():
    marks = stats.bold_marks({row: paper.PAPER_TABLE1[row][ds] / 100 for row in paper.TABLE1_ROWS}, PAPER_N_TEST)
    for row in paper.TABLE1_ROWS:
        total += 1
        if bool(marks.loc[row, "bold"]) == paper.PAPER_TABLE1_BOLD[row][ds]:
            match += 1
        else:
            mismatched.append(f"{name} {paper.TABLE1_ROWS[row]}")
pages.glue_all(alpha=stats.ALPHA, paper_n_test=PAPER_N_TEST, paper_marks_match=match, paper_marks_total=total,
               paper_marks_detail=("every mark of the paper's table is recovered" if not mismatched else
                                   f"not recovered: {pages.and_list(mismatched)}"))

# %% [markdown]
# ## Table 1
#
# {numref}`tbl-table1` is our Table 1 beside the paper's, its Shapeset column from the largest
# Shapeset run of the profile ({glue:md}`main_words`); {numref}`tbl-table1-claims` judges each of its
# Shapeset cells and its bold marks against the paper's; {numref}`tbl-table1-details` gives
# the learning rate chosen on validation for each of our entries and its p-value against the
# best of its column; {numref}`tbl-table1-profile` puts the Shapeset column at the profile's own
# budget beside it. {glue:md}`table1_summary` The data files the finite columns need, and how
# to get them, are on {doc}`08_finite_datasets`.
#
# :::{table} The paper's Table 1 beside ours: test error (%) of deep networks with 5 hidden layers, ours (mean ± sd over seeds, at the learning rate chosen on validation) beside the paper's; our Shapeset column is the largest Shapeset run of the profile (the `long` run has its own table below). Bold: not significantly worse than the best of its column (two-proportion z-test, p = 0.005, n = the test-set size; the paper's own bold marks for its values). N: normalized initialization (eq. 16). {glue:md}`table1_caption`
# :name: tbl-table1
#
# ```{glue:md} table1
# :format: myst
# ```
# :::
#
# :::{table} Table 1's Shapeset claims, each judged on the run of {numref}`tbl-table1` by the rules of the front page's scorecard: a cell is "agrees" when ours is not significantly different from the paper's (two-proportion z-test, p = 0.005); the bold marks agree when they fall on the same rows. {glue:md}`claims_caption`
# :name: tbl-table1-claims
#
# ```{glue:md} table1_claims
# :format: myst
# ```
# :::
#
# :::{table} The entries of {numref}`tbl-table1` that we ran: the learning rate chosen on validation, and the p-value of the z-test against the best entry of the column (bold when p ≥ 0.005). {glue:md}`details_caption`
# :name: tbl-table1-details
#
# ```{glue:md} table1_details
# :format: myst
# ```
# :::
#
# :::{table} Table 1's Shapeset column at the profile's own budget beside the run of {numref}`tbl-table1`: test error (%), mean ± sd over seeds at each run's chosen rate, bold as in {numref}`tbl-table1` within each run. {glue:md}`profile_caption`
# :name: tbl-table1-profile
#
# ```{glue:md} table1_profile
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
columns = dict(paper.TABLE1_COLUMNS)
finals = {"shapeset": main["final"]} | {ds: finite[ds]["final"] for ds in columns if ds in finite}
not_run = {ds: ("data absent" if ds in finite_datasets else "not asked for in finite_datasets")
           for ds in columns if ds != "shapeset" and ds not in finite}
if substitute is not None:
    finals[substitute_dataset] = substitute["final"]
table = error_curves.table1(finals)
usual = int(table["n_seeds"].max())


def ours_cell(r) -> str:
    if r["n_seeds"] == 0:
        return "all rates diverged" if r["all_diverged"] else "not run"
    cell = f"{100 * r['mean']:.2f}" + ("" if pd.isna(r["sd"]) else f" ± {100 * r['sd']:.2f}")
    cell = f"**{cell}**" if r["bold"] else cell
    if int(r["n_seeds"]) != usual:  # fewer seeds than the others (some diverged): say so
        cell += f" (n = {int(r['n_seeds'])})"
    if int(r["n_diverged"] or 0):  # seeds whose model diverged are left out of the mean, and counted here
        cell += f" ({int(r['n_diverged'])} diverged)"
    return cell


def paper_cell(r) -> str:
    return "—" if pd.isna(r["paper"]) else f"**{r['paper']:.2f}**" if r["paper_bold"] else f"{r['paper']:.2f}"


rows = []
for row, label in paper.TABLE1_ROWS.items():
    rec = {"TYPE": label}
    for ds, name in columns.items():
        r = table[(table["row"] == row) & (table["dataset"] == ds)]
        if ds in not_run:
            rec[f"{name}: paper only"] = paper_cell(r.iloc[0]) if len(r) else \
                paper_cell({"paper": paper.PAPER_TABLE1[row][ds], "paper_bold": paper.PAPER_TABLE1_BOLD[row][ds]})
        else:
            rec[f"{name}: ours"], rec[f"{name}: paper"] = ours_cell(r.iloc[0]), paper_cell(r.iloc[0])
    if substitute is not None:
        r = table[(table["row"] == row) & (table["dataset"] == substitute_dataset)].iloc[0]
        rec[f"{substitute_dataset}: ours (not in the paper)"] = ours_cell(r)
    rows.append(rec)
ran = [ds for ds in finals]
details = []
for row, label in paper.TABLE1_ROWS.items():
    rec = {"TYPE": label}
    for ds in ran:
        r = table[(table["row"] == row) & (table["dataset"] == ds)].iloc[0]
        name = columns.get(ds, ds)
        rec[f"{name}: chosen lr"] = "—" if pd.isna(r["lr"]) else f"{r['lr']:g}"
        rec[f"{name}: p vs best"] = "—" if pd.isna(r["p_value"]) else ec_claims.p_text(r["p_value"])
    details.append(rec)

sh = table[table["dataset"] == "shapeset"].set_index("row")
bold_ours = [paper.TABLE1_ROWS[row] for row in sh.index if sh.loc[row, "bold"]]
missing = [columns[ds] for ds in not_run]
judged = {k: claims.judge(k, main) for k in TABLE_CLAIMS}
table1_verdict = claims.combine(*judged.values()).sentence()
short_judged = {k: claims.judge(k, shapeset) for k in TABLE_CLAIMS}
profile_verdict = claims.combine(*short_judged.values()).sentence()
short = error_curves.table1({"shapeset": shapeset["final"]}).set_index("row")
pages.glue_all(
    main_words=(f"{main_cfg['updates']:,} updates, {longer_factor} times the profile's {cfg['updates']:,}, "
                f"{100 * main_cfg['updates'] / paper_cfg['updates']:.2g}% of the paper's {paper_cfg['updates']:,}; width "
                f"{main_cfg['width']:,} of the paper's {paper_cfg['width']:,}" if longer is not None else
                f"the profile's run, {main_cfg['updates']:,} updates at width {main_cfg['width']:,}: no longer run "
                f"({skipped.replace('**', '')})"),
    table1=pages.as_markdown_table(pd.DataFrame(rows)),
    table1_details=pages.as_markdown_table(pd.DataFrame(details)),
    table1_claims=pages.as_markdown_table(pd.DataFrame({
        "claim": [claims.claim(k).text for k in judged],
        "paper": [claims.claim(k).paper for k in judged],
        "ours": [j.ours for j in judged.values()],
        "verdict": [f"**{j.kind}**: {j.reason}" for j in judged.values()],
    })),
    table1_profile=pages.as_markdown_table(pd.DataFrame({
        "TYPE": list(paper.TABLE1_ROWS.values()),
        f"ours, {cfg['updates']:,} updates": [ours_cell(short.loc[row]) for row in paper.TABLE1_ROWS],
        f"ours, {main_cfg['updates']:,} updates": [ours_cell(sh.loc[row]) for row in paper.TABLE1_ROWS],
        "paper": [paper_cell(sh.loc[row]) for row in paper.TABLE1_ROWS],
    })),
    table1_summary=(f"On Shapeset our bold entries are {pages.and_list(bold_ours)}; the paper's are "
                    f"{pages.and_list(paper.TABLE1_ROWS[row] for row in sh.index if sh.loc[row, 'paper_bold'])}."
                    + (f" {pages.and_list(missing)}: not run here ({pages.and_list(sorted(set(not_run.values())))}), so only the paper's "
                       "values are shown." if missing else "")),
    table1_caption=pages.caption(
        f"{usual} seeds. Shapeset: {main_cfg['n_test']:,} test examples, width {main_cfg['width']:,}, "
        f"{main_cfg['updates']:,} updates (the largest Shapeset run of the profile)",
        *([f"{substitute_dataset}: {int(table[table['dataset'] == substitute_dataset]['n_test'].max()):,} test examples, "
           "not a column of the paper"] if substitute is not None else []),
        scale_lines, paper_budget, table1_verdict),
    claims_caption=pages.caption(scale_line, paper_budget, table1_verdict),
    details_caption=pages.caption(scale_lines, table1_verdict),
    profile_caption=pages.caption(short_line, scale_line if longer is not None else None, paper_budget,
                                  f"At the profile's own budget ({cfg['updates']:,} updates): {profile_verdict}"),
)

# %% [markdown]
# ## The paper's orderings
#
# > "The more classical neural networks with sigmoid or hyperbolic tangent units and
# > standard initialization fare rather poorly, converging more slowly and apparently towards
# > ultimately poorer local minima. The softsign networks seem to be more robust to the
# > initialization procedure than the tanh networks, presumably because of their gentler
# > non-linearity. For tanh networks, the proposed normalized initialization can be quite
# > helpful."
#
# We check four orderings in every column we ran ({numref}`tbl-table1-orderings`): Tanh N,
# Softsign and Softsign N each below Tanh, and Sigmoid the worst of the five rows, each with the
# same z-test (for "Sigmoid worst": against the second-worst row). An ordering whose worse side
# is still on the plateau of the most frequent class (a network that has not started to
# learn) says which network left the plateau first, not where the two end, so it is not
# judged. On Shapeset, in the run of {numref}`tbl-table1`: {glue:md}`orderings_shapeset`.
# {glue:md}`orderings_profile`
#
# :::{table} The paper's orderings in our runs: the two errors of each pair (the lower, then the higher; for "Sigmoid worst": the second-worst row, then sigmoid), whether the paper's order holds, the z-test's p-value, and (Shapeset) whether the worse side has left the plateau so that the ordering is judged; the paper's own pair beside (— for a dataset the paper did not use). {glue:md}`orderings_caption`
# :name: tbl-table1-orderings
#
# ```{glue:md} orderings
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
shapeset_runs = {f"Shapeset, {main_cfg['updates']:,} updates": main} | (
    {f"Shapeset, {cfg['updates']:,} updates": shapeset} if longer is not None else {})
checks = pd.concat([ec_claims.ordering_checks(r).assign(dataset="shapeset", column=name) for name, r in shapeset_runs.items()]
                   + [error_curves.orderings(f).assign(dataset=ds, column=columns.get(ds, ds))
                      for ds, f in finals.items() if ds != "shapeset"], ignore_index=True)
pairs = {claim: (lo, hi) for lo, hi, claim in error_curves.ORDERINGS}


def paper_pair(ds, claim) -> str:
    if ds not in paper.TABLE1_COLUMNS:
        return "—"
    col = {row: paper.PAPER_TABLE1[row][ds] for row in paper.TABLE1_ROWS}
    if claim == "Sigmoid worst":
        second = max((r for r in col if r != "sigmoid-5"), key=col.get)
        return f"{col[second]:.2f} vs {col['sigmoid-5']:.2f}"
    lo, hi = pairs[claim]
    return f"{col[lo]:.2f} vs {col[hi]:.2f}"


def yes_no(v) -> str:
    return "—" if v is None or pd.isna(v) else "yes" if v else "no"


sc = ec_claims.ordering_checks(main).set_index("claim")
orderings_verdict = claims.judge("table1.shapeset.orderings", main).sentence()
pages.glue_all(
    orderings=pages.as_markdown_table(pd.DataFrame({
        "dataset": checks["column"],
        "claim": checks["claim"],
        "ours (%)": [f"{100 * a:.1f} vs {100 * b:.1f}" for a, b in zip(checks["ours_low"], checks["ours_high"])],
        "holds": [yes_no(v) for v in checks["holds"]],
        "p": [ec_claims.p_text(p) for p in checks["p_value"]],
        "significant": [yes_no(v) for v in checks["significant"]],
        "judged": [yes_no(v) for v in checks["informative"]],
        "paper (%)": [paper_pair(ds, c) for ds, c in zip(checks["dataset"], checks["claim"])],
    })),
    orderings_shapeset="; ".join(
        f"{c}: {'holds' if sc.loc[c, 'holds'] else 'does not hold'} ({100 * sc.loc[c, 'ours_low']:.1f}% vs "
        f"{100 * sc.loc[c, 'ours_high']:.1f}%, p = {ec_claims.p_text(sc.loc[c, 'p_value'])}, "
        f"{'' if sc.loc[c, 'significant'] else 'not '}significant at {stats.ALPHA:g}; paper {paper_pair('shapeset', c)}%)"
        for c in sc.index),
    orderings_profile=(f"At the profile's own budget ({cfg['updates']:,} updates): "
                       + claims.judge("table1.shapeset.orderings", shapeset).sentence() if longer is not None else
                       "There is no separate run at the profile's budget: the run above is the profile's own."),
    orderings_caption=pages.caption(scale_lines, short_line if longer is not None else None, paper_budget, orderings_verdict),
)

# %% [markdown]
# ## The paper's number of updates, at width 100
#
# The experiment's `long` profile trains the Shapeset runs for the paper's 2.5M updates at
# width 100, on 3 seeds, at the rates chosen by the search of {doc}`06_error_curves`
# ({numref}`tbl-errors-search`), with a fixed test set of 20,000 examples. It takes hours on
# one CPU core, so the page never trains it: it reads it from the results archive when it is
# there, and it is then the run the front page's scorecard judges Table 1's Shapeset column on.
# {glue:md}`budget_status`
#
# :::{table} Table 1's Shapeset column from the `long` run beside the paper's: test error (%), mean ± sd over seeds; bold: not significantly worse than the best of the column (two-proportion z-test, p = 0.005, n = the test-set size; the paper's own bold marks for its values); the p-value against the column's best. {glue:md}`budget_table_caption`
# :name: tbl-table1-budget
#
# ```{glue:md} budget_table
# :format: myst
# ```
# :::
#
# :::{table} Table 1's Shapeset claims and the paper's orderings on the `long` run, as the front page's scorecard judges them. {glue:md}`budget_claims_caption`
# :name: tbl-table1-budget-claims
#
# ```{glue:md} budget_claims
# :format: myst
# ```
# :::
#
# :::{table} The paper's orderings in the `long` run, as in {numref}`tbl-table1-orderings`. {glue:md}`budget_orderings_caption`
# :name: tbl-table1-budget-orderings
#
# ```{glue:md} budget_orderings
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
budget = (scorecard.archived("shapeset_curves", "long", pretrain_activation=pretrain_activation, pretrain_noise=pretrain_noise)
          if profile == "quick" else None)
budget_cfg = experiments.config("shapeset_curves", "long", pretrain_activation=pretrain_activation, pretrain_noise=pretrain_noise)
BUDGET_CLAIMS = [*TABLE_CLAIMS, "table1.shapeset.orderings"]


def pages_time(seconds: float) -> str:
    """A run's wall time in words: minutes under two hours, else hours."""
    return f"{seconds / 60:.0f} minutes" if seconds < 7200 else f"{seconds / 3600:.1f} hours"


def show_budget(run) -> None:
    """Glue the `long` section from ``run`` (a Result of the `long` profile, or any Result of the same experiment)."""
    b_cfg = run.config
    b_tab = error_curves.table1({"shapeset": run["final"]}).set_index("row")
    b_n = int(b_tab["n_seeds"].max())
    b_pct = 100 * b_cfg["updates"] / paper_cfg["updates"]
    b_rates = "; ".join(f"{paper.TABLE1_ROWS[row]} {b_tab.loc[row, 'lr']:g}" for row in paper.TABLE1_ROWS
                        if not pd.isna(b_tab.loc[row, "lr"]))
    b_scale = (f"Ours: width {b_cfg['width']:,}, {b_cfg['updates']:,} updates ({b_pct:.3g}% of the paper's "
               f"{paper_cfg['updates']:,}), {b_n} seeds, learning rates {b_rates} (from the search); Shapeset validation "
               f"{b_cfg['n_valid']:,} and test {b_cfg['n_test']:,} examples (fixed seeds); {run.scale()}.")
    judged = {k: claims.judge(k, run) for k in BUDGET_CLAIMS}
    b_verdict = claims.combine(*judged.values()).sentence()
    b_checks = ec_claims.ordering_checks(run).set_index("claim")
    bold_b = [paper.TABLE1_ROWS[row] for row in paper.TABLE1_ROWS if b_tab.loc[row, "bold"]]
    pages.glue_all(
        budget_status=(
            f"It is archived: {pages_time(run.provenance['wall_time_s'])} on {run.provenance['device']}, "
            f"{run.provenance['date'][:10]}. Our bold entries: {pages.and_list(bold_b)}; the paper's: "
            f"{pages.and_list(paper.TABLE1_ROWS[row] for row in paper.TABLE1_ROWS if b_tab.loc[row, 'paper_bold'])}. The "
            "paper's orderings: " + "; ".join(
                f"{c}: {'holds' if b_checks.loc[c, 'holds'] else 'does not hold'} ({100 * b_checks.loc[c, 'ours_low']:.1f}% vs "
                f"{100 * b_checks.loc[c, 'ours_high']:.1f}%, p = {ec_claims.p_text(b_checks.loc[c, 'p_value'])}, "
                f"{'' if b_checks.loc[c, 'significant'] else 'not '}significant at {stats.ALPHA:g}"
                + ("" if b_checks.loc[c, "informative"] else ", not judged: the worse side is still on the plateau") + ")"
                for c in b_checks.index) + f". {b_verdict}"),
        budget_table=pages.as_markdown_table(pd.DataFrame({
            "TYPE": list(paper.TABLE1_ROWS.values()),
            f"ours, {b_cfg['updates']:,} updates, width {b_cfg['width']:,}": [ours_cell(b_tab.loc[row]) for row in paper.TABLE1_ROWS],
            "paper": [paper_cell(b_tab.loc[row]) for row in paper.TABLE1_ROWS],
            "learning rate": ["—" if pd.isna(b_tab.loc[row, "lr"]) else f"{b_tab.loc[row, 'lr']:g}" for row in paper.TABLE1_ROWS],
            "p vs best": ["—" if pd.isna(b_tab.loc[row, "p_value"]) else ec_claims.p_text(b_tab.loc[row, "p_value"])
                          for row in paper.TABLE1_ROWS],
        })),
        budget_table_caption=pages.caption(b_scale, paper_budget, b_verdict),
        budget_claims=pages.as_markdown_table(pd.DataFrame({
            "claim": [claims.claim(k).text for k in judged],
            "paper": [claims.claim(k).paper for k in judged],
            "ours": [j.ours for j in judged.values()],
            "verdict": [f"**{j.kind}**: {j.reason}" for j in judged.values()],
        })),
        budget_claims_caption=pages.caption(b_scale, paper_budget),
        budget_orderings=pages.as_markdown_table(pd.DataFrame({
            "claim": list(b_checks.index),
            "ours (%)": [f"{100 * a:.1f} vs {100 * b:.1f}" for a, b in zip(b_checks["ours_low"], b_checks["ours_high"])],
            "holds": [yes_no(v) for v in b_checks["holds"]],
            "p": [ec_claims.p_text(p) for p in b_checks["p_value"]],
            "significant": [yes_no(v) for v in b_checks["significant"]],
            "judged": [yes_no(v) for v in b_checks["informative"]],
            "paper (%)": [paper_pair("shapeset", c) for c in b_checks.index],
        })),
        budget_orderings_caption=pages.caption(b_scale, paper_budget, judged["table1.shapeset.orderings"].sentence()),
    )


if isinstance(budget, experiments.Result):
    show_budget(budget)
else:
    long_command = registry.cli_command("shapeset_curves", "long", budget_cfg, device="cpu")
    why = (f"(At the `{profile}` profile this section is skipped: it reads the `long` run beside the `quick` profile's runs.)"
           if budget is None else "**Not archived yet.** The `long` run is not in the results archive here"
           + (f" ({budget.why})" if budget.why else "") + f", so this section has no numbers; `{long_command}` makes it "
           f"(3 seeds × {len(budget_cfg['configurations'])} configurations × {budget_cfg['updates']:,} updates: hours on "
           "one CPU core, checkpointing as it goes). The paper's column, for reference: "
           + ", ".join(f"{label} {paper.PAPER_TABLE1[row]['shapeset']:.2f}" for row, label in paper.TABLE1_ROWS.items()) + ".")
    plain = why.replace("**", "")
    pages.glue_all(
        budget_status=why, budget_table_caption=why, budget_claims_caption=why, budget_orderings_caption=why,
        budget_table=pages.as_markdown_table(pd.DataFrame({
            "TYPE": list(paper.TABLE1_ROWS.values()),
            "ours, `long` run": ["not archived yet"] * len(paper.TABLE1_ROWS),
            "paper": [paper_cell({"paper": paper.PAPER_TABLE1[row]["shapeset"], "paper_bold": paper.PAPER_TABLE1_BOLD[row]["shapeset"]})
                      for row in paper.TABLE1_ROWS]})),
        budget_claims=pages.as_markdown_table(pd.DataFrame({
            "claim": [claims.claim(k).text for k in BUDGET_CLAIMS],
            "verdict": [claims.judge(k, budget).sentence() if budget is not None else plain for k in BUDGET_CLAIMS]})),
        budget_orderings=pages.as_markdown_table(pd.DataFrame({"orderings": [plain]})),
    )

# %% [markdown]
# ## At the paper's scale: what is missing
#
# Everything above ran at the {glue:md}`profile` profile on {glue:md}`device_words`.
# Missing, and needing a GPU:
#
# * **Fig. 11 and Table 1's Shapeset column at paper scale**: width
#   {glue:text}`paper_width:,d`, {glue:text}`paper_updates:,d` updates per curve, the
#   learning-rate search included;
# * **Fig. 12 and Table 1's MNIST, CIFAR-10 and ImageNet columns**: the data files (listed on
#   {doc}`08_finite_datasets`) and the same budget;
# * **the SVM baseline on {glue:text}`paper_svm_n:,d` examples** (the SVM runs on the CPU; its
#   training time grows at least with the square of the sample size, so it was not attempted
#   here).
#
# {numref}`tbl-table1-commands` gives the commands. Each archives its result under
# `results/`, which these pages then show with `-p profile paper`; long runs checkpoint under
# `tmp/checkpoints/` and resume when re-run.
#
# :::{table} The runs §5 needs at the paper's scale, and what each costs.
# :name: tbl-table1-commands
#
# ```{glue:md} commands
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
commands = []
for name, pcfg, page in [("shapeset_curves", paper_cfg, "Fig. 11, Table 1 (Shapeset)"),
                         *[("finite_curves", experiments.config("finite_curves", "paper", dataset=ds),
                            f"Fig. 12, Table 1 ({columns.get(ds, ds)})") for ds in finite_datasets],
                         ("svm_baseline", experiments.config("svm_baseline", "paper"), "the SVM baseline")]:
    extra = f" --set dataset={pcfg['dataset']}" if name == "finite_curves" else ""
    if "configurations" in pcfg:
        models = len(pcfg["configurations"]) * (len(pcfg["learning_rates"]) + pcfg["n_seeds"] - 1)
        cost = f"{models} networks of width {pcfg['width']:,} × {pcfg['updates']:,} updates = {models * pcfg['updates']:.2e} model-updates"
    else:
        cost = f"SVM on {pcfg['n_train']:,} examples; {len(pcfg['learning_rates'])} networks × {pcfg['updates']:,} updates"
    commands.append({"for": page, "command": f"`python -m glorot run {name} --profile paper --device cuda{extra}`", "cost": cost})
runs = {"shapeset_curves": shapeset} | ({"shapeset_curves, the longer run": longer} if longer is not None else {}) \
    | {f"finite_curves ({ds})": r for ds, r in finite.items()} \
    | ({f"finite_curves ({substitute_dataset})": substitute} if substitute is not None else {})
pages.glue_all(
    commands=pages.as_markdown_table(pd.DataFrame(commands)),
    profile=profile, device_words=shapeset.provenance["device"], paper_width=paper_cfg["width"],
    paper_updates=paper_cfg["updates"], paper_svm_n=paper.PAPER_SVM["n_train"],
    run_times=(f"This page's `{profile}` runs took " + ", ".join(f"{k} {r.provenance['wall_time_s']:.0f} s" for k, r in runs.items())
               + f" ({sum(r.provenance['wall_time_s'] for r in runs.values()) / 60:.1f} min in all; "
               + ", ".join(sorted({r.source for r in runs.values()})) + ")."),
    n_test=cfg["n_test"], n_valid=cfg["n_valid"],
)

# %% [markdown]
# ## What differs from the paper
#
# * **Scale** (the main difference): Table 1's Shapeset column holds the largest run of the
#   profile ({glue:md}`main_words`; the `long` run, where archived, has the paper's updates at
#   width 100: {numref}`tbl-table1-budget`), the finite columns the runs at the profile's budget (each stated
#   under its table): the very start of the paper's training, so only orderings and bold marks
#   are comparable, not levels.
# * **The significance test**: not named by the paper; ours is the two-proportion z-test
#   against the best of the column at p = {glue:text}`alpha:g`, a rule under which the paper's
#   own table gets its own bold marks.
# * **Seeds**: the paper reports one run per entry; we report the mean ± sd over seeds, and
#   test the seed mean with n = the test-set size.
# * **Learning rates**: chosen on validation at the curves' budget on the first seed
#   ({doc}`06_error_curves`), the paper's grid not being given.
# * **Test and validation sets** of Shapeset: sizes not given by the paper; ours are fixed sets
#   of {glue:text}`n_valid:,d` and {glue:text}`n_test:,d` examples.
# * **Finite datasets**: absent here unless their files are present
#   ({doc}`08_finite_datasets`); the `mnist-5k` column is a labelled substitute, not the
#   paper's MNIST.
#
# {glue:md}`run_times`
