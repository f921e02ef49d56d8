"""The claims of §5 (glorot.claims.error_curves): each rule on small synthetic runs, with the
shared scale rule of Claim.judge, and on the archived runs the chapters show."""

from __future__ import annotations

import pandas as pd
import pytest

from glorot import claims, paper
from glorot.claims import error_curves as ecc
from glorot.experiments import registry

N_TEST = 2_000  # the quick profile's Shapeset test set: its most frequent class gives the plateau (about 83%)


def _shapeset(errors: dict[str, float], profile: str = "paper", seeds: int = 3, **overrides) -> registry.Result:
    """A Shapeset run whose seeds all end at ``errors`` (configuration -> test error in [0, 1])."""
    cfg = registry.config("shapeset_curves", profile, n_test=N_TEST, configurations=list(errors), **overrides)
    final = pd.DataFrame([{"config": k, "seed": s, "lr": 0.01, "test_error": e, "n_test": N_TEST, "diverged": False}
                          for k, e in errors.items() for s in range(seeds)])
    search = pd.DataFrame([{"config": k, "lr": lr, "valid_error": e + (0.01 if lr != 0.01 else 0.0), "diverged": False,
                            "chosen": lr == 0.01, "at_grid_edge": False} for k, e in errors.items() for lr in (0.003, 0.01, 0.03)])
    pre = pd.DataFrame([{"seed": 0, "layer": layer, "update": u, "reconstruction_cost": c}
                        for layer in (1, 2) for u, c in ((0, 10.0), (100, 5.0))])
    return registry.Result("shapeset_curves", profile, cfg, {"final": final, "search": search, "pretraining": pre}, {}, "archived")


PAPER = {k: v / 100 for k, v in paper.PAPER_FIG11_FINAL.items()}
"""Fig. 11's final errors as rates: a run that ends exactly at the paper's numbers."""
LONG = dict(width=100, updates=2_500_000, eval_every=100_000)
"""The paper's updates at width 100 (the ``long`` profile's scale): budget claims are judged for real."""


def test_every_scorecard_row_of_section_5_is_a_claim():
    keys = {"fig11.order", "fig11.sigmoid4", *(f"table1.shapeset.{row}" for row in paper.TABLE1_ROWS),
            "table1.shapeset.orderings", "svm.baseline", "substitute.mnist-5k", "table1.mnist", "table1.cifar10",
            "table1.small-imagenet"}
    assert keys <= set(claims.CLAIMS)
    assert claims.claim("table1.shapeset.tanh-N").paper == "15.60% (bold)"
    assert claims.claim("svm.baseline").role == "svm" and claims.claim("table1.cifar10").role == "cifar10"


@pytest.mark.parametrize("p, text", [(0.0052, "0.0052"), (0.00499, "0.00499"), (0.64, "0.64"), (6e-5, "6.0e-05"),
                                     (0.005, "0.005")])
def test_a_p_value_is_printed_on_its_side_of_the_threshold(p, text):
    assert ecc.p_text(p) == text


# --------------------------------------------------------------------------- Fig. 11


def test_the_papers_order_agrees_and_a_swap_is_partly_at_the_papers_budget():
    assert claims.judge("fig11.order", _shapeset(PAPER)).kind == "agrees"
    swapped = PAPER | {"tanh-N": PAPER["pretraining"], "pretraining": PAPER["tanh-N"]}
    j = claims.judge("fig11.order", _shapeset(swapped, "quick", **LONG))
    assert j.kind == "partly" and "Tanh N and Pre-training swap places" in j.reason and "width 100" in j.reason
    assert claims.judge("fig11.order", _shapeset(swapped, "quick")).kind == "not yet at paper scale"


def test_networks_still_on_the_plateau_are_not_ordered_among_themselves():
    # both sigmoids on the plateau, in the wrong order: not a departure from the paper's order
    stuck = PAPER | {"sigmoid-5": 0.830, "sigmoid-4": 0.835}
    j = claims.judge("fig11.order", _shapeset(stuck))
    assert j.kind == "agrees" and "not ordered among themselves" in j.reason and j.values["pairs"] == 20


def test_sigmoid_depth_4_breaks_away_or_is_not_yet_seen():
    assert claims.judge("fig11.sigmoid4", _shapeset(PAPER)).kind == "agrees"
    assert claims.judge("fig11.sigmoid4", _shapeset(PAPER | {"sigmoid-4": 0.60})).kind == "partly"
    stuck = PAPER | {"sigmoid-4": 0.83}
    assert claims.judge("fig11.sigmoid4", _shapeset(stuck)).kind == "differs"
    j = claims.judge("fig11.sigmoid4", _shapeset(stuck, "quick"))
    assert j.kind == "not yet at paper scale" and "breaks away near 7.0e+06" in j.reason


def test_learning_rates_chosen_before_the_papers_five_million_updates_are_partial():
    j = claims.judge("fig11.learning_rates", _shapeset(PAPER))  # the paper profile searches at 2.5M updates
    assert j.kind == "partly" and "instead of the paper's 5,000,000" in j.reason
    assert claims.judge("fig11.learning_rates", _shapeset(PAPER, "quick")).kind == "not yet at paper scale"


