"""The claims of §4.1, the effect of the cost function (Fig. 5 and the claim behind it), judged
on the runs of :mod:`glorot.experiments.cost` (see :mod:`glorot.claims` for what a claim is).

Chapter ``03_cost`` prints these verdicts under its figures and tables; the scorecard lists
them with the run of their role (``cost_surface`` for Fig. 5; ``cost_comparison`` for the
training comparison, whose closest run to the paper's is the ``long`` profile's: width 100,
the paper's 2.5M updates).

**Scale.** Fig. 5's surfaces train nothing (scale ``none``). The two training claims,
:func:`_training` and :func:`_output_gradients`, are ``full``: they need the paper's width
*and* its number of updates, so a partial or differing result in a narrower or shorter run
reads "not yet at paper scale" (:meth:`glorot.claims.Claim.judge`), also at the paper's 2.5M
updates at width 100 (the ``long`` profile). They are not ``budget`` claims: the paper does
not say on which network the log-likelihood "worked much better" (its networks are 1000
wide), and nothing in §4.1's argument makes the outcome independent of the width, unlike the
variance argument of §4.2 behind the budget claims. Under plain SGD with the fan-in
initialization (eq. 1) an update moves the output layer's pre-activations by about
ε·n·E[z²]·∂C/∂s (eq. 3 summed over the n hidden units), ten times more at width 1000 than at
100 for the same rate, while the first layer's step does not grow with n; how fast a network
becomes confidently wrong, where Fig. 5's plateaus of the quadratic cost lie, and so which
cost ends lower after 2.5M updates, can then change with the width in a way one learning-rate
grid per cost does not undo.

**A network that did not learn.** Each cost's learning rate is chosen on validation error
from a grid, as the paper chose its rates. When the chosen network of either cost is still
within :data:`PLATEAU_MARGIN` of always answering the most frequent class of the run's test
set at the end (:func:`majority_error`), no rate of the grid made it learn: comparing the two
costs then measures the grid, not the cost, and :func:`_training` is **inconclusive**.
"""

from __future__ import annotations

from .. import pages, stats
from ..experiments import Result, cost as cost_analysis, experiment
from ..stats import p_text
from .base import Claim, Judgement, register
from .plateau import PLATEAU_MARGIN, majority_error

SECTION = "§4.1 The cost function"
PAGE = "03_cost"
COSTS = {"cross_entropy": "cross-entropy", "quadratic": "quadratic"}
"""The two costs, in the words of the page."""

# --------------------------------------------------------------------------- the paper's words and read-off values

PAPER_FIG5_RIDGE = 5.0
"""Fig. 5: the cross-entropy's wire-frame (black, on top) has ridges up to about 5 (read off
the figure's vertical axis); the quadratic cost's (red) lies below it, mostly flat."""
RIDGE_RANGE = (2.5, 10.0)
"""Our drawn cross-entropy "has the paper's ridges" when its highest value on the grid is within
a factor 2 of :data:`PAPER_FIG5_RIDGE` (the paper's network, weights, input and target are not
given, so its height compares only roughly)."""
DRAWN_FLAT = 0.01
"""The shading of the contour maps (Fig. 5 as contours): a grid point is on a plateau when the
gradient's norm with respect to (W1, W2) is below 0.01."""
PLATEAU_MEASURES = (("absolute", 0.01, "flat_share"), ("absolute", 0.1, "flat_share"),
                    ("absolute", 0.1, "flat_and_high_share"), ("relative", 0.1, "flat_share"))
"""§4.1's "more severe plateaus", counted four ways (:func:`glorot.experiments.cost.plateau_shares`):
the share of the grid where the gradient's norm is below 0.01 and below 0.1, the share below
0.1 *and* in the upper half of the cost's range (flat ground where the cost is bad), and the
share below 10% of the surface's mean slope (scale-free)."""
PLATEAU_WORDS = {PLATEAU_MEASURES[0]: "below 0.01", PLATEAU_MEASURES[1]: "below 0.1",
                 PLATEAU_MEASURES[2]: "below 0.1 and in the upper half of the cost's range",
                 PLATEAU_MEASURES[3]: "below 10% of the mean slope"}
