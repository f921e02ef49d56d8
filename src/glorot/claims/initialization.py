"""The claims of §4.2, gradients at initialization and the normalized initialization (eqs. 5-17,
Figs. 6-8), judged on the runs of :mod:`glorot.experiments.initialization` (see
:mod:`glorot.claims` for what a claim is).

Chapter ``04_initialization`` prints these verdicts under its figures and tables; the
scorecard lists them with the run of their role (``variance`` for eqs. 5-6 in the linear
regime, ``init`` for the network of Figs. 6-8 and eq. 17).

**Scale.** Nothing is trained: every claim is at initialization (scale ``none``). The
captions state the width and sample; at the ``quick`` and ``paper`` profiles the networks
have the paper's size (five hidden layers of 1000 units).

The rules read Figs. 6 and 7 by their histograms' 0-peaks, as the paper's captions do ("0-peak
increases for higher layers"), and Fig. 8 by the spread of its std across layers (eq. 14: the
same variance in every layer); the peak heights of Fig. 8 depend on the number of examples
per weight gradient, which the paper does not give, and are not part of its claim.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import data, nets, probes, variance_theory
from ..experiments import Result
from .base import Claim, Judgement, register

SECTION = "§4.2 Gradients at initialization"
PAGE = "04_initialization"
INITS = ("standard", "normalized")

# --------------------------------------------------------------------------- the paper's words and read-off values

PAPER_N_VAR_W = {"standard": 1 / 3, "normalized": 1.0}
"""§4.2: n·Var[W] = 1/3 for the standard initialization (eq. 15); the normalized initialization
(eq. 16) makes it 1 for equal widths (eqs. 10-12)."""
PAPER_FIG6_PEAKS = {"standard": 14.0, "normalized": 1.3}
"""Fig. 6: peak density of the tanh activations at initialization, layer 5, standard init (about
14) and every layer with the normalized init (about 1.3); read off the figure."""
PAPER_FIG7_PEAKS = {"standard": 85.0, "normalized": 9.0}
"""Fig. 7: peak density of the back-propagated gradients at initialization, layer 1, standard
init (about 85), and every layer with the normalized init (about 9); read off the figure."""
PAPER_FIG7_RANGE = 0.2
"""Fig. 7 (top): the standard init's back-propagated gradients span about ±0.2 (read off)."""
PAPER_FIG8_PEAKS = {"standard": 270.0, "normalized": 40.0}
"""Fig. 8: peak density of the weight gradients at initialization, about 270 (standard, x range
±0.025) and 40 (normalized, ±0.1); read off the figure."""
PAPER_JACOBIAN = {"standard": 0.5, "normalized": 0.8}
"""§4.2.2, eq. (17): "the average singular value" of the layer Jacobians, "around 0.8" with the
normalized initialization, "drops down to 0.5" with the standard one."""

# --------------------------------------------------------------------------- thresholds of the rules

