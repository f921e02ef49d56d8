"""The claims of §5 (Fig. 11, Table 1, Fig. 12 and the SVM baseline), judged on the runs of
:mod:`glorot.experiments.error_curves` (see :mod:`glorot.claims` for what a claim is).

Chapters ``06_error_curves`` (Fig. 11 and the choices behind it), ``07_table1`` (Table 1's
Shapeset column, its bold marks and the paper's orderings) and ``08_finite_datasets`` (the
finite columns, the ``mnist-5k`` substitute and the RBF SVM) print these claims' verdicts
under their figures and tables; the scorecard lists them.

**The plateau.** A network that answers the most frequent class of the Shapeset test set errs
on about 83% of it (:func:`majority_error`): the depth-5 sigmoid of Fig. 11 stays there for the
whole of the paper's training, and in our short runs some other networks have not yet left
it. A network not more than :data:`PLATEAU_MARGIN` below that error has not learned yet: an ordering
whose comparator is still there (the standard tanh net, in the paper's "X better than Tanh")
measures which network left the plateau first, not where they end, and is **inconclusive**;
two networks both still on it are not ordered at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import pages, paper, stats
from ..experiments import Result, error_curves as ec
from ..stats import p_text
from .base import Claim, Judgement, register
from .plateau import PLATEAU_MARGIN, majority_error

# --------------------------------------------------------------------------- the paper's numbers and the rules' thresholds

PAPER_SEARCH_UPDATES = 5_000_000
"""§2: each network's learning rate is chosen on validation error "after a large number of
updates (5 million)"."""
PAPER_FIG11_SIGMOID4_BREAK_EXAMPLES = 7_000_000
"""Fig. 11: the depth-4 sigmoid curve breaks away from the plateau near 0.7e7 examples (read off)."""
SIGMOID4_LEVEL_POINTS = 10.0
"""Fig. 11: depth 4 "ends near the paper's level" when within 10 points of its ≈35% (a value
read off the figure, so only roughly known)."""
TAU_PARTLY = 0.6
"""Fig. 11's order: Kendall's τ against the paper's order of at least 0.6 (at least 80% of the
pairs in the paper's order) is "close to the paper's order" (partly); τ = 1 agrees."""
SVM_CLEAR_SHARE = 0.5
"""§5: the network beats the SVM "clearly" (paper: 50.47% against 59.47%, 9 points) when it is
significantly better (p < 0.005) by at least half the paper's gap; significantly better by
less is partly; not significantly better is no agreement."""

SECTION_FIG11 = "§5 Error curves on Shapeset (Fig. 11)"
SECTION_TABLE1 = "§5 Table 1 on Shapeset"
SECTION_FINITE = "§5 Finite datasets and the SVM baseline"

LABELS = {k: c.label for k, c in paper.CONFIGURATIONS.items()}


# --------------------------------------------------------------------------- helpers the rules (and the pages' prose) share


def means(final: pd.DataFrame) -> pd.Series:
    """Each configuration's seed-mean final test error (in [0, 1]), diverged seeds left out."""
    return final.groupby("config")["test_error"].mean().dropna()


def on_plateau(run: Result) -> list[str]:
    """The configurations of a Shapeset run whose seed-mean final test error is not more than
    :data:`PLATEAU_MARGIN` below :func:`majority_error` (they have not left the plateau), worst
    first."""
    m = means(run["final"]).sort_values(ascending=False)
    plateau = majority_error(int(run.config["n_test"]))
    return [k for k in m.index if m[k] > plateau - PLATEAU_MARGIN]


def _names(keys) -> str:
    return pages.and_list(LABELS.get(k, k) for k in keys)


def _pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def _plateau_phrase(run: Result, keys) -> str:
    """``"Tanh has not left the plateau of the most frequent class (83.0%)"``, for one, two
    ("neither ... nor ... has left") or more networks."""
    keys = [LABELS.get(k, k) for k in keys]
    where = f"the plateau of the most frequent class ({_pct(majority_error(int(run.config['n_test'])))})"
    if len(keys) == 1:
        return f"{keys[0]} has not left {where}"
    if len(keys) == 2:
        return f"neither {keys[0]} nor {keys[1]} has left {where}"
    return f"{pages.and_list(keys)} have not left {where}"