CLEARLY_FACTOR = 2.0
"""§4.1: "There are *clearly* more severe plateaus with the quadratic cost": the quadratic
cost's mean plateau share is at least twice the cross-entropy's (the scorecard's factor)."""
DRAW_MEASURE = ("absolute", 0.1)
DRAW_SHARE = 0.8
"""... and it is not a lucky draw: the quadratic cost has more of its grid below 0.1 in at least
80% of the random draws (the chapter's test)."""
STUCK_MARGIN = 0.01
"""The probe examples "meet the quadratic cost's plateaus" when the largest share misclassified
with an output gradient below 0.01 ("stuck") is higher with the quadratic cost than with the
cross-entropy by more than one point."""
# --------------------------------------------------------------------------- helpers the rules and the page share


def pct(x: float) -> str:
    """A share in %: one decimal from 1% up (``10.5%``), two significant digits below (``0.029%``)."""
    v = 100 * float(x)
    return f"{v:.1f}%" if v >= 1 or v == 0 else f"{v:.2g}%"


def share_of_paper(updates: int, paper_updates: int) -> str:
    """``updates`` as a share of the paper's, in %: ``1.6``, ``8``, ``100`` (two significant
    digits below 10%, whole numbers from there)."""
    v = 100 * updates / paper_updates
    return f"{v:.2g}" if v < 10 else f"{v:.0f}"


def drawn_surface(run: Result) -> dict:
    """The cost's range on the drawn surface (draw 0, the figures' network), per cost, and the
    share of its grid below :data:`DRAWN_FLAT`."""
    p = run["plateaus"]
    first = p[(p["draw"] == 0) & (p["measure"] == "absolute")]
    out = {}
    for c in COSTS:
        rows = first[first["cost_fn"] == c]
        flat = rows[rows["threshold"] == DRAWN_FLAT]["flat_share"]
        out[c] = {"min": float(rows["cost_min"].iloc[0]), "max": float(rows["cost_max"].iloc[0]),
                  "flat": float(flat.iloc[0]) if len(flat) else float("nan")}
    return out


def plateau_means(run: Result) -> dict:
    """Per measure of :data:`PLATEAU_MEASURES`: the mean share of the grid on a plateau over the
    draws, ``{measure: (quadratic, cross_entropy)}``."""
    p = run["plateaus"]
    out = {}
    for measure, t, col in PLATEAU_MEASURES:
        rows = p[(p["measure"] == measure) & (p["threshold"] == t)]
        m = rows.groupby("cost_fn")[col].mean()
        out[(measure, t, col)] = (float(m["quadratic"]), float(m["cross_entropy"]))
    return out


def draw_wins(run: Result, measure: str = DRAW_MEASURE[0], threshold: float = DRAW_MEASURE[1]) -> tuple[int, int]:
    """In how many of the draws the quadratic cost has more of its grid flat than the
    cross-entropy (``measure``, ``threshold``), and the number of draws."""
    p = run["plateaus"]
    per = p[(p["measure"] == measure) & (p["threshold"] == threshold)].pivot_table(index="draw", columns="cost_fn",
                                                                                    values="flat_share")
    return int((per["quadratic"] > per["cross_entropy"]).sum()), int(len(per))


def training_comparison(run: Result) -> dict:
    """The end of a ``cost_comparison`` run at each cost's rate chosen on validation error
    (:func:`glorot.experiments.cost.chosen_on_validation`): the test errors, the learning rates,
    quadratic minus cross-entropy (points) and the two-proportion z-test of the difference on
    the run's test set."""
    _, best = cost_analysis.chosen_on_validation(run["curves"])
    b = best.set_index("cost_fn")
    n = int(run.config["n_test"])
    ce, q = float(b.loc["cross_entropy", "test"]), float(b.loc["quadratic", "test"])
    z, p = stats.two_proportion_z_test(q, n, ce, n)
    return {"cross_entropy": ce, "quadratic": q, "lr_cross_entropy": float(b.loc["cross_entropy", "lr"]),
            "lr_quadratic": float(b.loc["quadratic", "lr"]), "diff": 100 * (q - ce), "z": z, "p_value": p, "n_test": n,
            "significant": p < stats.ALPHA}