MATCH_TOLERANCE = 0.10
"""A measured variance "follows" eqs. (5)-(6), and a per-layer factor eq. (15)'s 1/3 or the
normalized init's 1, when within 10% of it (relative); within 2.5 times that: in part."""
WEIGHT_VAR_AGREE, WEIGHT_VAR_PARTLY = 0.02, 0.10
"""The drawn weights follow eqs. (15) and (12) when every layer's realised variance is within 2%
of the formula (1,000 × 1,000 uniform draws have a relative standard error of about 0.1%);
within 10%: in part."""
RATIO_SHRINKS = 3.0
"""Figs. 6-7, standard init: the 0-peak "increases" (Fig. 6) or "decreases" (Fig. 7) "for higher
layers" when it moves that way at every layer and by at least 3x from layer 1 to the top."""
RATIO_ALIKE = 1.5
"""Figs. 6-7, normalized init: the layers look "alike" when the largest 0-peak over the smallest
is at most 1.5."""
WEIGHT_GRAD_FLAT, WEIGHT_GRAD_PARTLY = 1.25, 1.5
"""Fig. 8, eq. (14): the weight gradients have "about the same variance in every layer" when the
largest std over the smallest, across layers, is at most 1.25 for both inits; at most 1.5: in
part."""
WITH_F_AGREE = (0.10, 0.15)
WITH_F_PARTLY = (0.25, 0.35)
"""Eqs. (5)-(6) carried through f (:func:`eqs_with_f`) explain the measured network when they
predict each layer's activation std within 10% and each layer-to-layer gradient variance ratio
within 15%; within 25% and 35%: in part."""
JACOBIAN_TOLERANCE = 0.05
"""Eq. (17)'s numbers, "around 0.8" and "drops down to 0.5", have one digit: ours agrees when
|ours − paper| is at most half a unit of that digit, 0.05 (ours then rounds to the paper's
value); up to one unit, 2 × 0.05 = 0.1 (ours rounds to the next digit): partly; more: differs.
The one tolerance of the rule :func:`_jacobian`, which the chapter and the scorecard both call
(0.734 against 0.8 is a gap of 0.066, 8.2% of 0.8: more than the tolerance, so partly)."""
SLACK = 1e-9
"""A value on a threshold counts as within it: comparisons allow this relative slack for the
rounding of float arithmetic (0.8 − 0.75 is 0.05000000000000004)."""


# --------------------------------------------------------------------------- helpers the rules and the page share


def within(value: float, limit: float) -> bool:
    """``value <= limit``, a value on the limit included (:data:`SLACK`)."""
    return float(value) <= float(limit) * (1 + SLACK) + SLACK * 1e-3


def sided(value: float, limits, decimals: int, up: bool = False) -> str:
    """``value`` with ``decimals`` decimals, or more where fewer would print it on the other
    side of one of ``limits`` (below, on or above it, as :func:`within` tells) than ``value``
    is (a gap of 0.0504 against a tolerance of 0.05 prints ``0.0504``, not ``0.050``; a
    factor of 2.99 against 3 prints ``2.99``, not ``3.0``). With ``up`` the last decimal is rounded up, for
    "within X": a gap of 8.2% reads "within 8.2%", 7.33% "within 7.4%", never "within 7%"."""
    def side(x, lim):  # below, on or above the limit (on it: within SLACK)
        return (not within(x, lim)) - (not within(lim, x))

    value = float(value)
    for d in range(decimals, decimals + 6):
        shown = math.ceil(value * 10**d - 1e-9) / 10**d if up else value
        text = f"{shown:.{d}f}"
        if all(side(float(text), lim) == side(value, lim) for lim in limits):
            return text
    return repr(value)


def _config(run):
    """A run's configuration, or the configuration itself."""
    return run.config if isinstance(run, Result) else run


def layer_sizes(run) -> list[int]:
    """The layer sizes of the ``init_statistics`` network (a run or its configuration): input,
    ``depth`` hidden layers of ``width``, output."""
    cfg = _config(run)
    n_in, n_out = data.input_dim(cfg["dataset"])
    return [n_in] + [int(cfg["width"])] * int(cfg["depth"]) + [n_out]


def weight_variances(run) -> pd.DataFrame:
    """The weights both initializations draw for the network of Figs. 6-8 (the run's sizes and
    seed; a run or its configuration), layer by layer: realised n·Var[W] (n the fan-in) beside
    eq. (15), and the normalized init's Var[W] over eq. (12)'s 2/(n_in + n_out)."""
    seed = int(_config(run)["seed"])
    stack = nets.MLPStack(layer_sizes(run), inits=list(INITS), seeds=[seed, seed])
    return pd.DataFrame([
        {"layer": i + 1, "n_in": W.shape[1], "n_out": W.shape[2],
         "n·Var[W] standard (eq. 15: 1/3)": W.shape[1] * float(W[0].double().var()),
         "n·Var[W] normalized": W.shape[1] * float(W[1].double().var()),
         "Var[W] normalized / (2/(n_in+n_out))": float(W[1].double().var()) / (2 / (W.shape[1] + W.shape[2]))}
        for i, W in enumerate(stack.weights)])


