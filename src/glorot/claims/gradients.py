"""The claims of §4.3, gradients during learning (the reversal of the back-propagated gradients'
trend, Figs. 9 and 10), judged on the runs of :mod:`glorot.experiments.gradients` (see
:mod:`glorot.claims` for what a claim is).

Chapter ``05_learning_dynamics`` prints these claims' verdicts under its figures and tables,
for every run it shows (the ``wide`` run at the paper's width, the profile's own run beside it,
the longer run and, once archived, the ``long`` profile's run at the paper's number of
updates); the scorecard lists them with the run of their role, ``gradients``.

**Scale.** Each claim but :data:`the start <PAPER_FACTOR_AT_START>` is about the *course* of
training (a trend reversed "very quickly during learning", weight gradients that "diverge from
each other ... as training progresses", activations that evolve like softsign's): ``budget``
claims, judged for real at the paper's number of updates at any width
(:meth:`glorot.claims.Claim.judge`), "not yet at paper scale" when seen only in part in a
shorter run. The start (update 0 of the training run) needs nothing trained: scale ``none``.

**A network that did not learn.** Both networks of a run train at a learning rate of our
choosing. One whose test error at the end is within one point of always answering the most
frequent class (:func:`glorot.claims.saturation.not_learned`, the plateau helper of §3) has
not learned: its gradients and activations are those of a network that has not started to
fit the data, so it cannot show what happens to them *during learning*, nor serve as the
comparator of the other. A claim about such a network, or comparing the two inits where one of
them did not learn, is **inconclusive** on that run, with the reason "the standard net did not
learn at this rate" (or the normalized one): the run measures the learning rate, not the
initialization. (The wide run's standard net, at learning rate 0.01, is such a net: its
activations never settle, no unit saturates, and the spread of its gradients is the
initialization's.)
"""

from __future__ import annotations

import pandas as pd

from .. import pages
from ..experiments import Result, gradients as grad, saturation as sat
from ..train import UPDATES_PER_EPOCH
from .base import Claim, Judgement, register
from .saturation import SPREAD_RESOLUTION, final_errors, majority_error, n_epochs, not_learned

SECTION = "§4.3 Gradients during learning"
PAGE = "05_learning_dynamics"
ROLE = "gradients"
INITS = ("standard", "normalized")

# --------------------------------------------------------------------------- the paper's words and the rules' thresholds

PAPER_FACTOR_AT_START = {"standard": 3.0, "normalized": 1.0}
"""§4.3 / Fig. 7 / eq. (15): at the beginning of training, with the standard initialization,
``n Var[W] = 1/3``, so in the linear regime ``Var[dC/ds]`` grows about 3 times per layer going
up (it "gets smaller as it is propagated downwards"); with the normalized one (eq. 16) it stays
about the same ("we do not see such decreasing back-propagated gradients")."""
SHRINKS_AT_START = 2.0
"""The standard net starts in the paper's regime when its variance grows at least 2 times per
layer going up at the first probe (``factor_per_layer`` of
:func:`glorot.experiments.gradients.gradient_ratio`; eq. 15's 3 less the tanh's departures from
the linear regime)."""
FLAT = 1.5
"""A growth per layer below 1.5 is "flat": the normalized net's at the start, and the standard
net's trend "mostly gone" during training (:func:`glorot.experiments.gradients.reversal_update`'s
``flat``)."""
REVERSED = 1.0
"""Below 1 the trend is reversed: the variance is larger toward the input."""
QUICKLY_EPOCHS = 5
"""§4.3: the trend "is reversed very quickly during learning", with no number. We read "very
quickly" as within the first 5 epochs of 20k updates, about 5% of the paper's 95 (Fig. 9's
x axis), in chapter 05 and in the scorecard alike."""
QUICKLY_UPDATES = QUICKLY_EPOCHS * UPDATES_PER_EPOCH
PAPER_FIG9_STD = {"standard_epoch5": {1: 0.04, 5: 0.01}, "standard_later": {1: 0.055, 5: 0.016},
                  "normalized_start": 0.016, "normalized_later": (0.03, 0.045)}
