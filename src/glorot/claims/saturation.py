"""The claims of §3, saturation during learning (Figs. 2, 3 and 4), judged on the runs of
:mod:`glorot.experiments.saturation` (see :mod:`glorot.claims` for what a claim is).

Chapter ``02_saturation`` prints these claims' verdicts under its figures and tables, for
every run it shows (the profile's, the ``wide`` run at the paper's width and the longer
runs); the scorecard lists them with the run of their role (``sigmoid`` for Fig. 2,
``saturation`` for Figs. 3-4).

**Scale.** Each is a claim about the *course* of training over the paper's number of updates
(the top layer falls at once and escapes around epoch 100; the tanh layers saturate in turn;
the end of training): ``budget`` claims, judged for real at the paper's updates at any width
(:meth:`glorot.claims.Claim.judge`), "not yet at paper scale" when seen only in part in a
shorter run.

**A network that did not learn.** A Shapeset network whose test error is within
:data:`PLATEAU_MARGIN` of always answering the most frequent class (:func:`majority_error`)
has not left the plateau: its layers had no reason to saturate, so a claim about how the tanh
or the softsign network saturates *during learning*, or a comparison of the two, is
**inconclusive** on that run (the run measures the learning rate, not the activation). The
depth-5 sigmoid network is exempt: staying there is the paper's claim about it.
"""

from __future__ import annotations


import pandas as pd

from .. import pages
from ..experiments import Result, saturation as sat
from ..train import UPDATES_PER_EPOCH
from .base import Claim, Judgement, register
from .plateau import PLATEAU_MARGIN, majority_error

SECTION = "§3 Saturation during learning"
PAGE = "02_saturation"

# --------------------------------------------------------------------------- the paper's words and read-off values

PAPER_FIG2_FALL_EPOCHS = 1.0
"""Fig. 2 / §3.1: the top hidden layer's sigmoid activations are "pushed to their lower
saturation value of 0" "very quickly at the beginning": within the first of about 140 epochs
(read off the figure)."""
FALL_LEVEL = 0.1
"""The top layer counts as "at 0" once its mean activation is below 0.1
(:func:`glorot.experiments.saturation.top_layer_events`' threshold)."""
PAPER_FIG2_ESCAPE_EPOCH = 100.0
"""Fig. 2's caption: the depth-4 top layer "slowly desaturates around epoch 100"."""
PAPER_FIG2_ESCAPE_WINDOW = (50.0, 150.0)
""""Around epoch 100" of a run of about 140 epochs: from epoch 50 to 150 (an escape after
epoch 150 would fall after the end of the paper's Fig. 2, and one before 50 would not be
"around 100"). Chapter 02 used this window and the scorecard 50-200; this one is kept."""
PAPER_FIG2_FINAL_TOP = (0.07, 0.08)
"""Fig. 2: the depth-4 top layer, having desaturated around epoch 100, ends at about
0.07-0.08 at epoch 140 (read off the figure's layer-4 line)."""
PAPER_FIG2_LOWER_LEVEL = 0.5
"""§3.1: "the others layers have a mean activation value that is above 0.5, and decreasing as
we go from the output layer to the input layer" (Fig. 2: layer 3 highest, layer 1 lowest)."""
LOWER_TOLERANCE = 0.01
"""A sigmoid layer whose mean stays at its initial 0.5 (Fig. 2's layer 1 barely leaves it)
reads "at 0.5": a lower layer passes :data:`PAPER_FIG2_LOWER_LEVEL` when its mean is at least
0.49."""
BIAS_SHARE_MIN = 0.5
"""§3.1's hypothesis (the softmax "might initially rely more on its biases b ... than on the top
hidden activations h"), as a number: while the top layer is saturated the biases carry more than
half of the class-centred mean square of the softmax input."""
IMAGE_SHARE_MAX = 0.01
"""... and the image-dependent part ``W(h - E[h])`` less than 1% of it ("the error gradient
would tend to push Wh towards 0")."""
P98_SATURATED = 0.95
"""Fig. 3's markers: a tanh layer is saturating once its 98th percentile exceeds 0.95."""
PAPER_FIG3_TANH_LAYERS = 4
"""Fig. 3 (top), read off: tanh's 98th percentiles reach 1 in turn, layer 1 within the first
few epochs, layer 2 near epoch 15-20, layer 3 near 30-35, layer 4 near 60; layer 5 is still
below about 0.95 at epoch 95. Four layers in sequence is the paper's whole sequence."""
PAPER_FIG4_SOFTSIGN_MODES = (0.6, 0.8)
"""§3.3 / Fig. 4: softsign's activations have modes "around (-0.6,-0.8) and (0.6,0.8)"."""
KNEE_TOLERANCE = 0.05
"""A softsign layer peaks "at its knees" when both its modes (away from the ends) lie within
0.05 (about one histogram bin) of :data:`PAPER_FIG4_SOFTSIGN_MODES`."""
TANH_ENDS_SHARE = 0.5
"""Fig. 4 (top): tanh's lower layers are "heavily saturated": layer 1 has more than half of its
values in the end bins (|z| >= 0.95)."""
SPREAD_RESOLUTION = 2
"""Each layer's settle update is a probe time, known to within one probe interval, so the
spread over layers (last minus first) to within two: softsign's layers settle "closer
together" when their spread is shorter than tanh's by more than two probe intervals."""
# --------------------------------------------------------------------------- helpers the rules (and the page's prose) share