def weight_deviations(table: pd.DataFrame) -> tuple[float, float]:
    """The largest relative gap over layers of :func:`weight_variances`' table from eq. (15)
    (standard) and eq. (12) (normalized)."""
    return (float((3 * table["n·Var[W] standard (eq. 15: 1/3)"] - 1).abs().max()),
            float((table["Var[W] normalized / (2/(n_in+n_out))"] - 1).abs().max()))


def variance_gap(run: Result) -> dict:
    """Where the ``variance_propagation`` run is farthest from eqs. (5)-(6): its relative gap
    (``gap``), ``quantity``, ``init`` and ``layer``."""
    v = run["variance"]
    dev = (v["ratio"] - 1).abs()
    row = v.loc[dev.idxmax()]
    return {"gap": float(dev.max()), "quantity": str(row["quantity"]), "init": str(row["init"]), "layer": int(row["layer"])}


def per_layer_factor(run: Result, quantity: str) -> pd.Series:
    """Per initialization, the factor by which ``quantity``'s variance changes per layer going
    up (from layer 1 to the top, geometric mean), in the ``variance_propagation`` run."""
    v = run["variance"]
    depth = int(run.config["depth"])
    wide = v[v["quantity"] == quantity].pivot_table(index="init", columns="layer", values="measured")
    return (wide[depth] / wide[1]) ** (1 / (depth - 1))


def peaks(run: Result, quantity: str) -> dict[str, pd.DataFrame]:
    """Per initialization, :func:`glorot.probes.histogram_summary` of ``quantity`` by layer (peak
    density, std, percentiles, bin width)."""
    s = probes.histogram_summary(run["hist"], run["stats"])
    s = s[s["quantity"] == quantity]
    return {init: s[s["init"] == init].set_index("layer") for init in INITS}


def monotone(values, rising: bool) -> bool:
    """Whether ``values`` rise (or fall) at every step."""
    d = np.diff(np.asarray(values, dtype=float))
    return bool((d > 0).all() if rising else (d < 0).all())


def eqs_with_f(run: Result) -> dict:
    """Eqs. (5)-(6) carried through the non-linearity (:func:`glorot.variance_theory.propagate`,
    from the probe inputs' E[x²] and the nominal Var[W]) beside the measured network of Figs.
    6-7: ``table`` (per init and layer: activation std measured and predicted, and the
    layer-to-layer ratio Var[∂C/∂s^k] / Var[∂C/∂s^(k+1)] measured and predicted), ``errors``
    (per init: the largest relative error of the std and of the ratio), ``predicted`` (per
    init: the propagation's frame), ``ex2`` and ``x_mean`` of the inputs."""
    cfg, stats = run.config, run["stats"]
    x, _ = data.examples(cfg["dataset"], int(cfg["n_examples"]))
    ex2 = float((x.double() ** 2).mean())
    sizes = layer_sizes(run)
    rows, errors, predicted = [], {}, {}
    for init in INITS:
        pred = variance_theory.propagate(cfg["activation"], list(sizes), init, ex2)
        predicted[init] = pred
        meas = stats[(stats["init"] == init) & (stats["quantity"] == "activation")].set_index("layer")["std"]
        var_g = stats[(stats["init"] == init) & (stats["quantity"] == "backprop_grad")].set_index("layer")["var"]
        ratio_meas = (var_g / var_g.shift(-1)).dropna()  # Var[dC/ds^k] / Var[dC/ds^(k+1)]
        ratio_pred = (pred["e_fprime2"] * pred["fan_out_n_var"]).loc[ratio_meas.index]
        errors[init] = (float(((pred["std_z"] - meas) / meas).abs().max()),
                        float(((ratio_pred - ratio_meas) / ratio_meas).abs().max()))
        rows.append(pd.DataFrame({"init": init, "layer": pred.index, "std z: measured": meas.loc[pred.index].to_numpy(),
                                  "std z: eqs. with f": pred["std_z"].to_numpy(),
                                  "Var[∂C/∂s] layer k / k+1: measured": ratio_meas.reindex(pred.index).to_numpy(),
                                  "… eqs. with f": ratio_pred.reindex(pred.index).to_numpy()}))
    return {"table": pd.concat(rows, ignore_index=True), "errors": errors, "predicted": predicted, "ex2": ex2,
            "x_mean": float(x.double().mean())}