def kendall_tau(ours: list, ref: list, skip=frozenset()) -> tuple[float, int]:
    """Kendall's rank correlation of ordering ``ours`` against ``ref`` (1: identical) over the
    pairs of items both hold, leaving out the pairs whose two items are both in ``skip``
    (networks not told apart); returns (τ, the number of pairs counted)."""
    pos = {k: i for i, k in enumerate(ours)}
    items = [k for k in ref if k in pos]
    s = n = 0
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a in skip and b in skip:
                continue
            n += 1
            s += 1 if pos[a] < pos[b] else -1
    return (s / n if n else float("nan")), n


def differences(ours: list, ref: list, skip=frozenset()) -> str:
    """Where ordering ``ours`` departs from ``ref``, in words: neighbours that swap places, then
    any other item out of place. The items of ``skip`` (networks not told apart) are taken in
    ``ref``'s order among the places they hold in ``ours``, so they are never out of place
    among themselves."""
    ours = [k for k in ours if k in ref]
    ref = [k for k in ref if k in ours]
    tied = iter([k for k in ref if k in skip])
    ours = [next(tied) if k in skip else k for k in ours]
    swaps, other, i = [], [], 0
    while i < len(ours):
        if ours[i] == ref[i]:
            i += 1
        elif i + 1 < len(ours) and ours[i] == ref[i + 1] and ours[i + 1] == ref[i]:
            swaps.append(f"{LABELS.get(ref[i], ref[i])} and {LABELS.get(ref[i + 1], ref[i + 1])} swap places")
            i += 2
        else:
            other.append(LABELS.get(ours[i], ours[i]))
            i += 1
    parts = swaps + ([f"{', '.join(other)} {'is' if len(other) == 1 else 'are'} out of place"] if other else [])
    return "; ".join(parts) if parts else "the same order"


@dataclass(frozen=True)
class NotRun:
    """A run a page could not make (its data files are absent): :meth:`Claim.judge` reads it
    as "not archived", saying why."""

    experiment: str
    why: str


def data_absent(dataset: str) -> NotRun:
    """What a finite-dataset claim is judged on when ``dataset``'s files are absent here."""
    return NotRun("finite_curves", f"the {dataset} files are absent here")


# --------------------------------------------------------------------------- Fig. 11 and its choices (chapter 06)


def _configurations(run: Result) -> Judgement:
    keys = list(run.config["configurations"])
    missing = [k for k in paper.CONFIGURATIONS if k not in keys]
    ours = f"{len(keys)} curves: {_names(keys)}"
    values = {"configurations": keys, "missing": missing}
    if missing:
        return Judgement("partly", f"only {len(keys)} of the paper's {len(paper.CONFIGURATIONS)} curves are run "
                                   f"({_names(missing)} left out)", ours, values)
    if "pretraining" in keys:
        return Judgement("partly", f"the paper's {len(keys)} curves with their activations, initializations and depths; the "
                                   f"pre-trained network's activation ({run.config['pretrain_activation']}) is ours to choose, "
                                   "since the paper does not state it", ours, values)
    return Judgement("agrees", f"the paper's {len(keys)} curves with their activations, initializations and depths", ours, values)