def epochs(update) -> str:
    """``58_000`` -> ``"2.9"`` (epochs of 20k updates, the paper's unit)."""
    return f"{float(update) / UPDATES_PER_EPOCH:.3g}"


def run_epochs(run: Result) -> str:
    return epochs(run.config["updates"])


def n_epochs(update) -> str:
    """``20_000`` -> ``"1 epoch"``, ``65_000`` -> ``"3.25 epochs"``."""
    e = epochs(update)
    return f"{e} epoch" if e == "1" else f"{e} epochs"


def final_errors(run: Result, by: str) -> pd.Series:
    """Each network's test error at the end of the run, by ``by`` (``"activation"``, ``"depth"``)."""
    c = run["curves"]
    c = c[c["split"] == "test"] if "split" in c else c
    return c.sort_values("update").groupby(by)["error"].last()


def not_learned(run: Result, by: str = "activation") -> list:
    """The networks of ``run`` still on the plateau at the end (:data:`PLATEAU_MARGIN`)."""
    plateau = majority_error(run.config["n_test"])
    err = final_errors(run, by)
    return [k for k in err.index if err[k] > plateau - PLATEAU_MARGIN]


def _rate(run: Result, activation: str) -> float:
    return float(dict(zip(run.config["activations"], run.config["learning_rates"]))[activation])


def _did_not_learn(run: Result, stuck: list, ours: str = "") -> Judgement:
    """The inconclusive verdict on a run where the networks ``stuck`` did not learn."""
    err, plateau = final_errors(run, "activation"), majority_error(run.config["n_test"])
    who = " and ".join(f"the {a} network (learning rate {_rate(run, a):g}, test error {100 * err[a]:.1f}% at the end)"
                       for a in stuck)
    return Judgement("inconclusive",
                     f"{who} did not learn: always answering the most frequent class errs {100 * plateau:.1f}%, so "
                     f"{'its' if len(stuck) == 1 else 'their'} layers had no reason to saturate and the run measures the "
                     "learning rate, not the activation",
                     ours or f"{pages.and_list(stuck)} did not learn (test error "
                     + ", ".join(f"{100 * err[a]:.1f}%" for a in stuck) + f", plateau {100 * plateau:.1f}%)",
                     {"not_learned": list(stuck), "errors": err.to_dict(), "plateau": plateau})