"""Fig. 9 read off the paper's page 7 (approximately), the half-width of each layer's std
interval of the weight gradients: standard init, about ±0.04 (layer 1) to ±0.01 (layer 5) by
epoch 5 and ±0.055 to ±0.016 later, ordered layer 1 > 2 > 3 > 4 ≈ 5; normalized init, about
±0.016 at the start, then between about ±0.03 and ±0.045 (layer 1 a little wider)."""
PAPER_FIG9_SPREAD = {"standard": 0.055 / 0.016, "normalized": 0.045 / 0.03}
"""The spread across layers (largest std over smallest) of Fig. 9's panels late in training:
about 3.4 (standard) and 1.5 (normalized), so the standard's is about 2.3 times the normalized's."""
SPREAD_CONTRAST = 1.5
"""Fig. 9's claim is a contrast: the normalized init "allows to keep the same variance of the
weights gradient across layers", the standard one's "diverge from each other". The standard
net's spread counts as larger when its median over the run is at least 1.5 times the
normalized net's (the paper's is about 2.3 times, :data:`PAPER_FIG9_SPREAD`). A smaller margin
would not tell the inits apart: the normalized net's own median spread varies from 1.5 to 2.0
between our runs."""
LAYER1_MAJORITY = 0.5
"""Fig. 9 (top), "with larger gradients in the lower layers": the standard net's layer 1 has the
widest weight-gradient std at more than half of the probes. Not a contrast by itself: the
paper's normalized panel has layer 1 a little wider too, and so does our normalized net at most
probes of the wide run, so the rule counts it only beside the contrast of the spreads."""


# --------------------------------------------------------------------------- helpers the rules (and the page's prose) share


def epochs(update) -> str:
    """``70_000`` -> ``"3.5"`` (epochs of 20k updates, the paper's unit)."""
    return f"{float(update) / UPDATES_PER_EPOCH:.3g}"


def when(update) -> str:
    """``"at epoch 3.5"``, or ``"at no probe of the run"``."""
    return "at no probe of the run" if pd.isna(update) else f"at epoch {epochs(update)}"


def did_not_learn(run: Result) -> list[str]:
    """The inits of ``run`` whose network is still on the plateau of the most frequent class at
    the end (:func:`glorot.claims.saturation.not_learned`), in the order of :data:`INITS`."""
    stuck = set(not_learned(run, "init"))
    return [i for i in INITS if i in stuck]


def plateau_sentence(run: Result) -> str:
    """The test error of each network at the end of ``run``, beside the plateau it may be on:
    ``"83.3% for the standard net and 56.5% for the normalized one, where always answering the
    most frequent class errs 82.95%"``."""
    err = final_errors(run, "init")
    nets = [f"{100 * err[i]:.1f}% for the {i} net" if k == 0 else f"{100 * err[i]:.1f}% for the {i} one"
            for k, i in enumerate(i for i in INITS if i in err.index)]
    return (pages.and_list(nets) + f", where always answering the most frequent class errs "
            f"{100 * majority_error(run.config['n_test']):.2f}%")


def _rate(run: Result, init: str) -> float:
    return float(dict(zip(run.config["inits"], run.config["learning_rates"]))[init])


def _did_not_learn(run: Result, stuck: list[str], what: str) -> Judgement:
    """The inconclusive verdict on a run where the networks ``stuck`` did not learn."""
    err, plateau = final_errors(run, "init"), majority_error(run.config["n_test"])
    nets = " and ".join(f"the {i} net did not learn at this rate (learning rate {_rate(run, i):g}: test error "
                        f"{100 * err[i]:.2f}% at the end)" for i in stuck)
    return Judgement("inconclusive", f"{nets}, where always answering the most frequent class errs {100 * plateau:.2f}%, so "
                     f"the run cannot show {what}: it measures the learning rate, not the initialization",
                     f"{pages.and_list(stuck)} net did not learn (test error "
                     + ", ".join(f"{100 * err[i]:.1f}%" for i in stuck) + f", plateau {100 * plateau:.1f}%)",
                     {"not_learned": list(stuck), "errors": err.to_dict(), "plateau": plateau})