def jacobian_means(run: Result) -> pd.Series:
    """Per initialization, the mean singular value of the layer Jacobians J^i (eq. 17),
    averaged over layers and examples."""
    jac = run["jacobian"]
    return jac.groupby("init")["mean_singular_value"].mean()


# --------------------------------------------------------------------------- eqs. (5)-(6), (12), (15) in the linear regime


def _variance_equations(run: Result) -> Judgement:
    """Ours: the largest relative gap between a measured variance and the product eqs. (5)-(6)
    predict from each layer's realised weight variance, over layers, quantities and inits.
    Within :data:`MATCH_TOLERANCE`: agrees; within 2.5 times that: partly; else differs."""
    v = run["variance"]
    w = variance_gap(run)
    gap = float(w["gap"])
    where = f"{w['quantity'].split(' (')[0].replace('dC/ds', '∂C/∂s')}, {w['init']} initialization, layer {int(w['layer'])}"
    shown = sided(100 * gap, (100 * MATCH_TOLERANCE, 250 * MATCH_TOLERANCE), 1, up=True)
    said = f"every measured variance is within {shown}% of eqs. (5)–(6) (largest gap: {where})"
    ours = f"measured within {shown}% of the equations in all {len(v)} cells"
    values = {"worst_gap": gap, "tolerance": MATCH_TOLERANCE}
    if within(gap, MATCH_TOLERANCE):
        return Judgement("agrees", f"{said}, within {100 * MATCH_TOLERANCE:.0f}%", ours, values)
    if within(gap, 2.5 * MATCH_TOLERANCE):
        return Judgement("partly", f"{said}, over {100 * MATCH_TOLERANCE:.0f}%", ours, values)
    return Judgement("differs", f"{said}, over {250 * MATCH_TOLERANCE:.0f}%", ours, values)


def _factor(run: Result, quantity: str, upward: bool, what: str, way: str) -> Judgement:
    """Both measured per-layer factors within :data:`MATCH_TOLERANCE` (relative) of
    :data:`PAPER_N_VAR_W` (1/3 and 1): agrees; one: partly; neither: differs."""
    f = per_layer_factor(run, quantity)
    if not upward:
        f = 1 / f  # the factor per layer going down, toward the input
    ok = {k: within(abs(f[k] - PAPER_N_VAR_W[k]), MATCH_TOLERANCE * PAPER_N_VAR_W[k]) for k in INITS}
    said = (f"going {way} one layer multiplies {what} by {f['standard']:.3f} with the standard initialization (eq. 15: 1/3) "
            f"and {f['normalized']:.3f} with the normalized one (eq. 16: 1)")
    ours = f"×{f['standard']:.3f} per layer {way} (standard), ×{f['normalized']:.3f} (normalized)"
    values = {f"paper_{k}": v for k, v in PAPER_N_VAR_W.items()} | {k: float(f[k]) for k in INITS}
    if all(ok.values()):
        return Judgement("agrees", f"{said}, both within {100 * MATCH_TOLERANCE:.0f}%", ours, values)
    if any(ok.values()):
        good = next(k for k, v in ok.items() if v)
        return Judgement("partly", f"{said}: only the {good} factor is within {100 * MATCH_TOLERANCE:.0f}%", ours, values)
    return Judgement("differs", f"{said}: neither within {100 * MATCH_TOLERANCE:.0f}%", ours, values)