def _tanh_softsign(run: Result, need: tuple[str, ...]) -> Judgement | None:
    """None when ``run`` has the networks ``need`` and they learned; else the inconclusive verdict."""
    acts = tuple(run.config["activations"])
    missing = [a for a in need if a not in acts]
    if missing:
        return Judgement("inconclusive", f"the run compares {pages.and_list(acts)}, with no {pages.and_list(missing)} network, "
                         "which the claim is about", f"no {pages.and_list(missing)} network in the run")
    stuck = [a for a in need if a in not_learned(run, "activation")]
    return _did_not_learn(run, stuck) if stuck else None


def nearest(frame: pd.DataFrame, update) -> pd.Series:
    """The row of ``frame`` at the probe nearest ``update``."""
    return frame.iloc[(frame["update"] - update).abs().argmin()]


def saturated_phase(events: pd.Series, end) -> tuple[float, float, float]:
    """Fig. 2's saturated phase of one network (a row of ``top_layer_events``): its start, end
    and middle (the probe update), from the first probe to the end of the run where an edge is
    not in the run."""
    start = events["saturated_update"] if pd.notna(events["saturated_update"]) else 0.0
    stop = events["desaturated_update"] if pd.notna(events["desaturated_update"]) else float(end)
    return float(start), float(stop), float(round((start + stop) / 2))


def layer_means(stats: pd.DataFrame, depth: int, update) -> list[float]:
    """The mean activation of each hidden layer below the top of the depth-``depth`` sigmoid
    network, at the probe nearest ``update``."""
    act = stats[(stats["quantity"] == "activation") & (stats["depth"] == depth)]
    return [float(nearest(act[act["layer"] == k], update)["mean"]) for k in range(1, depth)]


def _events(run: Result) -> pd.DataFrame:
    return sat.top_layer_events(run["stats"], threshold=FALL_LEVEL).set_index("depth")


# --------------------------------------------------------------------------- Fig. 2 (sigmoid)


def _fig2_fall(run: Result) -> Judgement:
    """Ours: the first probe at which the depth-4 top layer's mean is below :data:`FALL_LEVEL`.
    Within :data:`PAPER_FIG2_FALL_EPOCHS`: agrees; later: partly; never: differs."""
    ev = _events(run)
    d4 = ev.loc[4]
    fall = d4["fall_update"]
    d5 = f"; depth 5 at epoch {epochs(ev.loc[5, 'fall_update'])}" if 5 in ev.index and pd.notna(ev.loc[5, "fall_update"]) else ""
    values = {"paper_epochs": PAPER_FIG2_FALL_EPOCHS, "fall_epoch": float(fall) / UPDATES_PER_EPOCH, "min_mean": float(d4["min_mean"])}
    if pd.isna(fall):
        return Judgement("differs", f"the depth-4 top layer's mean never falls below {FALL_LEVEL:g} within the run's "
                         f"{run_epochs(run)} epochs (lowest {d4['min_mean']:.3f}); the paper's falls to about 0 within the first",
                         f"mean never below {FALL_LEVEL:g} in {run_epochs(run)} epochs, lowest {d4['min_mean']:.3f}", values)
    ours = f"mean below {FALL_LEVEL:g} at epoch {epochs(fall)}, lowest {d4['min_mean']:.3f}{d5}"
    if fall / UPDATES_PER_EPOCH <= PAPER_FIG2_FALL_EPOCHS:
        return Judgement("agrees", f"the depth-4 top layer's mean falls below {FALL_LEVEL:g} at epoch {epochs(fall)}, within "
                         "the first epoch, as in the paper", ours, values)
    return Judgement("partly", f"the depth-4 top layer's mean falls below {FALL_LEVEL:g}, but only at epoch {epochs(fall)}, "
                     "after the paper's first epoch", ours, values)


