"""The claims of §4.2 (glorot.claims.initialization): each rule on small synthetic runs, where the
outcome is known, with its thresholds at their edges (a value on a threshold is within it), and
on the archived runs chapter 04 shows.

Every claim of the section is at initialization (scale ``none``): no scale rule applies, so the
synthetic runs are at the ``quick`` profile (the paper's size) and keep the rule's verdict.
"""

from __future__ import annotations

import pandas as pd
import pytest

from glorot import claims
from glorot.claims import initialization as ic
from glorot.experiments import registry

DEPTH = 5


# --------------------------------------------------------------------------- the printing helpers


@pytest.mark.parametrize("value, limits, decimals, up, text", [
    (8.204, (10,), 1, True, "8.3"), (7.33, (10,), 1, True, "7.4"), (6.4423, (10, 25), 1, True, "6.5"),
    (10.0, (10,), 1, True, "10.0"), (0.0656, (0.05, 0.1), 3, False, "0.066"), (0.0504, (0.05, 0.1), 3, False, "0.0504"),
    (0.05, (0.05,), 3, False, "0.050"), (2.99, (3,), 1, False, "2.99"), (1.5004, (1.5,), 2, False, "1.5004"), (1.7327, (1.5,), 2, False, "1.73")])
def test_a_number_is_printed_on_its_side_of_each_threshold(value, limits, decimals, up, text):
    assert ic.sided(value, limits, decimals, up) == text


def test_a_value_on_a_threshold_is_within_it():
    assert ic.within(0.8 - 0.75, 0.05) and ic.within(0.10, 0.10) and not ic.within(0.1001, 0.10)


# --------------------------------------------------------------------------- eqs. (5)-(6): synthetic linear networks


def _variance(gap=0.0, factor_z=(1 / 3, 1.0), factor_g=(1 / 3, 1.0), gap_at=("normalized", 1, "Var[dC/ds] (eq. 6)")):
    """A ``variance_propagation`` run: Var[z] multiplied by ``factor_z`` (standard, normalized) per
    layer going up, Var[∂C/∂s] by ``factor_g`` per layer going down, every measured value on the
    equation's except one, ``gap`` (relative) off at ``gap_at``."""
    rows = []
    for init, fz, fg in (("standard", factor_z[0], factor_g[0]), ("normalized", factor_z[1], factor_g[1])):
        for layer in range(1, DEPTH + 1):
            for quantity, value in (("Var[z] (eq. 5)", fz ** (layer - 1)), ("Var[dC/ds] (eq. 6)", 1e-4 * fg ** (DEPTH - layer))):
                ratio = 1 + gap if (init, layer, quantity) == gap_at else 1.0
                rows.append({"init": init, "layer": layer, "quantity": quantity, "measured": value * ratio, "predicted": value,
                             "predicted_nominal": value, "ratio": ratio})
    cfg = registry.config("variance_propagation", "quick", depth=DEPTH)
    return registry.Result("variance_propagation", "quick", cfg, {"variance": pd.DataFrame(rows)}, {}, "archived")


@pytest.mark.parametrize("gap, kind", [(0.0, "agrees"), (0.064, "agrees"), (0.10, "agrees"), (0.1001, "partly"),
                                       (0.25, "partly"), (0.2501, "differs"), (-0.3, "differs")])
def test_the_variances_follow_eqs_5_and_6(gap, kind):
    # the gap sits on layer 1 of the normalized init's gradients; its per-layer factor is judged by its own claim
    j = claims.judge("eq5_6.linear_regime", _variance(gap))
    assert j.kind == kind and j.values["worst_gap"] == pytest.approx(abs(gap))
    if kind == "agrees" and gap:
        assert f"within {ic.sided(100 * abs(gap), (), 1, up=True)}%" in j.reason


def test_a_gap_of_8_2_percent_is_not_printed_within_8_percent():
    j = claims.judge("eq5_6.linear_regime", _variance(0.082))
    assert "within 8.2%" in j.reason and "within 8%" not in j.reason


@pytest.mark.parametrize("factor, kind", [((1 / 3, 1.0), "agrees"), ((1 / 3 * 1.1, 0.9), "agrees"),
                                          ((1 / 3 * 1.11, 1.0), "partly"), ((1 / 3, 1.2), "partly"), ((0.5, 1.5), "differs")])