def _learning_rates(run: Result) -> Judgement:
    cfg = run.config
    values = {"paper_search_updates": PAPER_SEARCH_UPDATES}
    if cfg.get("config_learning_rates") is not None:
        return Judgement("inconclusive", "the rates were given to this run (chosen beforehand by a separate search run), "
                                         "so it does not show the choice", "rates given, not searched", values)
    search = run["search"]
    chosen = search[search["chosen"]].set_index("config")
    ties = [k for k, g in search.groupby("config", sort=False) if g["valid_error"].nunique() == 1]
    edge = [k for k in chosen.index if bool(chosen.loc[k, "at_grid_edge"]) and k not in ties]
    stuck = [k for k in on_plateau(run) if k in chosen.index and k not in ties]  # best rate still on the plateau
    diverged = int(search["diverged"].sum())
    budget = int(cfg["updates"])
    ours = (f"chosen after {budget:,} updates on {cfg['n_valid']:,} validation examples: "
            + "; ".join(f"{LABELS.get(k, k)} {chosen.loc[k, 'lr']:g}" for k in chosen.index))
    values |= {"search_updates": budget, "ties": ties, "edge": edge, "plateau": stuck, "diverged": diverged}
    gaps = []
    if budget < PAPER_SEARCH_UPDATES:
        gaps.append(f"the rates were chosen after {budget:,} updates instead of the paper's {PAPER_SEARCH_UPDATES:,}")
    if ties:
        gaps.append(f"for {_names(ties)} every rate ties on the plateau of the most frequent class, so their choice is only "
                    "the grid's first rate")
    if stuck:
        gaps.append(f"{_plateau_phrase(run, stuck)} even at {'its' if len(stuck) == 1 else 'their'} chosen rate, so "
                    f"{'its' if len(stuck) == 1 else 'their'} choice compares networks that have not learned")
    if edge:
        gaps.append(f"{_names(edge)} {'is' if len(edge) == 1 else 'are'} chosen at the edge of the grid, where a wider grid "
                    "could do better")
    if gaps:
        return Judgement("partly", "; ".join(gaps), ours, values)
    return Judgement("agrees", f"every rate was chosen after {budget:,} updates, inside the grid, without ties", ours, values)


def _pretraining(run: Result) -> Judgement:
    pre = run["pretraining"]
    if pre.empty:
        return Judgement("inconclusive", "no pre-trained network in this run", "no pre-training", {})
    first_last = pre.sort_values("update").groupby(["seed", "layer"])["reconstruction_cost"].agg(["first", "last"])
    ratio = (first_last["last"] / first_last["first"]).groupby("layer").mean()
    ours = "reconstruction cost at the end of each layer's pre-training: " + ", ".join(
        f"layer {k} {100 * ratio[k]:.0f}%" for k in ratio.index) + " of its first value"
    values = {"ratio": ratio.to_dict()}
    rose = [k for k in ratio.index if ratio[k] >= 1]
    if rose:
        return Judgement("differs", f"the reconstruction cost did not fall in layer{'s' if len(rose) > 1 else ''} "
                                    f"{pages.and_list(rose)}", ours, values)
    return Judgement("partly", "every layer's reconstruction cost fell; the paper shows no pre-training curve and states "
                               "neither noise nor epochs, so this checks our own pre-training, not a number of the paper",
                     ours, values)


def _fig11_order(run: Result) -> Judgement:
    paper_order = sorted(paper.PAPER_FIG11_FINAL, key=paper.PAPER_FIG11_FINAL.get, reverse=True)
    m = means(run["final"])
    ours_order = list(m.sort_values(ascending=False).index)
    stuck = set(on_plateau(run))
    tau, n_pairs = kendall_tau(ours_order, paper_order, skip=stuck)
    ours = ", ".join(f"{LABELS[k]} {100 * m[k]:.1f}" for k in ours_order) + " (%)"
    values = {"paper_final": dict(paper.PAPER_FIG11_FINAL), "tau": tau, "pairs": n_pairs, "ours": (100 * m).to_dict(),
              "plateau": sorted(stuck)}
    stuck_note = f"; {_plateau_phrase(run, [k for k in ours_order if k in stuck])}, so they are not ordered among themselves" if len(stuck) > 1 else (
        f"; {_plateau_phrase(run, stuck)}" if stuck else "")
    if n_pairs == 0:
        return Judgement("inconclusive", f"no two networks can be ordered{stuck_note}", ours, values)
    ours += f"; Kendall τ = {tau:.2f} over {n_pairs} pairs"
    counted = f"τ = {tau:.2f} over the {n_pairs} pairs" + (" not both still on the plateau" if len(stuck) > 1 else "")
    if tau == 1:
        return Judgement("agrees", f"the paper's order ({counted}){stuck_note}", ours, values)
    diff = differences(ours_order, paper_order, skip=stuck)
    if tau >= TAU_PARTLY:
        return Judgement("partly", f"close to the paper's order ({counted}): {diff}{stuck_note}", ours, values)
    return Judgement("differs", f"far from the paper's order ({counted}): {diff}{stuck_note}", ours, values)