def _fig2_escape(run: Result) -> Judgement:
    """Ours: when most of each network's top-layer units leave saturation
    (``desaturated_update``), the highest top mean after that, each network's final test
    error. Depth 5 escapes (or never saturates): differs; depth 4 does not escape: differs;
    depth 4 escapes within :data:`PAPER_FIG2_ESCAPE_WINDOW` and its top mean then gets back to
    the paper's final level (at least the low end of :data:`PAPER_FIG2_FINAL_TOP`): agrees;
    escapes otherwise: partly."""
    ev = _events(run)
    err = final_errors(run, "depth")
    d4, d5 = ev.loc[4], ev.loc[5]
    lo, hi = PAPER_FIG2_FINAL_TOP
    esc4, esc5 = pd.notna(d4["desaturated_update"]), pd.notna(d5["desaturated_update"])

    def escape(e):
        if pd.isna(e["saturated_update"]):
            return "its top layer never saturates"
        return f"desaturates at epoch {epochs(e['desaturated_update'])}" if pd.notna(e["desaturated_update"]) else "never desaturates"

    ours = (f"depth 4 {escape(d4)}" + (f", its top mean then at most {d4['max_mean_after']:.3f}" if esc4 else "")
            + f", test error {100 * err.loc[4]:.1f}%; depth 5 {escape(d5)}, test error {100 * err.loc[5]:.1f}%")
    values = {"paper_escape_window": PAPER_FIG2_ESCAPE_WINDOW, "paper_final_top": PAPER_FIG2_FINAL_TOP,
              "d4_escape_epoch": float(d4["desaturated_update"]) / UPDATES_PER_EPOCH, "d4_max_after": float(d4["max_mean_after"]),
              "d4_error": float(err.loc[4]), "d5_error": float(err.loc[5]), "d4_escapes": bool(esc4), "d5_escapes": bool(esc5)}
    if esc5:
        return Judgement("differs", f"the depth-5 network escapes too (at epoch {epochs(d5['desaturated_update'])}), which the "
                         "paper's never did", ours, values)
    if pd.isna(d5["saturated_update"]):
        return Judgement("differs", "the depth-5 top layer never saturates, where the paper's stays saturated for the whole "
                         "run", ours, values)
    if not esc4:
        state = "never saturates" if pd.isna(d4["saturated_update"]) else "is still saturated at the end"
        return Judgement("differs", f"the depth-4 top layer {state} in the run's {run_epochs(run)} epochs; the paper's "
                         f"desaturates around epoch {PAPER_FIG2_ESCAPE_EPOCH:g}", ours, values)
    epoch4 = float(d4["desaturated_update"]) / UPDATES_PER_EPOCH
    a, b = PAPER_FIG2_ESCAPE_WINDOW
    on_time = a <= epoch4 <= b
    recovers = bool(d4["max_mean_after"] >= lo)
    if on_time and recovers:
        return Judgement("agrees", f"depth 4 escapes at epoch {epochs(d4['desaturated_update'])} (paper: around "
                         f"{PAPER_FIG2_ESCAPE_EPOCH:g}) and its top mean recovers to {d4['max_mean_after']:.3f} (paper: about "
                         f"{lo:g}–{hi:g}), while depth 5 stays saturated", ours, values)
    late = (f"at epoch {epochs(d4['desaturated_update'])}, {'long before' if epoch4 < a else 'after'} the paper's about "
            f"{PAPER_FIG2_ESCAPE_EPOCH:g} (epochs {a:g}–{b:g})")
    low = f"its top mean then reaches only {d4['max_mean_after']:.3f} (paper: about {lo:g}–{hi:g})"
    if not on_time:
        reason = ("depth 4 escapes and depth 5 stays saturated, as in the paper, but depth 4 escapes " + late
                  + ("" if recovers else f", and {low}"))
    else:
        reason = f"depth 4 escapes on time and depth 5 stays saturated, as in the paper, but {low}"
    return Judgement("partly", reason, ours, values)