def test_the_activation_variance_per_layer(factor, kind):
    j = claims.judge("eq5.activation_factor", _variance(factor_z=factor))
    assert j.kind == kind
    assert j.values["standard"] == pytest.approx(factor[0]) and j.values["normalized"] == pytest.approx(factor[1])
    if kind == "partly":
        assert "only the" in j.reason


@pytest.mark.parametrize("factor, kind", [((1 / 3, 1.0), "agrees"), ((1 / 3, 1.1), "agrees"), ((0.4, 1.0), "partly"),
                                          ((1.0, 1.0), "partly"), ((1.0, 3.0), "differs")])
def test_the_gradient_variance_per_layer_toward_the_input(factor, kind):
    j = claims.judge("eq6.gradient_factor", _variance(factor_g=factor))
    assert j.kind == kind and j.values["standard"] == pytest.approx(factor[0])


# --------------------------------------------------------------------------- eqs. (12), (15): the weights drawn


def _weights(std_dev, norm_dev):
    """:func:`glorot.claims.initialization.weight_variances`' table with the worst layer ``std_dev``
    off eq. (15) and ``norm_dev`` off eq. (12) (relative)."""
    return pd.DataFrame([{"layer": i, "n_in": 1000, "n_out": 1000,
                          "n·Var[W] standard (eq. 15: 1/3)": (1 + (std_dev if i == 2 else 0.0)) / 3,
                          "n·Var[W] normalized": 1.0, "Var[W] normalized / (2/(n_in+n_out))": 1 + (norm_dev if i == 3 else 0.0)}
                         for i in range(1, 7)])


@pytest.mark.parametrize("std_dev, norm_dev, kind", [(0.011, 0.011, "agrees"), (0.02, -0.02, "agrees"), (0.0201, 0.0, "partly"),
                                                     (0.0, 0.10, "partly"), (0.0, 0.101, "differs")])
def test_the_weights_drawn_follow_eqs_12_and_15(std_dev, norm_dev, kind, monkeypatch):
    table = _weights(std_dev, norm_dev)
    assert ic.weight_deviations(table) == pytest.approx((abs(std_dev), abs(norm_dev)))
    monkeypatch.setattr(ic, "weight_variances", lambda run: table)
    assert claims.judge("eq12_15.weights_drawn", _init()).kind == kind


def test_the_weights_are_drawn_from_the_runs_configuration():
    cfg = registry.config("init_statistics", "smoke")
    table = ic.weight_variances(cfg)
    assert list(table["n_in"]) == ic.layer_sizes(cfg)[:-1] and len(table) == cfg["depth"] + 1
    std_dev, norm_dev = ic.weight_deviations(table)
    assert std_dev < 0.5 and norm_dev < 0.5


# --------------------------------------------------------------------------- Figs. 6-8, eq. (17): synthetic networks


def _hist_stats(quantity, peaks_std, peaks_norm, stds=None):
    """One-bin histograms (the peak is the bin) and stats rows for ``quantity``, per layer."""
    hist, stats = [], []
    for init, peaks in (("standard", peaks_std), ("normalized", peaks_norm)):
        for layer, peak in enumerate(peaks, start=1):
            sd = (stds or {}).get(init, [1.0 / peak] * len(peaks))[layer - 1]
            hist.append({"quantity": quantity, "init": init, "layer": layer, "density": peak, "center": 0.0,
                         "left": -0.5 / peak, "right": 0.5 / peak})
            stats.append({"quantity": quantity, "init": init, "layer": layer, "std": sd, "var": sd ** 2, "p2": -2 * sd,
                          "p98": 2 * sd})
    return hist, stats


FIG6 = ([1.46, 2.69, 4.83, 8.56, 15.2], [1.3] * 5)
FIG7 = ([263.0, 150.0, 80.0, 40.0, 20.0], [9.0] * 5)
FIG8 = ([270.0] * 5, [40.0] * 5)