def _missing_inits(run: Result) -> Judgement | None:
    missing = [i for i in INITS if i not in run.config["inits"]]
    if missing:
        return Judgement("inconclusive", f"the run has no {pages.and_list(missing)} network, which the claim compares",
                         f"no {pages.and_list(missing)} network in the run")
    return None


def reversal_events(run: Result) -> pd.DataFrame:
    """:func:`glorot.experiments.gradients.reversal_update` of the run's back-propagated
    gradients, by init: the growth of ``Var[dC/ds]`` per layer going up at the start, the first
    probes below :data:`FLAT` and below 1, the first with layer 1's variance above the top
    layer's, the lowest and final growth."""
    ratio = grad.gradient_ratio(run["stats"])
    return grad.reversal_update(ratio, flat=FLAT).set_index("init")


def grid_order(run: Result) -> pd.DataFrame:
    """:func:`glorot.experiments.gradients.weight_grad_order` at the probes of the run's regular
    grid (every ``probe_every`` updates after initialization), the probes Fig. 9's rule reads: the
    paper's Fig. 9 samples its run evenly in time, while our dense probes of the first
    ``early_updates`` would otherwise be most of the probes of a short run."""
    order = grad.weight_grad_order(run["stats"])
    every = int(run.config["probe_every"]) or 1
    return order[(order["update"] > 0) & (order["update"] % every == 0)]


def fig9_summary(run: Result) -> pd.DataFrame:
    """Fig. 9's numbers, by init (:func:`glorot.experiments.gradients.order_summary` of
    :func:`grid_order`): the share of probes with layer 1's weight-gradient std widest, with the
    std falling at every layer, and the median and final spread (largest std over smallest)."""
    return grad.order_summary(grid_order(run)).set_index("init")


def settle(run: Result) -> pd.DataFrame:
    """Fig. 10's timing: the first update at which each layer's activation std reaches 80% of
    its final value (:func:`glorot.experiments.saturation.settle_update`), layers by init."""
    act = run["stats"][run["stats"]["quantity"] == "activation"]
    return sat.settle_update(act, by=("init",)).pivot(index="layer", columns="init", values="update")


def settle_numbers(run: Result) -> dict:
    """Per init, over the layers of :func:`settle`: the last update at which a layer settles
    (``last``) and the spread from the first to the last (``spread``); with the probes'
    resolution (``margin``, :data:`glorot.claims.saturation.SPREAD_RESOLUTION` probe intervals)."""
    s = settle(run)
    return {"last": {i: float(s[i].max()) for i in s.columns}, "spread": {i: float(s[i].max() - s[i].min()) for i in s.columns},
            "margin": float(SPREAD_RESOLUTION * run.config["probe_every"])}


# --------------------------------------------------------------------------- §4.3: the trend at the start and its reversal


def _start(run: Result) -> Judgement:
    """Ours: the growth of ``Var[dC/ds]`` per layer going up at the first probe (update 0) of each
    init (:func:`reversal_events`). Standard at least :data:`SHRINKS_AT_START` *and* normalized
    below :data:`FLAT`: agrees; one of the two: partly; neither: differs."""
    if (j := _missing_inits(run)) is not None:
        return j
    ev = reversal_events(run)
    s, n = float(ev.loc["standard", "factor_at_0"]), float(ev.loc["normalized", "factor_at_0"])
    shrinks, flat = s >= SHRINKS_AT_START, n < FLAT
    ours = f"×{s:.2f} per layer up (standard), ×{n:.2f} (normalized), at update 0"
    values = {"paper": PAPER_FACTOR_AT_START, "standard": s, "normalized": n, "shrinks": shrinks, "flat": flat}
    said = (f"at the start of training Var[∂C/∂s] grows ×{s:.2f} per layer going up with the standard initialization and "
            f"×{n:.2f} with the normalized one (eq. 15: about ×{PAPER_FACTOR_AT_START['standard']:g} and "
            f"×{PAPER_FACTOR_AT_START['normalized']:g})")
    if shrinks and flat:
        return Judgement("agrees", f"{said}: the standard net's gradients shrink toward the input and the normalized net's do "
                         "not, as in the paper", ours, values)
    if shrinks or flat:
        miss = (f"the normalized net's grow ×{n:.2f} (not below ×{FLAT:g})" if shrinks else
                f"the standard net's grow only ×{s:.2f} (less than ×{SHRINKS_AT_START:g})")
        return Judgement("partly", f"{said}: {miss}", ours, values)
    return Judgement("differs", f"{said}: neither the standard net's shrinking toward the input nor the normalized net's flat "
                     "profile", ours, values)