def _fig2_lower(run: Result) -> Judgement:
    """Ours: the mean of each layer below the top of the depth-4 network halfway through its
    saturated phase (:func:`saturated_phase`). All at or above :data:`PAPER_FIG2_LOWER_LEVEL`
    (less :data:`LOWER_TOLERANCE`) and increasing toward the output: agrees; one of the two:
    partly; neither, or no saturated phase: differs."""
    d4 = _events(run).loc[4]
    if pd.isna(d4["saturated_update"]):
        return Judgement("differs", "the depth-4 top layer never saturates in the run, so there is no saturated phase in "
                         "which to read the layers below it", "no saturated phase", {})
    start, stop, mid = saturated_phase(d4, run.config["updates"])
    means = layer_means(run["stats"], 4, mid)
    above = all(m >= PAPER_FIG2_LOWER_LEVEL - LOWER_TOLERANCE for m in means)
    ordered = means == sorted(means)
    where = f"halfway through the saturated phase (epoch {epochs(mid)})"
    ours = f"layers 1–{len(means)} at " + ", ".join(f"{m:.3f}" for m in means) + f" {where}"
    values = {"means": means, "mid_update": mid, "above": above, "ordered": ordered, "paper_level": PAPER_FIG2_LOWER_LEVEL}
    said = ("at or above 0.5" if above else "not all at or above 0.5") + ", " + (
        "higher toward the output" if ordered else "not increasing toward the output")
    kind = "agrees" if above and ordered else "partly" if above or ordered else "differs"
    tail = {"agrees": ", as in the paper", "partly": " (paper: above 0.5 and higher toward the output)",
            "differs": " (paper: above 0.5 and higher toward the output)"}[kind]
    return Judgement(kind, "the layers below the depth-4 top layer sit at " + ", ".join(f"{m:.3f}" for m in means)
                     + f" {where}: {said}{tail}", ours, values)


def bias_shares(run: Result) -> dict:
    """§3.1's hypothesis, measured: the mean shares of the biases and of the image-dependent
    part in the class-centred mean square of the depth-4 softmax input over the saturated
    phase, with the phase's edges (``None`` shares when there is no saturated phase)."""
    d4 = _events(run).loc[4]
    start, stop, _ = saturated_phase(d4, run.config["updates"])
    out = run["output"]
    shares = out.pivot_table(index=["depth", "update"], columns="term", values="share").loc[4]
    plateau = shares.loc[start:stop]
    return {"saturated": bool(pd.notna(d4["saturated_update"])), "start": start, "stop": stop,
            "bias": float(plateau["bias"].mean()), "bias_max": float(plateau["bias"].max()),
            "mean_input": float(plateau["mean_input"].mean()), "image": float(plateau["input_dependent"].mean())}


def _bias_hypothesis(run: Result) -> Judgement:
    """Ours: :func:`bias_shares`. Bias share above :data:`BIAS_SHARE_MIN` and image share below
    :data:`IMAGE_SHARE_MAX`: agrees; one of the two: partly; neither, or no saturated phase:
    differs."""
    s = bias_shares(run)
    values = s | {"paper_bias_min": BIAS_SHARE_MIN, "paper_image_max": IMAGE_SHARE_MAX}
    if not s["saturated"]:
        return Judgement("differs", "the depth-4 network's top layer never saturates in this run, so there is no saturated "
                         "phase in which to test the hypothesis", "no saturated phase", values)
    ours = f"biases {100 * s['bias']:.1f}%, image {100 * s['image']:.3f}% of the softmax input's mean square"
    big, small = s["bias"] > BIAS_SHARE_MIN, s["image"] < IMAGE_SHARE_MAX
    head = (f"while the depth-4 top layer is saturated the biases carry {100 * s['bias']:.1f}% of the class-centred mean "
            f"square of the softmax input and the image {100 * s['image']:.3f}%")
    if big and small:
        return Judgement("agrees", f"{head}, as the paper's hypothesis predicts (measured at width {run.config['width']}; the "
                         "paper measures nothing)", ours, values)
    return Judgement("partly" if big or small else "differs",
                     f"{head}; the hypothesis predicts more than {100 * BIAS_SHARE_MIN:.0f}% and less than "
                     f"{100 * IMAGE_SHARE_MAX:.0f}%", ours, values)


