"""The claims of §4.1 (glorot.claims.cost): each rule on small synthetic runs, where the outcome
is known, with its thresholds at their edges; the shared scale rule of Claim.judge on top (a run
at the ``paper`` profile keeps the rule's verdict, a smaller one reads "not yet at paper scale");
and the archived runs chapter 03 shows.

The synthetic runs are :class:`glorot.experiments.Result` objects holding only the columns the
rules read.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from glorot import claims, stats
from glorot.claims import cost as cc
from glorot.experiments import registry

N_TEST = 2_000  # the quick profile's test set: its most frequent class gives the plateau (about 83%)
MEASURES = [(m, t, col) for m, t, col in cc.PLATEAU_MEASURES]


# --------------------------------------------------------------------------- p-values and shares


@pytest.mark.parametrize("p, text", [(0.47, "0.47"), (0.0051, "0.0051"), (0.00511, "0.0051"), (0.00501, "0.00501"),
                                     (0.00499, "0.00499"), (0.005, "0.005"), (0.0049, "0.0049"), (6e-5, "6.0e-05"),
                                     (float("nan"), "—"), (None, "—")])
def test_a_p_value_is_printed_on_its_side_of_alpha(p, text):
    assert cc.p_text(p) == text


@pytest.mark.parametrize("p", [0.004951, 0.0049951, 0.00500001, 0.0050049, 0.00505, 0.00449, 0.0055, 0.0001, 0.5])
def test_the_printed_p_value_never_crosses_alpha(p):
    shown = float(cc.p_text(p))
    assert (shown < stats.ALPHA) == (p < stats.ALPHA) and (shown != stats.ALPHA or p == stats.ALPHA)


def test_a_share_of_the_papers_updates():
    assert [cc.share_of_paper(u, 2_500_000) for u in (40_000, 200_000, 2_500_000)] == ["1.6", "8", "100"]


# --------------------------------------------------------------------------- Fig. 5: synthetic surfaces


def _surface(drawn=None, means=None, wins=10, n_draws=10):
    """A ``cost_surface`` run: ``drawn`` sets draw 0's cost ranges and its share below 0.01
    (``{cost: (min, max, flat)}``); ``means`` the mean share over the draws per measure of
    :data:`glorot.claims.cost.PLATEAU_MEASURES` (``[(quadratic, cross-entropy)] * 4``), each draw
    at the mean, except that below 0.1 (:data:`~glorot.claims.cost.DRAW_MEASURE`) the quadratic
    cost is the flatter in ``wins`` of the ``n_draws`` draws only (the mean kept)."""
    drawn = drawn or {"cross_entropy": (0.13, 6.2, None), "quadratic": (0.01, 0.56, None)}
    means = means or [(0.10, 0.001), (0.70, 0.03), (0.60, 0.002), (0.05, 0.003)]
    rows = {}
    for d in range(n_draws):
        for (measure, t, col), (mq, mce) in zip(MEASURES, means):
            q, ce = mq, mce
            if (measure, t) == cc.DRAW_MEASURE and col == "flat_share" and wins < n_draws:
                won = d < wins  # the quadratic cost is the flatter in the first ``wins`` draws, the mean the same
                q = mq * n_draws / wins if won else 0.0
                ce = 0.0 if won else mce * n_draws / (n_draws - wins)
            for cost, share in (("quadratic", q), ("cross_entropy", ce)):
                lo, hi, flat = drawn[cost]
                if (measure, t, col) == MEASURES[0] and d == 0 and flat is not None:
                    share = flat  # the drawn surface's share below 0.01 (DRAWN_FLAT)
                key = (d, measure, t, cost)
                row = rows.setdefault(key, {"draw": d, "measure": measure, "threshold": t, "cost_fn": cost, "cost_min": lo,
                                            "cost_max": hi, "flat_share": share, "flat_and_high_share": share})
                row[col] = share
    cfg = registry.config("cost_surface", "quick", n_draws=n_draws)
    return registry.Result("cost_surface", "quick", cfg, {"plateaus": pd.DataFrame(list(rows.values()))}, {}, "archived")


@pytest.mark.parametrize("ce_max, q_range, kind", [(6.2, (0.01, 0.56), "agrees"), (2.5, (0.01, 0.56), "agrees"),
                                                   (10.0, (0.01, 0.56), "agrees"), (10.01, (0.01, 0.56), "partly"),
                                                   (2.49, (0.01, 0.56), "partly"), (6.2, (0.0, 7.0), "partly"),
                                                   (1.0, (0.0, 2.0), "differs")])
def test_fig5_as_drawn_has_the_papers_ridges_and_a_flatter_quadratic_cost(ce_max, q_range, kind):
    run = _surface(drawn={"cross_entropy": (0.1, ce_max, None), "quadratic": (*q_range, None)})
    j = claims.judge("fig5.drawn_surface", run)
    assert j.kind == kind
    if kind == "partly":
        assert ("not the flatter" in j.reason) == (q_range[1] > ce_max)


@pytest.mark.parametrize("flat_q, flat_ce, kind", [(0.13, 0.0, "agrees"), (0.001, 0.0, "agrees"), (0.05, 0.05, "differs"),
                                                   (0.0, 0.02, "differs")])
def test_fig5_as_contours_puts_the_plateaus_on_the_quadratic_cost(flat_q, flat_ce, kind):
    run = _surface(drawn={"cross_entropy": (0.1, 6.0, flat_ce), "quadratic": (0.0, 0.5, flat_q)})
    assert claims.judge("fig5.drawn_plateaus", run).kind == kind


def test_clearly_more_plateaus_in_every_measure_and_most_draws_agrees():
    j = claims.judge("fig5.plateaus", _surface())
    assert j.kind == "agrees" and j.values["clearly"] == 4 and j.values["wins"] == 10
    assert "in 10 of the 10 draws" in j.reason


def test_twice_the_share_exactly_is_clearly_more():
    means = [(0.02, 0.01), (0.70, 0.35), (0.60, 0.30), (0.08, 0.04)]
    assert claims.judge("fig5.plateaus", _surface(means=means)).kind == "agrees"


def test_less_than_twice_in_one_measure_is_partly():
    means = [(0.10, 0.001), (0.70, 0.03), (0.60, 0.002), (0.05, 0.03)]
    j = claims.judge("fig5.plateaus", _surface(means=means))
    assert j.kind == "partly" and "in only 3 of 4 measures" in j.reason


@pytest.mark.parametrize("wins, kind", [(10, "agrees"), (8, "agrees"), (7, "partly")])
def test_the_quadratic_cost_must_be_flatter_in_80_percent_of_the_draws(wins, kind):
    j = claims.judge("fig5.plateaus", _surface(wins=wins))
    assert j.kind == kind and j.values["wins"] == wins
    if kind == "partly":
        assert f"flatter in only {wins} of 10 draws" in j.reason


def test_no_measure_flatter_differs():
    means = [(0.001, 0.10), (0.03, 0.70), (0.002, 0.60), (0.003, 0.05)]
    assert claims.judge("fig5.plateaus", _surface(means=means, wins=0)).kind == "differs"


# --------------------------------------------------------------------------- the training comparison: synthetic runs


def _comparison(ce=0.30, q=0.40, profile="paper", n_test=N_TEST, grads=(0.8, 0.15), stuck=(0.0, 0.0), **overrides):
    """A ``cost_comparison`` run whose chosen rates (0.01 cross-entropy, 0.03 quadratic) end at
    test errors ``ce`` and ``q``; the other rates end 5 points worse on validation. ``grads`` and
    ``stuck``: (cross-entropy, quadratic) median output gradient at the end and largest stuck share."""
    cfg = registry.config("cost_comparison", profile, n_test=n_test, n_valid=n_test, learning_rates=[0.01, 0.03], **overrides)
    end = int(cfg["updates"])
    rows, og = [], []
    for cost, chosen, err in (("cross_entropy", 0.01, ce), ("quadratic", 0.03, q)):
        for lr in (0.01, 0.03):
            final = err if lr == chosen else err + 0.05
            for split in ("test", "valid"):
                rows += [{"update": 0, "cost_fn": cost, "lr": lr, "split": split, "error": 0.89},
                         {"update": end, "cost_fn": cost, "lr": lr, "split": split, "error": final}]
            g, st = (grads[0], stuck[0]) if cost == "cross_entropy" else (grads[1], stuck[1])
            og += [{"update": u, "cost_fn": cost, "lr": lr, "grad_median": g, "stuck_share": st if u == end // 2 else 0.0,
                    "wrong_share": final} for u in (0, end // 2, end)]
    frames = {"curves": pd.DataFrame(rows), "outgrad": pd.DataFrame(og)}
    return registry.Result("cost_comparison", profile, cfg, frames, {}, "archived")


def test_a_significantly_lower_cross_entropy_agrees():
    j = claims.judge("cost.training", _comparison(0.30, 0.40))
    assert j.kind == "agrees" and j.values["significant"] and "+10.0 points" in j.reason


def test_the_p_value_beside_its_threshold_reads_on_its_side():
    # the numbers of chapter 03's longer run: 59.9% and 64.2% on 2,000 examples, p = 0.0051 (it once printed "0.005")
    j = cc._training(_comparison(0.599, 0.642))
    assert j.kind == "partly" and "p = 0.0051, not significant at p = 0.005" in j.reason
    assert 0.005 < j.values["p_value"] < 0.0052


def test_lower_but_not_significantly_is_partly_at_the_papers_scale_and_not_yet_below_it():
    assert claims.judge("cost.training", _comparison(0.30, 0.31)).kind == "partly"
    j = claims.judge("cost.training", _comparison(0.30, 0.31, profile="quick"))
    assert j.kind == "not yet at paper scale" and j.reason.endswith("in a run smaller than the paper's")
    assert "at width 100 (the paper's: 1,000)" in j.reason


def test_not_lower_differs_at_the_papers_scale():
    j = claims.judge("cost.training", _comparison(0.40, 0.40))
    assert j.kind == "differs" and "the cross-entropy is not better" in j.reason
    better = claims.judge("cost.training", _comparison(0.40, 0.30))
    assert better.kind == "differs" and "the quadratic cost is significantly better" in better.reason


def test_the_papers_updates_at_width_100_are_still_below_the_papers_scale():
    """Scale ``full`` (module docstring): the long profile's 2.5M updates at width 100 do not
    judge the claim for real, as a ``budget`` claim would."""
    long = _comparison(0.475, 0.475, profile="long")
    assert cc._training(long).kind == "differs"
    j = claims.judge("cost.training", long)
    assert j.kind == "not yet at paper scale" and "after 2,500,000 updates (100% of the paper's 2.5M)" in j.reason
    assert claims.claim("cost.training").scale == claims.claim("cost.output_gradients").scale == "full"


@pytest.mark.parametrize("profile", ["paper", "quick"])
def test_a_network_on_the_plateau_makes_the_comparison_inconclusive(profile):
    plateau = cc.majority_error(N_TEST)
    j = claims.judge("cost.training", _comparison(0.30, plateau - 0.005, profile=profile))
    assert j.kind == "inconclusive" and "the quadratic network" in j.reason and "did not learn" in j.reason
    assert j.values["not_learned"] == ["quadratic"]
    # just outside the margin: it learned, and the comparison stands
    assert claims.judge("cost.training", _comparison(0.30, plateau - 0.011)).kind == "agrees"


def test_the_plateau_is_the_runs_own_test_set():
    assert 0.80 < cc.majority_error(N_TEST) < 0.84
    assert cc.majority_error(N_TEST) == pytest.approx(1 - 0.1705, abs=0.01)


@pytest.mark.parametrize("stuck, grads, kind", [((0.0, 0.05), (0.8, 0.15), "agrees"), ((0.0, 0.0101), (0.8, 0.15), "agrees"),
                                                ((0.0, 0.01), (0.8, 0.15), "partly"), ((0.0, 0.0), (0.8, 0.15), "partly"),
                                                ((0.0, 0.0), (0.15, 0.8), "differs")])
def test_misclassified_examples_meet_the_quadratic_costs_plateaus(stuck, grads, kind):
    assert claims.judge("cost.output_gradients", _comparison(stuck=stuck, grads=grads)).kind == kind
    if kind != "agrees":  # the same below the paper's scale: not yet
        assert claims.judge("cost.output_gradients", _comparison(stuck=stuck, grads=grads, profile="quick")).kind == (
            "not yet at paper scale")


# --------------------------------------------------------------------------- the archived runs of chapter 03


def _archived(profile, **overrides):
    cfg = registry.config("cost_comparison", profile, activation="tanh", seed=0, **overrides)
    try:
        hit = registry.load_archived("cost_comparison", profile, cfg)
    except Exception as e:  # noqa: BLE001 (a corrupt entry: nothing to test)
        pytest.skip(f"cost_comparison {profile}: {e}")
    if hit is None:
        pytest.skip(f"no archived cost_comparison run at {profile} with {overrides}")
    return registry.Result("cost_comparison", profile, cfg, hit.frames, hit.provenance, "archived")


def test_the_archived_runs_are_below_the_papers_scale():
    quick = _archived("quick")
    longer = _archived("quick", updates=200_000, probe_every=10_000, eval_every=10_000)
    for run in (quick, longer):
        for key in ("cost.training", "cost.output_gradients"):
            assert claims.judge(key, run).kind == "not yet at paper scale", key
    assert "p = 0.0051, not significant at p = 0.005" in claims.judge("cost.training", longer).reason


def test_the_long_run_at_the_papers_budget():
    run = _archived("long")
    t = cc.training_comparison(run)
    assert abs(t["diff"]) < 1 and not t["significant"]  # 47.5% and 47.5% after 2.5M updates at width 100
    assert cc._training(run).kind == "differs"
    j = claims.judge("cost.training", run)
    assert j.kind == "not yet at paper scale" and "2,500,000 updates" in j.reason and "width 100" in j.reason


def test_every_claim_of_the_section_is_on_its_page():
    mine = {k: c for k, c in claims.CLAIMS.items() if c.section == cc.SECTION}
    assert set(mine) == {"fig5.drawn_surface", "fig5.drawn_plateaus", "fig5.plateaus", "cost.training",
                         "cost.output_gradients"}
    assert all(c.page == "03_cost" for c in mine.values())
    assert {k: (c.role, c.scale) for k, c in mine.items() if k.startswith("fig5")} == {
        k: ("cost_surface", "none") for k in ("fig5.drawn_surface", "fig5.drawn_plateaus", "fig5.plateaus")}
    assert math.isclose(cc.PLATEAU_MARGIN, 0.01)