def output_gradients(run: Result) -> dict:
    """On the probe examples, at each cost's chosen rate: the median output-gradient norm at
    the end of the run and the largest share misclassified with an output gradient below 0.01
    over the run, per cost."""
    _, best = cost_analysis.chosen_on_validation(run["curves"])
    og = run["outgrad"].merge(best[["cost_fn", "lr"]], on=["cost_fn", "lr"])
    last = og[og["update"] == og["update"].max()].set_index("cost_fn")
    stuck = og.groupby("cost_fn")["stuck_share"].max()
    return {"grad": {c: float(last.loc[c, "grad_median"]) for c in COSTS}, "stuck": {c: float(stuck[c]) for c in COSTS},
            "frame": og}


def _where(run: Result) -> str:
    """``after 40,000 updates (1.6% of the paper's 2.5M) at width 100 (the paper's: 1000)``."""
    u, w = run.config["updates"], run.config["width"]
    ref = experiment(run.experiment).defaults("paper")
    width = f"at width {w:,}" + ("" if w >= ref["width"] else f" (the paper's: {ref['width']:,})")
    return f"after {u:,} updates ({share_of_paper(u, ref['updates'])}% of the paper's {ref['updates'] / 1e6:g}M) {width}"


# --------------------------------------------------------------------------- Fig. 5


def _drawn_surface(run: Result) -> Judgement:
    """Fig. 5 as drawn: ours is the range of each cost on the drawn grid. The cross-entropy's
    highest value within :data:`RIDGE_RANGE` (the paper's ridges) *and* the quadratic cost's
    range the smaller (flatter): agrees; one of the two: partly; neither: differs."""
    s = drawn_surface(run)
    ce, q = s["cross_entropy"], s["quadratic"]
    lo, hi = RIDGE_RANGE
    ridges = lo <= ce["max"] <= hi
    flatter = q["max"] - q["min"] < ce["max"] - ce["min"]
    said = (f"on the drawn surface the cross-entropy spans {ce['min']:.2f}–{ce['max']:.2f} nats (paper: ridges up to about "
            f"{PAPER_FIG5_RIDGE:g}) and the quadratic cost {q['min']:.2f}–{q['max']:.2f}")
    ours = f"cross-entropy {ce['min']:.2f}–{ce['max']:.2f}, quadratic cost {q['min']:.2f}–{q['max']:.2f} on the drawn grid"
    values = {"paper_ridge": PAPER_FIG5_RIDGE, "ce": ce, "quadratic": q, "ridges": ridges, "flatter": flatter}
    if ridges and flatter:
        return Judgement("agrees", said + ", the flatter of the two, as in the paper", ours, values)
    if ridges:
        return Judgement("partly", said + ": the cross-entropy has the paper's ridges, but the quadratic cost is not the flatter",
                         ours, values)
    if flatter:
        return Judgement("partly", said + f": the quadratic cost is the flatter, but the cross-entropy's highest point is "
                         f"outside {lo:g}–{hi:g} (within a factor 2 of the paper's about {PAPER_FIG5_RIDGE:g})", ours, values)
    return Judgement("differs", said + ": neither the paper's ridges nor a flatter quadratic cost", ours, values)


def _drawn_plateaus(run: Result) -> Judgement:
    """Fig. 5 as contours: ours is the share of the drawn grid where the gradient's norm is
    below :data:`DRAWN_FLAT`, per cost. The quadratic cost's the larger: agrees; else differs."""
    s = drawn_surface(run)
    fq, fce = s["quadratic"]["flat"], s["cross_entropy"]["flat"]
    said = (f"on the drawn surface the gradient's norm is below {DRAWN_FLAT:g} on {pct(fq)} of the grid for the quadratic "
            f"cost against {pct(fce)} for the cross-entropy")
    ours = f"gradient below {DRAWN_FLAT:g} on {pct(fq)} of the drawn grid (quadratic), {pct(fce)} (cross-entropy)"
    values = {"quadratic": fq, "cross_entropy": fce}
    if fq > fce:
        return Judgement("agrees", said + ": the plateaus are the quadratic cost's, as in the paper", ours, values)
    return Judgement("differs", said + ": the quadratic cost has no more plateau than the cross-entropy", ours, values)