def _fig11_sigmoid4(run: Result) -> Judgement:
    want4, want5 = paper.PAPER_FIG11_FINAL["sigmoid-4"], paper.PAPER_FIG11_FINAL["sigmoid-5"]
    final = run["final"]
    m = means(final)
    if "sigmoid-4" not in m or "sigmoid-5" not in m:
        return Judgement("inconclusive", "the run lacks a finished sigmoid network of depth 4 or 5", "not run",
                         {"paper_sigmoid4": want4, "paper_sigmoid5": want5})
    n = final.groupby("config")["n_test"].first()
    _, p = stats.two_proportion_z_test(m["sigmoid-4"], int(n["sigmoid-4"]), m["sigmoid-5"], int(n["sigmoid-5"]))
    ours = f"depth 4 {_pct(m['sigmoid-4'])}, depth 5 {_pct(m['sigmoid-5'])} (z-test p = {p_text(p)})"
    values = {"paper_sigmoid4": want4, "paper_sigmoid5": want5, "sigmoid4": m["sigmoid-4"], "sigmoid5": m["sigmoid-5"],
              "p_value": p}
    if m["sigmoid-4"] < m["sigmoid-5"] and p < stats.ALPHA:
        if abs(100 * m["sigmoid-4"] - want4) <= SIGMOID4_LEVEL_POINTS:
            return Judgement("agrees", f"depth 4 leaves the plateau and ends at {_pct(m['sigmoid-4'])}, near the paper's ≈{want4:g}%",
                             ours, values)
        return Judgement("partly", f"depth 4 leaves the plateau, but ends at {_pct(m['sigmoid-4'])}, far from the paper's "
                                   f"≈{want4:g}%", ours, values)
    examples = 10 * int(run.config["updates"])
    if examples < PAPER_FIG11_SIGMOID4_BREAK_EXAMPLES:
        return Judgement("differs", f"depth 4 is still on the plateau after {examples:.1e} examples; the paper's breaks away "
                                    f"near {PAPER_FIG11_SIGMOID4_BREAK_EXAMPLES:.1e}", ours, values)
    return Judgement("differs", f"depth 4 does not leave the plateau in {examples:.1e} examples (the paper's breaks away near "
                                f"{PAPER_FIG11_SIGMOID4_BREAK_EXAMPLES:.1e})", ours, values)


_FIG11_PAPER_ORDER = sorted(paper.PAPER_FIG11_FINAL, key=paper.PAPER_FIG11_FINAL.get, reverse=True)

register(
    Claim("fig11.configurations", "Fig. 11", "Fig. 11's seven curves: activations, initializations, depths",
          "Sigmoid depth 5 and 4, Tanh, Softsign, Softsign N, Tanh N (depth 5) and a pre-trained network; "
          "the pre-trained network's units not stated",
          "06_error_curves", "shapeset", _configurations, scale="none", section=SECTION_FIG11),
    Claim("fig11.learning_rates", "§5, §2", "§5: each network's learning rate chosen on validation error",
          f"chosen per network on validation error after {PAPER_SEARCH_UPDATES:,} updates; grid not stated",
          "06_error_curves", "search", _learning_rates, scale="full", section=SECTION_FIG11),
    Claim("fig11.pretraining", "Fig. 11, §5", "Fig. 11: the pre-trained network, denoising auto-encoders layer by layer",
          "fine-tuning after unsupervised pre-training with denoising auto-encoders; noise, epochs and units not stated, "
          "no pre-training curve", "06_error_curves", "shapeset", _pretraining, scale="full", section=SECTION_FIG11),
    Claim("fig11.order", "Fig. 11", "Fig. 11: the configurations' final test errors, in the paper's order",
          ", ".join(f"{LABELS[k]} {'≈' if k in paper.PAPER_FIG11_READ_OFF else ''}{paper.PAPER_FIG11_FINAL[k]:g}"
                    for k in _FIG11_PAPER_ORDER) + " (%)",
          "06_error_curves", "shapeset", _fig11_order, scale="budget", section=SECTION_FIG11),
    Claim("fig11.sigmoid4", "Fig. 11", "Fig. 11: Sigmoid depth 4 breaks away from the plateau; depth 5 stays on it",
          f"depth 4 ≈{paper.PAPER_FIG11_FINAL['sigmoid-4']:g}% (breaks away near 0.7e7 examples), "
          f"depth 5 {paper.PAPER_FIG11_FINAL['sigmoid-5']:g}%",
          "06_error_curves", "shapeset", _fig11_sigmoid4, scale="budget", section=SECTION_FIG11),
)