def _activation_factor(run: Result) -> Judgement:
    """Eqs. (5), (15), (16): going up one layer multiplies Var[z] by n·Var[W] (:func:`_factor`)."""
    return _factor(run, "Var[z] (eq. 5)", True, "the activation variance", "up")


def _gradient_factor(run: Result) -> Judgement:
    """Eqs. (6), (15), (16): going down one layer multiplies Var[∂C/∂s] by n·Var[W] (:func:`_factor`)."""
    return _factor(run, "Var[dC/ds] (eq. 6)", False, "the back-propagated gradient variance", "down")


def _weights_drawn(run: Result) -> Judgement:
    """Ours: :func:`weight_deviations` of :func:`weight_variances`. Both within
    :data:`WEIGHT_VAR_AGREE`: agrees; within :data:`WEIGHT_VAR_PARTLY`: partly; else differs."""
    std_dev, norm_dev = weight_deviations(weight_variances(run))
    lims = (100 * WEIGHT_VAR_AGREE, 100 * WEIGHT_VAR_PARTLY)
    sd, nd = sided(100 * std_dev, lims, 1, up=True), sided(100 * norm_dev, lims, 1, up=True)
    said = (f"the realised n·Var[W] is within {sd}% of eq. (15)'s 1/3 (standard) and Var[W] within "
            f"{nd}% of eq. (12)'s 2/(n_in + n_out) (normalized), in every layer")
    ours = f"within {sd}% (standard) and {nd}% (normalized) of the formulas"
    values = {"standard": std_dev, "normalized": norm_dev}
    worst = max(std_dev, norm_dev)
    kind = "agrees" if within(worst, WEIGHT_VAR_AGREE) else "partly" if within(worst, WEIGHT_VAR_PARTLY) else "differs"
    return Judgement(kind, said + {"agrees": "", "partly": f", over {100 * WEIGHT_VAR_AGREE:.0f}%",
                                   "differs": f", over {100 * WEIGHT_VAR_PARTLY:.0f}%"}[kind], ours, values)


# --------------------------------------------------------------------------- Figs. 6-7