def _plateaus(run: Result) -> Judgement:
    """§4.1's "clearly more severe plateaus with the quadratic cost", over the random draws:
    ours is :func:`plateau_means` (four measures, :data:`PLATEAU_MEASURES`) and
    :func:`draw_wins`. The quadratic cost's mean share at least :data:`CLEARLY_FACTOR` times
    the cross-entropy's (and larger) in every measure, *and* larger in at least
    :data:`DRAW_SHARE` of the draws: agrees; larger on average in at least one measure: partly;
    in none: differs."""
    m = plateau_means(run)
    wins, n = draw_wins(run)
    clearly = [k for k, (q, ce) in m.items() if q > ce and q >= CLEARLY_FACTOR * ce]
    larger = [k for k, (q, ce) in m.items() if q > ce]
    consistent = wins >= DRAW_SHARE * n
    (k0, (q0, c0)), *rest = m.items()
    shares = (f"{PLATEAU_WORDS[k0]} on {pct(q0)} of the grid with the quadratic cost against {pct(c0)} with the cross-entropy"
              + "".join(f"; {PLATEAU_WORDS[k]}: {pct(q)} against {pct(ce)}" for k, (q, ce) in rest))
    said = (f"averaged over {n} random draws, the gradient's norm is {shares}; the quadratic cost has more of its grid below "
            f"{DRAW_MEASURE[1]:g} in {wins} of the {n} draws")
    a_q, a_c = m[PLATEAU_MEASURES[0]]
    r_q, r_c = m[PLATEAU_MEASURES[3]]
    ours = (f"gradient below 0.01 on {pct(a_q)} of the grid with the quadratic cost, {pct(a_c)} with the cross-entropy; "
            f"below 10% of the mean slope on {pct(r_q)} and {pct(r_c)}; quadratic flatter in {wins} of {n} draws")
    values = {"means": m, "wins": wins, "n_draws": n, "clearly": len(clearly), "larger": len(larger), "factor": CLEARLY_FACTOR}
    if len(clearly) == len(m) and consistent:
        return Judgement("agrees", f"{said}: at least {CLEARLY_FACTOR:g} times the cross-entropy's share in all {len(m)} "
                         "measures and in most draws, as the paper's \"clearly more severe plateaus with the quadratic cost\" "
                         "says (it gives no numbers)", ours, values)
    if larger:
        gaps = []
        if len(clearly) < len(m):
            gaps.append(f"at least {CLEARLY_FACTOR:g} times the cross-entropy's share in only {len(clearly)} of {len(m)} measures")
        if not consistent:
            gaps.append(f"flatter in only {wins} of {n} draws (at least {DRAW_SHARE:.0%} needed to rule out a lucky draw)")
        return Judgement("partly", f"{said}: flatter on average in {len(larger)} of {len(m)} measures, but "
                         + " and ".join(gaps) + " (paper: \"clearly more severe plateaus\")", ours, values)
    return Judgement("differs", f"{said}: the quadratic cost is not flatter in any measure", ours, values)


# --------------------------------------------------------------------------- the claim in training


def _stuck(run: Result, t: dict) -> list[str]:
    """The costs whose chosen network ends within :data:`PLATEAU_MARGIN` of :func:`majority_error`."""
    plateau = majority_error(t["n_test"])
    return [c for c in COSTS if t[c] > plateau - PLATEAU_MARGIN]


def _training(run: Result) -> Judgement:
    """§4.1's "worked much better": ours is :func:`training_comparison`. Inconclusive when a
    cost's chosen network did not learn (module docstring). The cross-entropy's test error
    lower, significantly at p = :data:`glorot.stats.ALPHA` (Table 1's test): agrees; lower but
    not significantly: partly; not lower: differs.

    Scale ``full``, not ``budget`` (module docstring): the width changes how fast each cost's
    network learns, so the paper's 2.5M updates at width 100 are below the paper's scale."""
    t = training_comparison(run)
    ce, q = t["cross_entropy"], t["quadratic"]
    ours = (f"test error {100 * ce:.1f}% with the cross-entropy, {100 * q:.1f}% with the quadratic cost "
            f"(z-test p = {p_text(t['p_value'])})")
    values = dict(t)
    stuck = _stuck(run, t)
    if stuck:
        who = " and ".join(f"the {COSTS[c]} network (test error {100 * t[c]:.1f}% at the end, at its chosen rate "
                           f"{t['lr_' + c]:g})" for c in stuck)
        return Judgement("inconclusive", f"{who} did not learn at any rate of the grid: always answering the most frequent "
                         f"class errs {100 * majority_error(t['n_test']):.1f}% on this test set, so the comparison "
                         "measures the learning-rate grid, not the cost",
                         f"{pages.and_list([COSTS[c] for c in stuck])} did not learn ({ours})",
                         values | {"not_learned": stuck})
    numbers = (f"quadratic minus cross-entropy test error is {t['diff']:+.1f} points (z = {t['z']:.2f}, p = "
               f"{p_text(t['p_value'])}, {'' if t['significant'] else 'not '}significant at p = {stats.ALPHA:g}) {_where(run)}")
    if ce < q and t["significant"]:
        return Judgement("agrees", f"{numbers}: the cross-entropy is better, as the paper's log-likelihood \"worked much "
                         "better\"", ours, values)
    if ce < q:
        return Judgement("partly", f"{numbers}: the cross-entropy is better, but not significantly (the paper: it \"worked "
                         "much better\")", ours, values)
    worse = "the quadratic cost is significantly better" if t["significant"] else "the cross-entropy is not better"
    return Judgement("differs", f"{numbers}: {worse} (the paper: the log-likelihood \"worked much better\")", ours, values)