def _reversal(run: Result) -> Judgement:
    """Ours (:func:`reversal_events`, standard init): the first probe at which the growth of
    ``Var[dC/ds]`` per layer going up is below 1 (reversed) and below :data:`FLAT` (mostly gone).
    Reversed within :data:`QUICKLY_EPOCHS` epochs: agrees; reversed later, or below ×1.5 (but not
    reversed) within them: partly; neither, or no shrinking at the start to reverse (below ×1.5
    at update 0): differs. Inconclusive when the standard net did not learn."""
    if (j := _missing_inits(run)) is not None:
        return j
    if "standard" in did_not_learn(run):
        return _did_not_learn(run, ["standard"], "what becomes of its gradients during learning")
    r = reversal_events(run).loc["standard"]
    f0, flat, rev = float(r["factor_at_0"]), r["flat_update"], r["reversed_update"]
    end = int(run.config["updates"])
    window = f"the first {QUICKLY_EPOCHS} epochs"
    values = {"quickly_epochs": QUICKLY_EPOCHS, "factor_at_0": f0, "flat_update": float(flat), "reversed_update": float(rev),
              "factor_min": float(r["factor_min"]), "factor_final": float(r["factor_final"])}
    ours = (f"×{f0:.2f} per layer up at the start; below ×{FLAT:g} {when(flat)}, below ×1 (reversed) {when(rev)}; lowest "
            f"×{r['factor_min']:.2f}")
    head = f"with the standard initialization the growth of Var[∂C/∂s] per layer going up (×{f0:.2f} at the start)"
    if f0 < FLAT:
        return Judgement("differs", f"{head} is below ×{FLAT:g}: the gradients do not shrink toward the input at the start, so "
                         "there is no trend to reverse", ours, values)
    if pd.notna(rev) and rev <= QUICKLY_UPDATES:
        return Judgement("agrees", f"{head} falls below ×{FLAT:g} {when(flat)} and below ×1 (reversed) {when(rev)}, within "
                         f"{window}, as in the paper", ours, values)
    if pd.notna(rev):
        return Judgement("partly", f"{head} is reversed (below ×1) only {when(rev)}, after {window}", ours, values)
    short = end < QUICKLY_UPDATES
    within = (f"within the run's {n_epochs(end)} (the window is {window})" if short else
              f"within {window}" + ("" if end <= QUICKLY_UPDATES else f" nor later in the run's {n_epochs(end)}"))
    if pd.notna(flat) and flat <= QUICKLY_UPDATES:
        return Judgement("partly", f"{head} mostly goes (below ×{FLAT:g}) {when(flat)} but is not reversed {within} (lowest "
                         f"×{r['factor_min']:.2f}, final ×{r['factor_final']:.2f})", ours, values)
    gone = f"; it falls below ×{FLAT:g} only {when(flat)}" if pd.notna(flat) else ""
    return Judgement("differs", f"{head} stays above ×{FLAT:g} {'for the whole run' if short else f'over {window}'}"
                     f"{gone} (lowest ×{r['factor_min']:.2f}): not reversed {within}", ours, values)


# --------------------------------------------------------------------------- Fig. 9: the weight gradients' spread across layers