def _zero_peaks(run: Result, quantity: str, rising: bool, paper: dict, paper_layer: str) -> Judgement:
    """Figs. 6-7 by their 0-peaks (histogram peak density per layer, :func:`peaks`). Standard
    init: the peak moves the paper's way (``rising`` with the layer for Fig. 6, falling for
    Fig. 7) at every layer and by at least :data:`RATIO_SHRINKS` from layer 1 to the top.
    Normalized init: largest peak over smallest at most :data:`RATIO_ALIKE`. Both: agrees; the
    standard one so and the normalized peaks' spread under half the standard one's: partly;
    else differs."""
    p = peaks(run, quantity)
    s, n = p["standard"]["peak_density"], p["normalized"]["peak_density"]
    top = int(s.index.max())
    way = rising
    moves = monotone(s, rising=way)
    std_change = float(s.iloc[-1] / s.iloc[0]) if rising else float(s.iloc[0] / s.iloc[-1])
    std_spread = float(s.max() / s.min())
    norm_spread = float(n.max() / n.min())
    changes = moves and within(RATIO_SHRINKS, std_change)
    alike = within(norm_spread, RATIO_ALIKE)
    fmt = ".3g"
    verb = ("rises" if rising else "falls") + (" with every layer," if moves else ", but not with every layer,")
    said_std = (f"with the standard initialization the 0-peak {verb} {s.iloc[0]:{fmt}} → {s.iloc[-1]:{fmt}} from layer 1 to "
                f"{top} (×{sided(std_change, (RATIO_SHRINKS,), 1)}; paper: layer {top if paper_layer == 'top' else 1} "
                f"about {paper['standard']:g})"
                + ("" if rising else ": the gradients shrink toward the input"))
    spread = sided(norm_spread, (RATIO_ALIKE,), 2)
    said_norm = (f"the normalized peaks go {n.iloc[0]:{fmt}} → {n.iloc[-1]:{fmt}} (×{spread} largest over smallest; "
                 f"paper: all about {paper['normalized']:g})")
    ours = (f"0-peak {s.iloc[0]:{fmt}} → {s.iloc[-1]:{fmt}} from layer 1 to {top} (standard), "
            f"{n.min():{fmt}}–{n.max():{fmt}} (normalized, ×{spread})")
    values = {f"paper_peak_{k}": v for k, v in paper.items()} | {
        "standard_change": std_change, "standard_spread": std_spread, "normalized_spread": norm_spread, "monotone": moves}
    if changes and alike:
        return Judgement("agrees", f"{said_std}; {said_norm}, alike (within ×{RATIO_ALIKE:g}), as in the paper", ours, values)
    if changes and norm_spread < std_spread / 2:
        return Judgement("partly", f"{said_std}; but the normalized panel is not alike across layers as the paper's is: "
                         f"{said_norm}, against ×{std_spread:.1f} with the standard one", ours, values)
    why = (f"the standard 0-peak does not {'rise' if rising else 'fall'} at every layer and by at least ×{RATIO_SHRINKS:g} "
           "from layer 1 to the top" if not changes
           else "the normalized peaks spread more than half as much as the standard ones")
    return Judgement("differs", f"{said_std}; {said_norm}: {why}", ours, values)


def _fig6(run: Result) -> Judgement:
    """Fig. 6: "Top: 0-peak increases for higher layers"; normalized: alike (:func:`_zero_peaks`)."""
    return _zero_peaks(run, "activation", True, PAPER_FIG6_PEAKS, "top")


def _fig7(run: Result) -> Judgement:
    """Fig. 7: "Top: 0-peak decreases for higher layers" (the gradients shrink toward the input);
    normalized: alike (:func:`_zero_peaks`)."""
    return _zero_peaks(run, "backprop_grad", False, PAPER_FIG7_PEAKS, "first")


def _with_f(run: Result) -> Judgement:
    """Ours: :func:`eqs_with_f`'s largest errors over both inits. Within :data:`WITH_F_AGREE`:
    agrees; within :data:`WITH_F_PARTLY`: partly; else differs."""
    e = eqs_with_f(run)
    z_err = max(v[0] for v in e["errors"].values())
    g_err = max(v[1] for v in e["errors"].values())
    act = run.config["activation"]
    kind = ("agrees" if within(z_err, WITH_F_AGREE[0]) and within(g_err, WITH_F_AGREE[1]) else
            "partly" if within(z_err, WITH_F_PARTLY[0]) and within(g_err, WITH_F_PARTLY[1]) else "differs")
    so = {"agrees": f"so the spread of the normalized panels is what the equations predict for our inputs once {act}'s slope "
                    "is counted",
          "partly": f"so counting {act}'s slope explains most, not all, of the spread of the normalized panels",
          "differs": f"so counting {act}'s slope does not explain the spread of the normalized panels"}[kind]
    z_txt = sided(100 * z_err, (100 * WITH_F_AGREE[0], 100 * WITH_F_PARTLY[0]), 1, up=True)
    g_txt = sided(100 * g_err, (100 * WITH_F_AGREE[1], 100 * WITH_F_PARTLY[1]), 1, up=True)
    return Judgement(kind, f"eqs. (5)–(6) with f kept predict each layer's activation std to within {z_txt}% and "
                     f"the layer-to-layer gradient variance ratio to within {g_txt}%, {so}",
                     f"activation std within {z_txt}%, gradient ratios within {g_txt}% of eqs. (5)–(6) "
                     f"with {act} kept", {"z_err": z_err, "g_err": g_err, "ex2": e["ex2"]})