# --------------------------------------------------------------------------- Table 1's Shapeset column (chapter 07)


def _table1_cell(row: str, dataset: str = "shapeset"):
    want = paper.PAPER_TABLE1[row][dataset]

    def rule(run: Result) -> Judgement:
        table = ec.table1({dataset: run["final"]}).set_index("row")
        rec = table.loc[row]
        if rec["n_seeds"] == 0:
            return Judgement("differs", "every seed diverged", "no seed finished (diverged)", {"paper": want})
        mean = float(rec["mean"])
        _, p = stats.two_proportion_z_test(mean, int(rec["n_test"]), want / 100, int(rec["n_test"]))
        sd = "" if pd.isna(rec["sd"]) else f" ± {100 * rec['sd']:.1f}"
        ours = f"{100 * mean:.1f}{sd}%" + (" (bold)" if rec["bold"] else "")
        values = {"paper": want, "ours": 100 * mean, "p_value": p}
        plateau = ""
        if dataset == "shapeset" and row in on_plateau(run):
            plateau = (f"; ours has not left the plateau of the most frequent class ({_pct(majority_error(int(run.config['n_test'])))})"
                       + (", where the paper's depth-5 sigmoid stays" if row == "sigmoid-5" else ""))
        name = paper.TABLE1_ROWS[row]
        if p >= stats.ALPHA:
            return Judgement("agrees", f"{name} {100 * mean:.1f}%, not significantly different from the paper's {want:.2f}% "
                                       f"(z-test p = {p_text(p)}){plateau}", ours, values)
        return Judgement("differs", f"{name} {100 * mean:.1f}%, {100 * mean - want:+.1f} points from the paper's {want:.2f}% "
                                    f"(z-test p = {p_text(p)}){plateau}", ours, values)

    return rule


def _table1_bold(run: Result) -> Judgement:
    table = ec.table1({"shapeset": run["final"]}).set_index("row")
    done = [r for r in table.index if table.loc[r, "n_seeds"] > 0]
    match = [r for r in done if bool(table.loc[r, "bold"]) == bool(table.loc[r, "paper_bold"])]
    ours_bold = [r for r in table.index if table.loc[r, "bold"]]
    paper_bold = [r for r in table.index if table.loc[r, "paper_bold"]]
    ours = f"bold: {pages.and_list(paper.TABLE1_ROWS[r] for r in ours_bold)}"
    values = {"match": len(match), "of": len(table), "bold": ours_bold, "paper_bold": paper_bold}
    off = [paper.TABLE1_ROWS[r] for r in table.index if r not in match]
    reason = (f"our bold marks match the paper's in {len(match)} of {len(table)} rows (ours: "
              f"{pages.and_list(paper.TABLE1_ROWS[r] for r in ours_bold)}; the paper's: "
              f"{pages.and_list(paper.TABLE1_ROWS[r] for r in paper_bold)})")
    if len(match) == len(table):
        return Judgement("agrees", reason, ours, values)
    reason += f"; {pages.and_list(off)} differ{'s' if len(off) == 1 else ''}"
    return Judgement("partly" if len(match) >= len(table) / 2 else "differs", reason, ours, values)


ORDERING_COMPARATOR = {"Tanh N < Tanh": "tanh", "Softsign < Tanh": "tanh", "Softsign N < Tanh": "tanh"}
"""The worse side of each of the paper's orderings (:data:`glorot.experiments.error_curves.ORDERINGS`);
for "Sigmoid worst" it is the second-worst row."""


def ordering_checks(run: Result) -> pd.DataFrame:
    """:func:`glorot.experiments.error_curves.orderings` of a run, with ``comparator`` (the
    configuration the claim compares against) and ``informative`` (False when, on Shapeset,
    the comparator is still on the plateau of the most frequent class: the ordering then says
    which network left it first, not where they end)."""
    final = run["final"]
    checks = ec.orderings(final)
    m = means(final).reindex(list(paper.TABLE1_ROWS)).dropna()
    second = m.drop("sigmoid-5").idxmax() if "sigmoid-5" in m and len(m) > 1 else None
    stuck = set(on_plateau(run)) if run.config.get("dataset", "shapeset") == "shapeset" else set()
    checks["comparator"] = [ORDERING_COMPARATOR.get(c, second) for c in checks["claim"]]
    checks["informative"] = [c is not None and c in m.index and c not in stuck for c in checks["comparator"]]
    return checks