def _init(fig6=FIG6, fig7=FIG7, fig8=FIG8, jacobian=(0.5, 0.8), wg_std=None):
    """An ``init_statistics`` run at the paper's size with these 0-peaks per layer (standard,
    normalized) for Figs. 6, 7 and 8, weight-gradient stds ``wg_std`` (default 1/peak) and every
    Jacobian's mean singular value ``jacobian`` (standard, normalized)."""
    hist, stats = [], []
    for quantity, (s, n), stds in (("activation", fig6, None), ("backprop_grad", fig7, None), ("weight_grad", fig8, wg_std)):
        h, st = _hist_stats(quantity, s, n, stds)
        hist += h
        stats += st
    jac = pd.DataFrame([{"init": init, "layer": layer, "example": e, "mean_singular_value": v}
                        for init, v in zip(ic.INITS, jacobian) for layer in range(1, DEPTH + 1) for e in range(3)])
    cfg = registry.config("init_statistics", "quick")
    return registry.Result("init_statistics", "quick", cfg, {"hist": pd.DataFrame(hist), "stats": pd.DataFrame(stats),
                                                             "jacobian": jac}, {}, "archived")


def test_fig6_the_papers_panels_agree():
    j = claims.judge("fig6.activations", _init())
    assert j.kind == "agrees" and j.values["monotone"] and j.values["normalized_spread"] == pytest.approx(1.0)


@pytest.mark.parametrize("norm, kind", [([1.0, 1.1, 1.2, 1.3, 1.5], "agrees"), ([1.0, 1.1, 1.2, 1.3, 1.51], "partly"),
                                        ([0.84, 1.0, 1.17, 1.32, 1.46], "partly"), ([1.0, 2.0, 3.0, 4.0, 5.5], "differs")])
def test_fig6_normalized_layers_are_alike_within_1_5(norm, kind):
    # ×5.5 across the normalized layers is more than half the standard's ×10.4: not "far flatter", so differs
    assert claims.judge("fig6.activations", _init(fig6=(FIG6[0], norm))).kind == kind


@pytest.mark.parametrize("std, kind", [([1.0, 1.5, 2.0, 2.5, 3.0], "agrees"), ([1.0, 1.5, 2.0, 2.5, 2.99], "differs"),
                                       ([1.0, 2.0, 1.9, 3.0, 5.0], "differs")])
def test_fig6_the_standard_peak_rises_at_every_layer_by_3(std, kind):
    j = claims.judge("fig6.activations", _init(fig6=(std, [1.3] * 5)))
    assert j.kind == kind
    if kind == "differs":
        assert "at every layer and by at least ×3" in j.reason


def test_fig7_the_gradients_shrink_toward_the_input():
    assert claims.judge("fig7.backprop", _init()).kind == "agrees"
    rising = claims.judge("fig7.backprop", _init(fig7=(FIG7[0][::-1], FIG7[1])))
    assert rising.kind == "differs" and "does not fall" in rising.reason
    j = claims.judge("fig7.backprop", _init(fig7=(FIG7[0], [24.1, 15.7, 12.0, 10.0, 8.45])))
    assert j.kind == "partly" and "not alike across layers" in j.reason


@pytest.mark.parametrize("ratio, kind", [(1.0, "agrees"), (1.25, "agrees"), (1.2501, "partly"), (1.5, "partly"),
                                         (1.51, "differs")])
def test_fig8_weight_gradients_flat_across_layers(ratio, kind):
    std = [1e-3, 1e-3, 1e-3, 1e-3, 1e-3 * ratio]
    j = claims.judge("fig8.weight_gradients", _init(wg_std={"standard": std, "normalized": [4e-3] * 5}))
    assert j.kind == kind and j.values["ratio_standard"] == pytest.approx(ratio)
    assert "times the paper's" in j.reason  # the peak heights are reported, not judged


def test_fig8_peak_heights_do_not_change_the_verdict():
    far = _init(fig8=([1500.0] * 5, [120.0] * 5))
    j = claims.judge("fig8.weight_gradients", far)
    assert j.kind == "agrees" and j.values["peak_gap"]["standard"] == pytest.approx(1500 / 270)


@pytest.mark.parametrize("z_err, g_err, kind", [(0.073, 0.096, "agrees"), (0.10, 0.15, "agrees"), (0.1001, 0.10, "partly"),
                                                (0.25, 0.35, "partly"), (0.10, 0.3501, "differs")])