# --------------------------------------------------------------------------- Fig. 8


def _fig8(run: Result) -> Judgement:
    """Ours: the largest over the smallest weight-gradient std across layers, per init. Both
    within :data:`WEIGHT_GRAD_FLAT`: agrees; within :data:`WEIGHT_GRAD_PARTLY`: partly; else
    differs. The peak heights beside :data:`PAPER_FIG8_PEAKS` are reported, not judged
    (module docstring)."""
    p = peaks(run, "weight_grad")
    ratio = {k: float(p[k]["std"].max() / p[k]["std"].min()) for k in INITS}
    peak_gap = {k: float(p[k]["peak_density"].median() / PAPER_FIG8_PEAKS[k]) for k in INITS}
    worst = max(ratio.values())
    lims = (WEIGHT_GRAD_FLAT, WEIGHT_GRAD_PARTLY)
    shown = {k: sided(ratio[k], lims, 2) for k in INITS}
    said = (f"the weight-gradient std varies across layers by ×{shown['standard']} (standard) and "
            f"×{shown['normalized']} (normalized), largest over smallest")
    peaks_said = (f" (our median peaks are {peak_gap['standard']:.1f} and {peak_gap['normalized']:.1f} times the paper's; they "
                  "depend on how many examples each gradient averages, which the paper does not give)")
    ours = f"largest / smallest std over layers: ×{shown['standard']} (standard), ×{shown['normalized']} (normalized)"
    values = {"ratio_standard": ratio["standard"], "ratio_normalized": ratio["normalized"], "peak_gap": peak_gap,
              "paper_peaks": PAPER_FIG8_PEAKS}
    if within(worst, WEIGHT_GRAD_FLAT):
        return Judgement("agrees", f"{said}: flat, as eq. (14) says, whatever the initialization{peaks_said}", ours, values)
    if within(worst, WEIGHT_GRAD_PARTLY):
        return Judgement("partly", f"{said}: nearly flat, but over ×{WEIGHT_GRAD_FLAT:g} (eq. 14: the same in every layer)"
                         f"{peaks_said}", ours, values)
    return Judgement("differs", f"{said}: not flat across layers, though eq. (14) says it should be{peaks_said}", ours, values)


# --------------------------------------------------------------------------- eq. (17)


def jacobian_gap(run: Result, init: str) -> dict:
    """Eq. (17) for ``init``: ours (:func:`jacobian_means`), the paper's value
    (:data:`PAPER_JACOBIAN`), the gap |ours − paper| and the gap relative to the paper's value."""
    want = PAPER_JACOBIAN[init]
    ours = float(jacobian_means(run)[init])
    gap = abs(ours - want)
    return {"paper": want, "ours": ours, "gap": gap, "relative_gap": gap / want}


def _jacobian(init: str):
    def rule(run: Result) -> Judgement:
        """Eq. (17), ``init``: ours is :func:`jacobian_gap`. Within :data:`JACOBIAN_TOLERANCE`
        of the paper's value (half a unit of its one digit): agrees; within twice that (one
        unit): partly; else differs. The reason states the gap as it is, absolute and in %."""
        jac = run["jacobian"]
        g = jacobian_gap(run, init)
        ours_v, want, gap = g["ours"], g["paper"], g["gap"]
        side = "below" if ours_v < want else "above"
        said = (f"with the {init} initialization the mean singular value is {ours_v:.3f}, "
                f"{sided(gap, (JACOBIAN_TOLERANCE, 2 * JACOBIAN_TOLERANCE), 3)} "
                f"({100 * g['relative_gap']:.1f}% of {want:g}) {side} the paper's ≈ {want:g}")
        tol = f"the tolerance of {JACOBIAN_TOLERANCE:g} (half a unit of the paper's one digit)"
        ours = (f"{ours_v:.3f} ({run.config['activation']}, mean over {jac['layer'].nunique()} layers × "
                f"{jac['example'].nunique()} examples)")
        values = g | {"tolerance": JACOBIAN_TOLERANCE}
        if within(gap, JACOBIAN_TOLERANCE):
            return Judgement("agrees", f"{said}: within {tol}", ours, values)
        if within(gap, 2 * JACOBIAN_TOLERANCE):
            return Judgement("partly", f"{said}: more than {tol}, within {2 * JACOBIAN_TOLERANCE:g} (one unit)", ours, values)
        return Judgement("differs", f"{said}: more than {2 * JACOBIAN_TOLERANCE:g}, a whole unit of the paper's one digit",
                         ours, values)

    rule.__name__ = rule.__qualname__ = f"_jacobian_{init}"
    return rule