def _table1_orderings(run: Result) -> Judgement:
    checks = ordering_checks(run).set_index("claim")
    holds = checks["holds"].fillna(False).astype(bool)
    sig = checks["significant"].fillna(False).astype(bool)
    ours = "; ".join(f"{c}: {'holds' if holds[c] else 'does not hold'} ({_pct(checks.loc[c, 'ours_low'])} vs "
                     f"{_pct(checks.loc[c, 'ours_high'])}, p = {p_text(checks.loc[c, 'p_value'])})" for c in checks.index)
    values = {"holds": int(holds.sum()), "significant": int((holds & sig).sum()), "of": len(checks)}
    judged = [c for c in checks.index if checks.loc[c, "informative"]]
    skipped = [c for c in checks.index if c not in judged]
    stuck = list(dict.fromkeys(checks.loc[c, "comparator"] for c in skipped if checks.loc[c, "comparator"] is not None))
    if not judged and "tanh" not in stuck:
        return Judgement("inconclusive", "the run lacks the networks the orderings compare", ours, values)
    if not judged:
        m = means(run["final"])
        return Judgement("inconclusive", f"the standard tanh net has not left the plateau of the most frequent class in this "
                                         f"run (test error {_pct(m.get('tanh', float('nan')))} at the end, the plateau "
                                         f"{_pct(majority_error(int(run.config['n_test'])))}), so the orderings measure which "
                                         "network left the plateau first, not where they end", ours, values)
    h = [c for c in judged if holds[c]]
    s = [c for c in h if sig[c]]
    tail = (f"; {pages.and_list(skipped)} not judged ({_plateau_phrase(run, stuck)})" if skipped else "")
    values |= {"judged": len(judged)}
    if len(s) == len(judged) and not skipped:
        return Judgement("agrees", "every ordering holds, significantly at p = 0.005", ours, values)
    if len(h) == len(judged):
        weak = "; ".join(f"{c}: {_pct(checks.loc[c, 'ours_low'])} vs {_pct(checks.loc[c, 'ours_high'])}, p = "
                         f"{p_text(checks.loc[c, 'p_value'])}" for c in h if c not in s)
        return Judgement("partly", f"{'every' if not skipped else 'each judged'} ordering holds, {len(s)} of {len(judged)} "
                                   f"significantly at p = 0.005 (not significantly: {weak}){tail}", ours, values)
    fails = [c for c in judged if not holds[c]]
    detail = "; ".join(f"{c} does not hold ({_pct(checks.loc[c, 'ours_low'])} vs {_pct(checks.loc[c, 'ours_high'])})"
                       for c in fails)
    kind = "partly" if len(h) > len(judged) / 2 else "differs"
    return Judgement(kind, f"{len(h)} of {len(judged)} orderings hold; {detail}{tail}", ours, values)


def _cell_paper(row: str) -> str:
    want = paper.PAPER_TABLE1[row]["shapeset"]
    return f"{want:.2f}%" + (" (bold)" if paper.PAPER_TABLE1_BOLD[row]["shapeset"] else "")


_T1 = {k: v["shapeset"] for k, v in paper.PAPER_TABLE1.items()}

register(
    *(Claim(f"table1.shapeset.{row}", "Table 1", f"Table 1, Shapeset, {label}", _cell_paper(row), "07_table1", "shapeset",
            _table1_cell(row), scale="full", section=SECTION_TABLE1)
      for row, label in paper.TABLE1_ROWS.items()),
    Claim("table1.shapeset.bold", "Table 1", "Table 1, Shapeset: which entries are bold (not significantly worse than the best)",
          "bold: " + pages.and_list(paper.TABLE1_ROWS[r] for r in paper.TABLE1_ROWS if paper.PAPER_TABLE1_BOLD[r]["shapeset"])
          + " (p = 0.005)", "07_table1", "shapeset", _table1_bold, scale="budget", section=SECTION_TABLE1),
    Claim("table1.shapeset.orderings", "§5, Table 1",
          "§5, Table 1 (Shapeset): Tanh N, Softsign, Softsign N better than Tanh; Sigmoid worst",
          f"Tanh N {_T1['tanh-N']:g} < Tanh {_T1['tanh']:g}; Softsign {_T1['softsign']:g}, Softsign N {_T1['softsign-N']:g} "
          f"< Tanh; Sigmoid {_T1['sigmoid-5']:g} worst (%)",
          "07_table1", "shapeset", _table1_orderings, scale="budget", section=SECTION_TABLE1),
)