# --------------------------------------------------------------------------- Fig. 3 (tanh and softsign)


def p98_crossings(run: Result, activation: str) -> pd.Series:
    """The first update at which each layer's 98th percentile exceeds :data:`P98_SATURATED`,
    by layer (NaN: not within the run)."""
    order = sat.saturation_order(run["stats"], level=P98_SATURATED, column="p98")
    return order[order["activation"] == activation].set_index("layer")["update"].sort_index()


def _fig3_sequence(run: Result) -> Judgement:
    """Ours: :func:`p98_crossings` of the tanh network. The layers that get there are layers
    1, 2, ..., k in that order: agrees when k is at least :data:`PAPER_FIG3_TANH_LAYERS` (the
    paper's sequence), partly when 2 <= k < 4; fewer than two, or out of layer order: differs.
    Inconclusive when the tanh network did not learn."""
    if (j := _tanh_softsign(run, ("tanh",))) is not None:
        return j
    t = p98_crossings(run, "tanh")
    reached = t.dropna()
    k = len(reached)
    never = [int(x) for x in t.index if pd.isna(t[x])]
    ours = ((f"98th percentile past {P98_SATURATED:g}: " + ", ".join(f"layer {int(x)} at epoch {epochs(u)}" for x, u in reached.items()))
            if k else f"no layer's 98th percentile past {P98_SATURATED:g}")
    if never and k:
        ours += f"; layer{'s' if len(never) > 1 else ''} {pages.and_list(never)} not in the run's {run_epochs(run)} epochs"
    elif not k:
        ours += f" in the run's {run_epochs(run)} epochs"
    values = {"updates": {int(x): float(u) for x, u in t.items()}, "paper_layers": PAPER_FIG3_TANH_LAYERS}
    in_order = list(reached.index) == list(range(1, k + 1)) and reached.is_monotonic_increasing
    if k < 2:
        return Judgement("differs", f"{'only one' if k == 1 else 'none'} of tanh's layers passes {P98_SATURATED:g} (98th "
                         f"percentile) in the run's {run_epochs(run)} epochs, too few to show an order (the paper's layers "
                         f"1–{PAPER_FIG3_TANH_LAYERS} do, one after the other)", ours, values)
    if not in_order:
        by_time = [int(x) for x in reached.sort_values(kind="stable").index]
        return Judgement("differs", f"tanh's layers pass {P98_SATURATED:g} in the order {', '.join(map(str, by_time))}, not "
                         "one after the other from layer 1", ours, values)
    if k >= PAPER_FIG3_TANH_LAYERS:
        return Judgement("agrees", f"tanh's layers 1–{k} pass {P98_SATURATED:g} (98th percentile) one after the other from "
                         f"layer 1, as the paper's layers 1–{PAPER_FIG3_TANH_LAYERS} do", ours, values)
    return Judgement("partly", f"tanh's layers 1–{k} pass {P98_SATURATED:g} one after the other from layer 1, but the "
                     f"others not within the run's {run_epochs(run)} epochs (the paper's layers 1–{PAPER_FIG3_TANH_LAYERS} "
                     "do)", ours, values)