def _fig9(run: Result) -> Judgement:
    """Ours (:func:`fig9_summary`, at the probes of the regular grid): each init's median spread
    of the weight-gradient std across layers (largest over smallest), and how often the standard
    net's layer 1 is widest. The contrast of the two inits, the standard net's spread at least
    :data:`SPREAD_CONTRAST` times the normalized net's, *and* the standard's layer 1 widest at more
    than :data:`LAYER1_MAJORITY` of the probes: agrees; the contrast only: partly; no contrast:
    differs, whichever layer is widest (that alone does not tell the inits apart).
    Inconclusive when either net did not learn."""
    if (j := _missing_inits(run)) is not None:
        return j
    if stuck := did_not_learn(run):
        return _did_not_learn(run, stuck, "how the weight gradients of the two inits spread apart during learning")
    sm = fig9_summary(run)
    s, n = sm.loc["standard"], sm.loc["normalized"]
    ss, ns = float(s["spread_median"]), float(n["spread_median"])
    l1s, l1n = float(s["layer1_widest_share"]), float(n["layer1_widest_share"])
    contrast, lower = ss >= SPREAD_CONTRAST * ns, l1s > LAYER1_MAJORITY
    ours = (f"spread across layers (largest std over smallest), median ×{ss:.2f} (standard) and ×{ns:.2f} (normalized); "
            f"layer 1 widest at {100 * l1s:.0f}% (standard) and {100 * l1n:.0f}% (normalized) of {int(s['probes'])} probes")
    values = {"paper_spread": PAPER_FIG9_SPREAD, "spread_standard": ss, "spread_normalized": ns, "layer1_standard": l1s,
              "layer1_normalized": l1n, "contrast": bool(contrast), "lower_layers": bool(lower)}
    said = (f"the weight gradients' spread across layers (largest std over smallest, median over the run's evenly spaced "
            f"probes) is ×{ss:.2f} with "
            f"the standard initialization and ×{ns:.2f} with the normalized one (paper: about "
            f"×{PAPER_FIG9_SPREAD['standard']:.1f} and ×{PAPER_FIG9_SPREAD['normalized']:.1f})")
    widest = f"layer 1 has the widest std at {100 * l1s:.0f}% of the probes with the standard initialization"
    if contrast and lower:
        return Judgement("agrees", f"{said}, and {widest}: the standard net's layers spread apart, larger in the lower layers, "
                         "and the normalized net's stay closer together, as in the paper", ours, values)
    if contrast:
        return Judgement("partly", f"{said}, so the standard net's layers spread apart more, but {widest} (paper: larger "
                         "gradients in the lower layers)", ours, values)
    both = (f"; layer 1 is widest under both inits ({100 * l1s:.0f}% and {100 * l1n:.0f}% of the probes), which alone does "
            "not tell them apart" if lower and l1n > LAYER1_MAJORITY else "")
    ratio = ss / ns
    return Judgement("differs", f"{said}: the standard net's is {ratio:.2f} times the normalized net's, not the "
                     f"{SPREAD_CONTRAST:g} times of a clear contrast (paper: about "
                     f"{PAPER_FIG9_SPREAD['standard'] / PAPER_FIG9_SPREAD['normalized']:.1f} times){both}", ours, values)


# --------------------------------------------------------------------------- Fig. 10: tanh with the normalized init, like softsign