# --------------------------------------------------------------------------- the finite datasets and the SVM (chapter 08)


def svm_numbers(run: Result) -> dict:
    """The SVM comparison of one run: both test errors (in [0, 1]), the test-set size, the
    z-test's p-value of their difference and the gap (SVM minus network, in points)."""
    s = run["summary"]
    s_svm, s_net = s.iloc[0], s.iloc[1]
    _, p = stats.two_proportion_z_test(s_svm["test_error"], int(s_svm["n_test"]), s_net["test_error"], int(s_net["n_test"]))
    return {"svm": float(s_svm["test_error"]), "net": float(s_net["test_error"]), "n_test": int(s_svm["n_test"]),
            "n_train": int(run.config["n_train"]), "p_value": p, "gap": 100 * (s_svm["test_error"] - s_net["test_error"])}


PAPER_SVM_GAP = paper.PAPER_SVM["svm"] - paper.PAPER_SVM["tanh-N"]
"""§5: the network beats the SVM by 59.47 - 50.47 = 9 points."""


def _svm(run: Result) -> Judgement:
    v = svm_numbers(run)
    ours = (f"SVM {_pct(v['svm'])}, network {_pct(v['net'])} on {v['n_train']:,} examples "
            f"(gap {v['gap']:+.1f} points, z-test p = {p_text(v['p_value'])})")
    values = {"paper_svm": paper.PAPER_SVM["svm"], "paper_net": paper.PAPER_SVM["tanh-N"], "paper_gap": PAPER_SVM_GAP} | v
    where = f"on {v['n_train']:,} examples"
    if v["gap"] > 0 and v["p_value"] < stats.ALPHA:
        if v["gap"] >= SVM_CLEAR_SHARE * PAPER_SVM_GAP:
            return Judgement("agrees", f"{where} the network is {v['gap']:.1f} points better than the SVM (p = "
                                       f"{p_text(v['p_value'])}), the paper's {PAPER_SVM_GAP:.0f}-point gap at least half kept",
                             ours, values)
        return Judgement("partly", f"{where} the network is significantly better (p = {p_text(v['p_value'])}), but by "
                                   f"{v['gap']:.1f} points, less than half the paper's {PAPER_SVM_GAP:.0f}", ours, values)
    if v["p_value"] >= stats.ALPHA:
        return Judgement("differs", f"{where} the network and the SVM cannot be told apart ({abs(v['gap']):.1f} points, p = "
                                    f"{p_text(v['p_value'])}, not significant at 0.005), where the paper's network is "
                                    f"{PAPER_SVM_GAP:.0f} points better", ours, values)
    return Judgement("differs", f"{where} the SVM is significantly better than the network ({-v['gap']:.1f} points, p = "
                                f"{p_text(v['p_value'])}), where the paper's network is {PAPER_SVM_GAP:.0f} points better",
                     ours, values)


def _substitute(run: Result) -> Judgement:
    cells = {k: v["mnist"] for k, v in paper.PAPER_TABLE1.items()}
    m = means(run["final"])
    checks = ec.orderings(run["final"]).set_index("claim")
    rest = m.drop("sigmoid-5", errors="ignore")
    if "sigmoid-5" not in m or rest.empty:
        return Judgement("inconclusive", "the run lacks the sigmoid network or every other", "not run", {"paper": cells})
    ours = f"Sigmoid {_pct(m['sigmoid-5'])}, the others {_pct(rest.min())}–{_pct(rest.max())}"
    values = {"paper": cells, "sigmoid": m["sigmoid-5"], "others": (rest.min(), rest.max())}
    hold = int(checks["holds"].fillna(False).astype(bool).sum())
    also = f"; {hold} of the paper's {len(checks)} MNIST orderings hold on it"
    worst = checks.loc["Sigmoid worst"] if "Sigmoid worst" in checks.index else None
    if worst is not None and worst["holds"] and worst["significant"]:
        return Judgement("partly", f"Sigmoid is clearly worst ({_pct(m['sigmoid-5'])} against at most {_pct(rest.max())}, "
                                   f"p = {p_text(worst['p_value'])}), as on the paper's MNIST{also}; the levels of a "
                                   "5,000-image subset are not comparable with the paper's", ours, values)
    return Judgement("differs", f"Sigmoid is not significantly worst on this subset{also}", ours, values)