def test_eqs_with_f_explain_the_normalized_layers(z_err, g_err, kind, monkeypatch):
    monkeypatch.setattr(ic, "eqs_with_f", lambda run: {"errors": {"standard": (z_err, g_err), "normalized": (0.0, 0.0)},
                                                       "ex2": 0.37})
    j = claims.judge("eq5_6.with_f", _init())
    assert j.kind == kind
    assert f"within {ic.sided(100 * z_err, (), 1, up=True)}%" in j.reason


@pytest.mark.parametrize("ours, kind", [(0.8, "agrees"), (0.75, "agrees"), (0.85, "agrees"), (0.7499, "partly"),
                                        (0.734, "partly"), (0.70, "partly"), (0.90, "partly"), (0.6999, "differs"),
                                        (0.95, "differs")])
def test_eq17_the_normalized_jacobian_within_half_a_unit_of_the_papers_digit(ours, kind):
    j = claims.judge("eq17.jacobian_normalized", _init(jacobian=(0.5, ours)))
    assert j.kind == kind and j.values["ours"] == pytest.approx(ours) and j.values["tolerance"] == ic.JACOBIAN_TOLERANCE


def test_eq17_the_reason_states_the_gap_as_it_is():
    """Issue 22 (a): 0.734 against 0.8 is a gap of 0.066, 8.2%: one rule, partly, never "within 8%"."""
    j = claims.judge("eq17.jacobian_normalized", _init(jacobian=(0.475, 0.7344)))
    assert j.kind == "partly" and "0.066 (8.2% of 0.8) below" in j.reason and "within 8%" not in j.reason
    assert "more than the tolerance of 0.05" in j.reason
    std = claims.judge("eq17.jacobian_standard", _init(jacobian=(0.475, 0.7344)))
    assert std.kind == "agrees" and "0.025 (5.0% of 0.5) below" in std.reason
    assert claims.combine(std, j).kind == "partly"
    edge = claims.judge("eq17.jacobian_normalized", _init(jacobian=(0.5, 0.7496)))
    assert edge.kind == "partly" and "0.0504" in edge.reason  # not printed as 0.050, the tolerance itself


# --------------------------------------------------------------------------- the archived runs of chapter 04


def _archived(name, **overrides):
    cfg = registry.config(name, "quick", **overrides)
    try:
        hit = registry.load_archived(name, "quick", cfg)
    except Exception as e:  # noqa: BLE001 (a corrupt entry: nothing to test)
        pytest.skip(f"{name}: {e}")
    if hit is None:
        pytest.skip(f"no archived quick {name} run with {overrides}")
    return registry.Result(name, "quick", cfg, hit.frames, hit.provenance, "archived")


def test_the_archived_runs():
    var = _archived("variance_propagation", seed=0)
    for key in ("eq5_6.linear_regime", "eq5.activation_factor", "eq6.gradient_factor"):
        assert claims.judge(key, var).kind == "agrees", key
    init = _archived("init_statistics", activation="tanh", dataset="shapeset", seed=0, weight_grad_batch_size=10)
    kinds = {k: claims.judge(k, init).kind for k in ("eq12_15.weights_drawn", "fig6.activations", "fig7.backprop",
                                                    "eq5_6.with_f", "fig8.weight_gradients", "eq17.jacobian_standard",
                                                    "eq17.jacobian_normalized")}
    assert kinds == {"eq12_15.weights_drawn": "agrees", "fig6.activations": "partly", "fig7.backprop": "partly",
                     "eq5_6.with_f": "agrees", "fig8.weight_gradients": "agrees", "eq17.jacobian_standard": "agrees",
                     "eq17.jacobian_normalized": "partly"}
    assert "8.2% of 0.8" in claims.judge("eq17.jacobian_normalized", init).reason


def test_every_claim_of_the_section_is_at_initialization_on_its_page():
    mine = [c for c in claims.CLAIMS.values() if c.section == ic.SECTION]
    assert {c.key for c in mine} == {"eq5_6.linear_regime", "eq5.activation_factor", "eq6.gradient_factor",
                                     "eq12_15.weights_drawn", "fig6.activations", "fig7.backprop", "eq5_6.with_f",
                                     "fig8.weight_gradients", "eq17.jacobian_standard", "eq17.jacobian_normalized"}
    assert all(c.page == "04_initialization" and c.scale == "none" for c in mine)
    assert {c.role for c in mine} == {"variance", "init"}