def _fig10(run: Result) -> Judgement:
    """Ours (:func:`settle_numbers`): when each layer's activation std reaches 80% of its final
    value, per init. §3.3 says what "like softsign" is, against the standard tanh net (Fig. 3):
    no saturation "one layer after the other" but "all layers move together", and "faster at the
    beginning". Measured against the standard tanh net of the same run (same seed and
    minibatches): the normalized net's layers settle within a shorter span (*together*) and its
    last layer settles earlier (*faster*), each by more than
    :data:`glorot.claims.saturation.SPREAD_RESOLUTION` probe intervals. Both: agrees; one:
    partly; neither: differs. Inconclusive when either net did not learn (a net that did not
    learn has nothing to settle: its std stays at the initialization's, "settled" at update 0)."""
    if (j := _missing_inits(run)) is not None:
        return j
    if stuck := did_not_learn(run):
        return _did_not_learn(run, stuck, "whether the normalized net's activations evolve like softsign's rather than the "
                              "standard net's")
    sn = settle_numbers(run)
    last, spread, margin = sn["last"], sn["spread"], sn["margin"]
    together = spread["normalized"] < spread["standard"] - margin
    faster = last["normalized"] < last["standard"] - margin
    ours = (f"layers settle (std at 80% of its final value) within {n_epochs(spread['normalized'])}, the last at epoch "
            f"{epochs(last['normalized'])} (normalized), against {n_epochs(spread['standard'])} and epoch "
            f"{epochs(last['standard'])} (standard)")
    values = sn | {"together": bool(together), "faster": bool(faster)}
    spans = f"{n_epochs(spread['normalized'])} of each other against {n_epochs(spread['standard'])} for the standard net's"
    lasts = f"epoch {epochs(last['normalized'])} against {epochs(last['standard'])}"
    close = [w for w, ok, d in (("spans", together, spread["standard"] - spread["normalized"]),
                                ("last layers", faster, last["standard"] - last["normalized"])) if not ok and d > 0]
    res = (f" (a lead of no more than {SPREAD_RESOLUTION} probe intervals, {n_epochs(margin)}, is within the probes' "
           "resolution)" if close else "")
    if together and faster:
        return Judgement("agrees", f"the normalized net's layers settle within {spans}, and its last layer at {lasts}: its "
                         "layers move together and early, like softsign's and unlike the standard net's layer-by-layer "
                         "saturation, as in the paper", ours, values)
    if together:
        return Judgement("partly", f"the normalized net's layers settle together, within {spans}, but its last layer not "
                         f"earlier, at {lasts}{res}", ours, values)
    if faster:
        return Judgement("partly", f"the normalized net's last layer settles earlier, at {lasts}, but its layers not closer "
                         f"together, within {spans}{res}", ours, values)
    return Judgement("differs", f"the normalized net's layers settle within {spans}, its last layer at {lasts}: neither "
                     f"together nor early{res}", ours, values)


# --------------------------------------------------------------------------- the claims

register(
    Claim("s43.start", "§4.3, Fig. 7, eq. (15)",
          "§4.3: at the start of training, back-propagated gradients shrink toward the input with the standard init, not with "
          "the normalized one",
          "standard: Var[∂C/∂s] “gets smaller as it is propagated downwards” (eq. 15: ×3 per layer); normalized: “we do not see "
          "such decreasing back-propagated gradients”", PAGE, ROLE, _start, "none", SECTION),
    Claim("s43.reversal", "§4.3", "§4.3: with the standard init, the shrinking toward the input is reversed very quickly in "
          "training",
          f"“this trend is reversed very quickly during learning” (no number; read: within {QUICKLY_EPOCHS} epochs of 20k)",
          PAGE, ROLE, _reversal, "budget", SECTION),
    Claim("fig9.spread", "Fig. 9, §4.3",
          "Fig. 9: in training the weight gradients spread apart across layers more with the standard init than the normalized one",
          f"normalized: “the same variance of the weights gradient across layers”; standard: “smaller variance for higher "
          f"layers” (spread about ×{PAPER_FIG9_SPREAD['standard']:.1f} against ×{PAPER_FIG9_SPREAD['normalized']:.1f}, read off)",
          PAGE, ROLE, _fig9, "budget", SECTION),
    Claim("fig10.like_softsign", "Fig. 10, §4.3",
          "Fig. 10: tanh with the normalized init moves its layers together and early, like softsign, unlike the standard init",
          "“the softsign networks share similarities with the tanh networks with normalized initialization”: no layer-by-layer "
          "saturation", PAGE, ROLE, _fig10, "budget", SECTION),
)