def _fig3_softsign(run: Result) -> Judgement:
    """Ours: how many layers of each network pass :data:`P98_SATURATED` (98th percentile, the
    markers of Fig. 3) within the run, and the spread (last minus first, over layers) of the
    updates at which each layer's activation std reaches 80% of its final value
    (:func:`glorot.experiments.saturation.settle_update`). Softsign with fewer layers past 0.95
    *and* a shorter spread: agrees; one of the two: partly; neither: differs. Inconclusive when
    either network did not learn."""
    if (j := _tanh_softsign(run, ("tanh", "softsign"))) is not None:
        return j
    n = {a: int(p98_crossings(run, a).notna().sum()) for a in ("tanh", "softsign")}
    settle = sat.settle_update(run["stats"]).pivot(index="layer", columns="activation", values="update")
    spread = {a: float(settle[a].max() - settle[a].min()) for a in ("tanh", "softsign")}
    final = sat.saturation_order(run["stats"], level=0.5).pivot(index="layer", columns="activation", values="final")
    layers = len(final)
    margin = SPREAD_RESOLUTION * run.config["probe_every"]
    less, together = n["softsign"] < n["tanh"], spread["softsign"] < spread["tanh"] - margin
    ours = (f"98th percentile past {P98_SATURATED:g} in {n['softsign']} of {layers} softsign layers, {n['tanh']} of tanh's; "
            f"layers settle within {n_epochs(spread['softsign'])} (softsign) and {n_epochs(spread['tanh'])} (tanh)")
    values = {"layers_past": n, "spread": spread, "less": less, "together": together, "resolution": margin,
              "final_saturated": {a: final[a].to_list() for a in ("tanh", "softsign")}}
    said_less = (f"{n['softsign']} of softsign's {layers} layers {'passes' if n['softsign'] == 1 else 'pass'} "
                 f"{P98_SATURATED:g} (98th percentile) against {n['tanh']} of tanh's")
    said_together = (f"its layers settle within {n_epochs(spread['softsign'])} of each other against "
                     f"{n_epochs(spread['tanh'])} for tanh's" + ("" if together else
                     f" (a difference of no more than two probe intervals, {n_epochs(margin)}, is within the probes' resolution)"
                     if abs(spread["softsign"] - spread["tanh"]) <= margin else ""))
    if less and together:
        return Judgement("agrees", f"{said_less}, and {said_together}: softsign saturates less, and its layers together, as "
                         "in the paper", ours, values)
    if less:
        return Judgement("partly", f"{said_less}, so softsign saturates less, but {said_together}: not closer together",
                         ours, values)
    if together:
        return Judgement("partly", f"{said_together}, but {said_less}: not fewer", ours, values)
    return Judgement("differs", f"{said_less} and {said_together}: softsign neither saturates less nor more together",
                     ours, values)


# --------------------------------------------------------------------------- Fig. 4 (histograms at the end)


def end_modes(run: Result) -> pd.DataFrame:
    """:func:`glorot.experiments.saturation.histogram_modes` of the run's last histograms."""
    hist = run["hist"]
    return sat.histogram_modes(hist[hist["update"] == hist["update"].max()])