def test_a_rate_chosen_for_a_network_still_on_the_plateau_is_said_to_mean_nothing():
    # the rates do not tie (the synthetic search's validation errors differ by a point), but the best one leaves the
    # depth-5 sigmoid on the plateau, as in the archived `search` run: its choice compares networks that did not learn
    run = _shapeset(PAPER | {"sigmoid-5": ecc.majority_error(N_TEST)})
    j = claims.judge("fig11.learning_rates", run)
    assert j.kind == "partly" and j.values["plateau"] == ["sigmoid-5"] and j.values["ties"] == []
    assert "Sigmoid depth 5 has not left the plateau" in j.reason and "even at its chosen rate" in j.reason
    learned = _shapeset({k: v for k, v in PAPER.items() if k != "sigmoid-5"})
    assert claims.judge("fig11.learning_rates", learned).values["plateau"] == []


# --------------------------------------------------------------------------- Table 1


def test_a_cell_agrees_when_not_significantly_different_and_is_not_yet_seen_below_scale():
    assert claims.judge("table1.shapeset.tanh-N", _shapeset(PAPER)).kind == "agrees"
    far = PAPER | {"tanh-N": 0.60}
    assert claims.judge("table1.shapeset.tanh-N", _shapeset(far)).kind == "differs"
    j = claims.judge("table1.shapeset.tanh-N", _shapeset(far, "quick"))
    assert j.kind == "not yet at paper scale" and "Tanh N 60.0%, +44.4 points" in j.reason


def test_the_bold_marks():
    assert claims.judge("table1.shapeset.bold", _shapeset(PAPER)).kind == "agrees"
    j = claims.judge("table1.shapeset.bold", _shapeset(PAPER | {"softsign": 0.22}))
    assert j.kind == "partly" and "4 of 5 rows" in j.reason


def test_orderings_against_a_tanh_net_still_on_the_plateau_are_inconclusive():
    stuck = PAPER | {"tanh": 0.835}
    j = claims.judge("table1.shapeset.orderings", _shapeset(stuck, "quick"))
    assert j.kind == "inconclusive" and "has not left the plateau" in j.reason


def test_orderings_hold_significantly_or_in_part():
    assert claims.judge("table1.shapeset.orderings", _shapeset(PAPER)).kind == "agrees"
    close = PAPER | {"softsign": 0.265}  # below Tanh's 27.15%, but not significantly on 2,000 examples
    j = claims.judge("table1.shapeset.orderings", _shapeset(close))
    assert j.kind == "partly" and "3 of 4 significantly" in j.reason
    wrong = PAPER | {"tanh": 0.15}
    assert claims.judge("table1.shapeset.orderings", _shapeset(wrong)).kind == "differs"


# --------------------------------------------------------------------------- the SVM and the finite datasets


def _svm(svm: float, net: float, profile: str = "paper", n_test: int = 10_000) -> registry.Result:
    cfg = registry.config("svm_baseline", profile, n_test=n_test)
    summary = pd.DataFrame([{"model": "RBF SVM", "test_error": svm, "n_test": n_test},
                            {"model": "tanh depth 5, normalized init", "test_error": net, "n_test": n_test}])
    return registry.Result("svm_baseline", profile, cfg, {"summary": summary}, {}, "archived")


def test_a_small_insignificant_gap_does_not_agree_with_the_papers_nine_points():
    j = claims.judge("svm.baseline", _svm(0.667, 0.660, n_test=2_000))
    assert j.kind == "differs" and "cannot be told apart" in j.reason and "p = 0.64" in j.reason
    assert claims.judge("svm.baseline", _svm(0.667, 0.660, "quick", n_test=2_000)).kind == "not yet at paper scale"


def test_the_network_beats_the_svm_clearly_or_in_part():
    assert claims.judge("svm.baseline", _svm(0.5947, 0.5047)).kind == "agrees"
    assert claims.judge("svm.baseline", _svm(0.5947, 0.5647)).kind == "partly"  # significant, but 3 points
    assert claims.judge("svm.baseline", _svm(0.50, 0.60)).kind == "differs"


def test_a_finite_column_whose_data_are_absent_is_not_archived():
    j = claims.judge("table1.mnist", ecc.data_absent("mnist"))
    assert j.kind == claims.NOT_ARCHIVED and "the mnist files are absent here" in j.reason


# --------------------------------------------------------------------------- the archived runs the chapters show


def _archived(name: str, **overrides):
    cfg = registry.config(name, "quick", **overrides)
    hit = registry.load_archived(name, "quick", cfg)
    if hit is None:
        pytest.skip(f"no archived quick {name} run with {overrides}")
    return registry.Result(name, "quick", cfg, hit.frames, hit.provenance, "archived")


SHAPESET = dict(pretrain_activation="tanh", pretrain_noise=0.25)


def test_the_archived_runs():
    short = _archived("shapeset_curves", **SHAPESET)
    longer = _archived("shapeset_curves", **SHAPESET, updates=30_000, eval_every=1_500, pretrain_updates_per_layer=5_000)
    assert claims.judge("table1.shapeset.orderings", short).kind == "inconclusive"  # Tanh still on the plateau at 6k
    assert claims.judge("table1.shapeset.orderings", longer).kind == "not yet at paper scale"
    assert claims.judge("table1.shapeset.sigmoid-5", longer).kind == "agrees"
    assert claims.judge("fig11.sigmoid4", longer).kind == "not yet at paper scale"
    svm = _archived("svm_baseline", n_train=15_000, updates=50_000, eval_every=5_000)
    j = claims.judge("svm.baseline", svm)
    assert j.kind == "not yet at paper scale" and "cannot be told apart" in j.reason