def _finite_column(dataset: str):
    cells = {k: v[dataset] for k, v in paper.PAPER_TABLE1.items()}

    def rule(run: Result) -> Judgement:
        table = ec.table1({dataset: run["final"]}).set_index("row")
        ps = {k: stats.two_proportion_z_test(float(table.loc[k, "mean"]), int(table.loc[k, "n_test"]), cells[k] / 100,
                                             int(table.loc[k, "n_test"]))[1] for k in cells if table.loc[k, "n_seeds"] > 0}
        ours = ", ".join(f"{paper.TABLE1_ROWS[k]} {100 * table.loc[k, 'mean']:.2f}" for k in cells if k in ps) + " (%)"
        values = {"paper": cells, "ours": {k: 100 * table.loc[k, "mean"] for k in ps}, "p_values": ps}
        off = [paper.TABLE1_ROWS[k] for k, p in ps.items() if p < stats.ALPHA]
        if len(ps) == len(cells) and not off:
            return Judgement("agrees", "no cell differs significantly from the paper's (z-test, p = 0.005)", ours, values)
        checks = ec.orderings(run["final"]).set_index("claim")
        missing = f"; {len(cells) - len(ps)} of the {len(cells)} rows did not finish" if len(ps) < len(cells) else ""
        if "Sigmoid worst" in checks.index and checks.loc["Sigmoid worst", "holds"] and checks.loc["Sigmoid worst", "significant"]:
            return Judgement("partly", f"Sigmoid is significantly worst, as in the paper, but {pages.and_list(off) or 'no cell'} "
                                       f"differ{'s' if len(off) == 1 else ''} from the paper's{missing}", ours, values)
        return Judgement("differs", f"{pages.and_list(off) or 'no cell'} differ{'s' if len(off) == 1 else ''} from the paper's "
                                    f"and Sigmoid is not significantly worst{missing}", ours, values)

    return rule


register(
    Claim("svm.baseline", "§5", "§5: the depth-5 tanh N network clearly beats an RBF SVM on the same Shapeset sample",
          f"SVM {paper.PAPER_SVM['svm']:g}%, network {paper.PAPER_SVM['tanh-N']:g}% ({paper.PAPER_SVM['n_train']:,} examples)",
          "08_finite_datasets", "svm", _svm, scale="full", section=SECTION_FINITE),
    Claim("substitute.mnist-5k", "Table 1 (MNIST), a substitute",
          "Table 1, MNIST ordering, on the mnist-5k subset (a substitute, not the paper's MNIST)",
          f"MNIST: Sigmoid {paper.PAPER_TABLE1['sigmoid-5']['mnist']:g}% worst, the others "
          f"{min(v['mnist'] for k, v in paper.PAPER_TABLE1.items() if k != 'sigmoid-5'):g}–"
          f"{max(v['mnist'] for k, v in paper.PAPER_TABLE1.items() if k != 'sigmoid-5'):g}%",
          "08_finite_datasets", "mnist-5k", _substitute, scale="full", section=SECTION_FINITE),
    *(Claim(f"table1.{ds}", "Table 1, Fig. 12", f"Table 1 and Fig. 12, {paper.TABLE1_COLUMNS[ds]} column (five configurations)",
            ", ".join(f"{paper.TABLE1_ROWS[k]} {v[ds]:g}" for k, v in paper.PAPER_TABLE1.items()) + " (%)",
            "08_finite_datasets", ds, _finite_column(ds), scale="full", section=SECTION_FINITE)
      for ds in ("mnist", "cifar10", "small-imagenet")),
)