def _fig4(run: Result) -> Judgement:
    """Ours (:func:`end_modes`): tanh layer 1's share of values with |z| >= 0.95, and for each
    softsign layer below the top whether both its modes lie within :data:`KNEE_TOLERANCE` of
    :data:`PAPER_FIG4_SOFTSIGN_MODES`. Tanh layer 1 mostly at the ends (share above
    :data:`TANH_ENDS_SHARE`) *and* every softsign layer below the top at its knees: agrees; one
    of the two: partly; neither: differs. Inconclusive when either network did not learn."""
    if (j := _tanh_softsign(run, ("tanh", "softsign"))) is not None:
        return j
    lo, hi = PAPER_FIG4_SOFTSIGN_MODES
    m = end_modes(run).set_index(["activation", "layer"])
    top = int(m.index.get_level_values("layer").max())
    tanh_ends = float(m.loc[("tanh", 1), "share_at_ends"])
    soft = m.loc["softsign"].loc[1: top - 1]
    a, b = lo - KNEE_TOLERANCE, hi + KNEE_TOLERANCE
    knees = [int(k) for k in soft.index if a <= -soft.loc[k, "mode_neg"] <= b and a <= soft.loc[k, "mode_pos"] <= b]
    at_ends, at_knees = tanh_ends > TANH_ENDS_SHARE, len(knees) == len(soft)
    modes = ", ".join(f"±{(abs(soft.loc[k, 'mode_neg']) + abs(soft.loc[k, 'mode_pos'])) / 2:.2f}" for k in soft.index)
    ours = (f"tanh layer 1: {100 * tanh_ends:.0f}% of values at |z| ≥ 0.95; softsign layers 1–{top - 1} peak at {modes}")
    values = {"paper_modes": PAPER_FIG4_SOFTSIGN_MODES, "tanh_ends": tanh_ends, "knee_layers": knees, "at_ends": at_ends,
              "at_knees": at_knees}
    said_ends = f"tanh's layer 1 has {100 * tanh_ends:.0f}% of its values at |z| ≥ 0.95"
    said_knees = (f"{len(knees)} of softsign's layers 1–{top - 1} peak within ±({a:.2f}–{b:.2f}) on both sides (at {modes}; "
                  f"paper: around ±({lo:g}–{hi:g}))")
    kind = "agrees" if at_ends and at_knees else "partly" if at_ends or at_knees else "differs"
    return Judgement(kind, f"{said_ends}; {said_knees}" + (", as in the paper" if kind == "agrees" else ""), ours, values)


# --------------------------------------------------------------------------- the claims

register(
    Claim("fig2.top_layer_falls", "Fig. 2", "Fig. 2: the sigmoid net's top hidden layer falls to 0 at once (depth 4)",
          "mean ≈ 0 within the first epoch (of about 140)", PAGE, "sigmoid", _fig2_fall, "budget", SECTION),
    Claim("fig2.lower_layers", "Fig. 2, §3.1", "Fig. 2, §3.1: meanwhile the layers below sit above 0.5, higher toward the output",
          "“above 0.5, and decreasing as we go from the output layer to the input layer”", PAGE, "sigmoid", _fig2_lower,
          "budget", SECTION),
    Claim("fig2.depth4_escapes", "Fig. 2, §3.1", "Fig. 2, §3.1: depth 4 escapes the saturation, depth 5 never does (sigmoid)",
          f"depth 4: desaturates near epoch {PAPER_FIG2_ESCAPE_EPOCH:g}, top mean ends near "
          f"{PAPER_FIG2_FINAL_TOP[0]:g}–{PAPER_FIG2_FINAL_TOP[1]:g}; depth 5: never", PAGE, "sigmoid", _fig2_escape,
          "budget", SECTION),
    Claim("fig2.bias_hypothesis", "§3.1", "§3.1's hypothesis: while the top layer is saturated the softmax relies on its "
          "biases, not on the image", "a hypothesis, not measured: softmax(b + Wh) “might initially rely more on its biases b”",
          PAGE, "sigmoid", _bias_hypothesis, "budget", SECTION),
    Claim("fig3.tanh_sequence", "Fig. 3 (top), §3.2", "Fig. 3 (top), §3.2: tanh layers saturate one after the other, from layer 1 up",
          "layer 1 saturates first, then layer 2, …", PAGE, "saturation", _fig3_sequence, "budget", SECTION),
    Claim("fig3.softsign_less", "Fig. 3 (bottom), §3.3",
          "Fig. 3 (bottom), §3.3: softsign layers saturate less than tanh's, and together",
          "saturate less, and all layers together", PAGE, "saturation", _fig3_softsign, "budget", SECTION),
    Claim("fig4.histograms", "Fig. 4, §3.3", "Fig. 4: at the end, tanh's lower layers sit at ±1, softsign's at its knees",
          f"tanh: lower layers at ±1; softsign: modes at ±({PAPER_FIG4_SOFTSIGN_MODES[0]:g}–{PAPER_FIG4_SOFTSIGN_MODES[1]:g})",
          PAGE, "saturation", _fig4, "budget", SECTION),
)