# --------------------------------------------------------------------------- the claims

register(
    Claim("eq5_6.linear_regime", "§4.2, eqs. (5)–(6)",
          "§4.2, eqs. (5)–(6): variances follow the products of n·Var[W] (linear regime)",
          "Var[z] and Var[∂C/∂s] as in eqs. (5)–(6)", PAGE, "variance", _variance_equations, "none", SECTION),
    Claim("eq5.activation_factor", "eqs. (5), (15), (16)",
          "Eqs. (5), (15)–(16): activation variance per layer, standard vs normalized init",
          "×1/3 per layer (standard, eq. 15); ×1, kept (normalized, eq. 16)", PAGE, "variance", _activation_factor, "none",
          SECTION),
    Claim("eq6.gradient_factor", "eqs. (6), (15), (16)",
          "Eqs. (6), (15)–(16): back-propagated gradient variance per layer toward the input",
          "×1/3 per layer down (standard: shrinks); ×1 (normalized)", PAGE, "variance", _gradient_factor, "none", SECTION),
    Claim("eq12_15.weights_drawn", "eqs. (12), (15), (16)",
          "Eqs. (12), (15): the weights drawn have the variances the equations give",
          "n·Var[W] = 1/3 (standard, eq. 15); Var[W] = 2/(n_in + n_out) (normalized, eqs. 12, 16)", PAGE, "init",
          _weights_drawn, "none", SECTION),
    Claim("fig6.activations", "Fig. 6", "Fig. 6: tanh activations at initialization, layer by layer",
          f"standard: 0-peak grows with the layer (layer 5 ≈ {PAPER_FIG6_PEAKS['standard']:g}); "
          f"normalized: alike (≈ {PAPER_FIG6_PEAKS['normalized']:g})", PAGE, "init", _fig6, "none", SECTION),
    Claim("fig7.backprop", "Fig. 7", "Fig. 7: back-propagated gradients at initialization, layer by layer",
          f"standard: shrink toward the input (layer-1 peak ≈ {PAPER_FIG7_PEAKS['standard']:g}); "
          f"normalized: alike (≈ {PAPER_FIG7_PEAKS['normalized']:g})", PAGE, "init", _fig7, "none", SECTION),
    Claim("eq5_6.with_f", "eqs. (5)–(6), Figs. 6–7",
          "Eqs. (5)–(6) with f kept explain the layers of Figs. 6–7 (not in the paper)",
          "not measured: the paper assumes the linear regime (eq. 4)", PAGE, "init", _with_f, "none", SECTION),
    Claim("fig8.weight_gradients", "Fig. 8, eq. (14)",
          "Fig. 8, eq. (14): weight gradients at initialization are alike across layers",
          "about the same variance in every layer, with either init", PAGE, "init", _fig8, "none", SECTION),
    *(Claim(f"eq17.jacobian_{init}", "§4.2.2, eq. (17)", f"Eq. (17): mean singular value of the layer Jacobians, {init} init",
            f"≈ {PAPER_JACOBIAN[init]:g}", PAGE, "init", _jacobian(init), "none", SECTION) for init in INITS),
)