def _output_gradients(run: Result) -> Judgement:
    """Fig. 5's plateaus as the training examples meet them: ours is :func:`output_gradients`.
    The quadratic cost's largest stuck share above the cross-entropy's by more than
    :data:`STUCK_MARGIN`: agrees; otherwise its median output gradient the smaller: partly;
    else differs.

    Scale ``full``, not ``budget``: whether misclassified examples reach the softmax's
    saturated, confidently wrong outputs depends on how far an update moves the output layer,
    which grows with the width (module docstring)."""
    o = output_gradients(run)
    g, s = o["grad"], o["stuck"]
    said = (f"at the end the median output gradient is {g['quadratic']:.3f} with the quadratic cost against "
            f"{g['cross_entropy']:.3f} with the cross-entropy, and at most {100 * s['quadratic']:.1f}% (quadratic) and "
            f"{100 * s['cross_entropy']:.1f}% (cross-entropy) of the probe examples are misclassified with an output "
            "gradient below 0.01")
    ours = (f"median output gradient {g['quadratic']:.3f} (quadratic), {g['cross_entropy']:.3f} (cross-entropy); at most "
            f"{100 * s['quadratic']:.1f}% and {100 * s['cross_entropy']:.1f}% of the probe examples stuck")
    values = {"grad": g, "stuck": s}
    if s["quadratic"] > s["cross_entropy"] + STUCK_MARGIN:
        return Judgement("agrees", said + ": misclassified examples sit on the quadratic cost's plateaus", ours, values)
    if g["quadratic"] < g["cross_entropy"]:
        return Judgement("partly", said + ": the quadratic cost's gradients are smaller, but the examples do not meet "
                         "Figure 5's plateaus in this run", ours, values)
    return Judgement("differs", said + ": the quadratic cost's output gradients are not the smaller", ours, values)


# --------------------------------------------------------------------------- the claims

register(
    Claim("fig5.drawn_surface", "Fig. 5", "Fig. 5 as drawn: the cross-entropy has ridges, the quadratic cost lies flatter",
          f"cross-entropy (black) with ridges up to about {PAPER_FIG5_RIDGE:g}; quadratic cost (red) below it, mostly flat",
          PAGE, "cost_surface", _drawn_surface, "none", SECTION),
    Claim("fig5.drawn_plateaus", "Fig. 5", "Fig. 5 as drawn: the plateaus (gradient below 0.01) are the quadratic cost's",
          "“clearly more severe plateaus with the quadratic cost” (no number)", PAGE, "cost_surface", _drawn_plateaus,
          "none", SECTION),
    Claim("fig5.plateaus", "Fig. 5, §4.1", "Fig. 5, §4.1: the quadratic cost has more plateaus than the cross-entropy",
          "“clearly more severe plateaus with the quadratic cost” (no number)", PAGE, "cost_surface", _plateaus, "none",
          SECTION),
    Claim("cost.training", "§4.1", "§4.1: training with the cross-entropy works better than with the quadratic cost",
          "the log-likelihood “worked much better” (no number)", PAGE, "cost_comparison", _training, "full", SECTION),
    Claim("cost.output_gradients", "§4.1, Fig. 5", "§4.1 in training: misclassified examples meet the quadratic cost's "
          "plateaus (output gradient below 0.01)", "not measured: Fig. 5's plateaus are the paper's reason the quadratic "
          "cost trains worse", PAGE, "cost_comparison", _output_gradients, "full", SECTION),
)
