"""The front page's scorecard: one row per claim of the paper, computed from the results archive.

Each claim of Glorot & Bengio (2010) that the book reproduces (a figure, a table cell, a
number) has one small function here. It takes the archived run that the chapter showing the
claim uses, computes our value with the same analysis functions the chapter calls, and returns
a :class:`Row`: the claim, the paper's value, ours, the scale it was measured at, a verdict and
the chapter page that shows it.

**Nothing is trained here.** :func:`load_runs` only reads the archive (:func:`glorot.archive.load`,
which verifies every entry); a configuration with no archive entry gives a :class:`Missing`,
and every row built from one says :data:`NOT_ARCHIVED` instead of a number. The experiments do
not import this module.

**Which run.** Each row uses the configuration of the chapter that shows it (its default
parameters). Where that chapter's main figure is a *full-width run* on the CPU (the paper's
1000 units, :data:`FULL_WIDTH`: Figs. 3-4 and 9-10 at the ``quick`` profile), the row uses it
when it is archived. Otherwise, where the chapter shows a *longer run* (``longer_factor`` times
the profile's updates, :func:`glorot.experiments.longer_run`), the row uses the longer run when
it is archived, since it is the closest to the paper's scale; otherwise the profile's own run.
The scale column says which: ``quick ×5`` is the longer run of the ``quick`` profile, and a
full-width run names its width and updates.

**The paper's values** come from :mod:`glorot.paper` (Table 1, Fig. 11, §5's SVM numbers) or,
for the qualitative claims and the numbers read off a figure, from the constants below, each
citing its figure, section or equation. The "paper" scale of a row is the ``paper`` profile's
configuration (the paper's sizes and budgets, :mod:`glorot.experiments`).

**Verdicts** are one of :data:`glorot.pages.VERDICTS`, chosen in code from the numbers by the
rule in each function's docstring. "not yet at paper scale" is given where the claim is about
training and was not (or not yet) seen in a run smaller than the paper's (narrower, shorter or
on fewer examples); the same outcome at the paper's scale is "differs".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import archive, data, pages, paper, stats
from .configs import Config
from .experiments import Result, config, experiment, longer_run, saturation as sat_analysis
from .experiments.registry import load_archived
from .experiments import cost as cost_analysis, error_curves as ec_analysis, gradients as grad_analysis

NOT_ARCHIVED = "not archived"
"""The verdict column of a row whose run is not in the archive (nothing was computed)."""

UPDATES_PER_EPOCH = 20_000
"""The paper's "epoch" on its plots: 20k minibatch updates (§3)."""

# --------------------------------------------------------------------------- the paper's words and read-off values

PAPER_FIG2_FALL_EPOCHS = 1.0
"""Fig. 2 / §3.1: the top hidden layer's sigmoid activations are "pushed to their lower saturation
value of 0" "very quickly at the beginning": within the first of about 140 epochs (read off)."""
PAPER_FIG2_ESCAPE_EPOCH = 100.0
"""Fig. 2's caption: the depth-4 top layer "slowly desaturates around epoch 100"."""
PAPER_FIG2_FINAL_TOP = (0.07, 0.08)
"""Fig. 2: the depth-4 top layer, having desaturated around epoch 100, ends at about 0.07-0.08 at
epoch 140 (read off the figure's layer-4 line)."""
PAPER_FIG4_SOFTSIGN_MODES = (0.6, 0.8)
"""§3.3 / Fig. 4: softsign's activations have modes "around (-0.6,-0.8) and (0.6,0.8)"."""
PAPER_FIG6_PEAKS = {"standard": 14.0, "normalized": 1.3}
"""Fig. 6: peak density of the tanh activations at initialization, layer 5, standard init (about 14)
and every layer with the normalized init (about 1.3); read off the figure."""
PAPER_FIG7_PEAKS = {"standard": 85.0, "normalized": 9.0}
"""Fig. 7: peak density of the back-propagated gradients at initialization, layer 1, standard init
(about 85), and every layer with the normalized init (about 9); read off the figure."""
PAPER_N_VAR_W = {"standard": 1 / 3, "normalized": 1.0}
"""§4.2: n·Var[W] = 1/3 for the standard initialization (eq. 15); the normalized initialization
(eq. 16) makes it 1 for equal widths (eqs. 10-12)."""
PAPER_JACOBIAN = {"standard": 0.5, "normalized": 0.8}
"""§4.2.2, eq. (17): "the average singular value" of the layer Jacobians, about 0.5 with the
standard initialization and 0.8 with the normalized one."""
PAPER_FIG11_SIGMOID4_BREAK_EXAMPLES = 7_000_000
"""Fig. 11: the depth-4 sigmoid curve breaks away from the plateau near 0.7e7 examples (read off)."""

# --------------------------------------------------------------------------- thresholds of the verdict rules

MATCH_TOLERANCE = 0.10
"""A measured variance "follows" eqs. (5)-(6) when within 10% of the predicted product."""
RATIO_ALIKE = 1.5
"""Layers look "alike" when the largest over the smallest std across layers is at most 1.5."""
RATIO_SHRINKS = 3.0
"""A std "shrinks/grows with the layer" when it changes by at least 3x from layer 1 to the top."""
JACOBIAN_AGREE, JACOBIAN_PARTLY = 0.05, 0.10
"""|ours - paper| for eq. (17): within 0.05 (the paper's one digit) agrees, within 0.1 partly."""
P98_SATURATED = 0.95
"""Fig. 3's markers: a tanh layer is saturating once its 98th percentile exceeds 0.95."""


# --------------------------------------------------------------------------- rows and runs


@dataclass(frozen=True)
class Row:
    """One claim of the paper beside our value.

    ``verdict`` is one of :data:`glorot.pages.VERDICTS` or :data:`NOT_ARCHIVED`; ``reason``
    the sentence that justifies it from the numbers; ``page`` the chapter (a ``{doc}``
    target, e.g. ``"02_saturation"``); ``values`` the numbers behind ``paper`` and ``ours``
    (paper values under keys starting with ``paper``) for tests and for the page's prose."""

    claim: str
    paper: str
    ours: str
    scale: str
    verdict: str
    reason: str
    page: str
    values: dict = field(default_factory=dict)
    below_paper: bool | None = None
    """Whether the run was smaller than the paper profile's (:func:`below_paper_scale`); None
    when it is not archived. :func:`rows` sets it."""

    def __post_init__(self):
        if self.verdict != NOT_ARCHIVED:
            pages.verdict(self.verdict, self.reason)  # raises on a kind outside pages.VERDICTS


@dataclass(frozen=True)
class Missing:
    """A run a row needs that is not in the archive: the configuration that was asked for and why
    there is no result (``"not archived"``, a corrupt entry, absent data files)."""

    experiment: str
    profile: str
    config: Config
    why: str = ""
    """What else there is to say (a corrupt entry, absent data files); empty if nothing."""


Run = Result | Missing

RUNS = {
    # role: (experiment, the chapter's overrides, the keys its longer run scales, or None)
    "sigmoid": ("sigmoid_saturation", {"seed": 0}, ("updates", "probe_every", "eval_every")),
    "saturation": ("activation_saturation", {"activations": ["tanh", "softsign"], "seed": 0}, ("updates", "probe_every", "eval_every")),
    "cost_surface": ("cost_surface", {"activation": "tanh", "seed": 0}, None),
    "cost_comparison": ("cost_comparison", {"activation": "tanh", "seed": 0}, ("updates", "probe_every", "eval_every")),
    "variance": ("variance_propagation", {"seed": 0}, None),
    "init": ("init_statistics", {"activation": "tanh", "dataset": "shapeset", "seed": 0, "weight_grad_batch_size": 10}, None),
    "gradients": ("gradient_dynamics", {"activation": "tanh", "seed": 0}, ("updates", "probe_every", "eval_every")),
    "shapeset": ("shapeset_curves", {"pretrain_activation": "tanh", "pretrain_noise": 0.25},
                 ("updates", "eval_every", "pretrain_updates_per_layer")),
    "svm": ("svm_baseline", {}, ("n_train", "updates", "eval_every")),
    "mnist-5k": ("finite_curves", {"dataset": "mnist-5k"}, None),
    "mnist": ("finite_curves", {"dataset": "mnist"}, None),
    "cifar10": ("finite_curves", {"dataset": "cifar10"}, None),
    "small-imagenet": ("finite_curves", {"dataset": "small-imagenet"}, None),
}
"""The runs the scorecard reads, with the configuration their chapter uses (its default
parameters: seed 0, tanh against softsign, pre-training with tanh units and masking noise 0.25,
minibatches of 10 for the weight gradients)."""

FULL_WIDTH = {"saturation": sat_analysis.FULL_WIDTH_CPU, "gradients": grad_analysis.FULL_WIDTH_CPU}
"""The roles whose chapter's main figure is a full-width CPU run: its overrides of the
``quick`` profile (the paper's 1000 units; chapters 02 and 05)."""


def archived(name: str, profile: str, **overrides) -> Run:
    """The archived run of experiment ``name`` at ``profile`` with ``overrides`` (checked by
    :func:`glorot.archive.load`), as the :class:`~glorot.experiments.Result` that
    ``experiments.run(name, profile, use_archive=True, ...)`` returns for an archive hit; a
    :class:`Missing` when there is no entry or it is corrupt. Never trains."""
    cfg = config(name, profile, **overrides)
    try:
        hit = load_archived(name, profile, cfg)
    except archive.ArchiveError as e:
        return Missing(name, profile, cfg, f"its archive entry is corrupt ({'; '.join(e.problems)})")
    if hit is None:
        dataset = cfg.get("dataset")
        absent = dataset not in (None, "shapeset") and not data.available(dataset)
        return Missing(name, profile, cfg, f"the {dataset} files are absent here" if absent else "")
    return Result(name, profile, cfg, hit.frames, hit.provenance, "archived", stale=hit.stale)


def load_runs(profile: str = "quick", longer_factor: int = 5) -> dict[str, Run]:
    """Every run of :data:`RUNS` at ``profile``: at ``quick``, the chapter's full-width run
    (:data:`FULL_WIDTH`) where it has one and it is archived; else the chapter's longer run
    (``longer_factor`` times the updates) where the chapter has one and it is archived; else the
    profile's run; else a :class:`Missing` for the profile's configuration. Both parameters are
    checked first."""
    rows = {}
    for role, (name, overrides, keys) in RUNS.items():
        base = config(name, profile, **overrides)  # validates the profile
        run: Run | None = None
        if profile == "quick" and role in FULL_WIDTH:
            run = archived(name, profile, **overrides, **FULL_WIDTH[role])
            if isinstance(run, Missing):
                run = None
        if run is None and keys is not None:
            longer, _ = longer_run(profile, longer_factor, base, keys)  # validates longer_factor
            if longer is not None:
                run = archived(name, profile, **overrides, **longer)
        if run is None or isinstance(run, Missing):
            run = archived(name, profile, **overrides)
        rows[role] = run
    return rows


# --------------------------------------------------------------------------- scale


def below_paper_scale(run: Run) -> bool:
    """Whether the run is smaller than the paper profile's: narrower, fewer updates, or fewer
    training examples."""
    cfg, ref = run.config, experiment(run.experiment).defaults("paper")
    return any(k in cfg and cfg[k] is not None and ref.get(k) is not None and cfg[k] < ref[k]
               for k in ("width", "updates", "n_train"))


def _short(n) -> str:
    """``2_800_000`` -> ``"2.8M"``, ``350_000`` -> ``"350k"``, ``200`` -> ``"200"``."""
    n = float(n)
    return f"{n / 1e6:g}M" if n >= 1e6 else f"{n / 1e3:g}k" if n >= 1e3 else f"{n:g}"


def provenance(run: Run) -> str:
    """Where a row's numbers come from: ``"archived 2026-12-02, commit f9d0dab2"`` (and whether
    the code has changed since), or that the run is not archived."""
    if isinstance(run, Missing):
        return NOT_ARCHIVED + (f" ({run.why})" if run.why else "")
    prov = run.provenance
    commit = prov.get("git_commit", "unknown")[:8] + ("+dirty" if prov.get("git_dirty") else "")
    return f"archived {prov.get('date', '?')[:10]}, commit {commit}" + (", made with earlier code" if run.stale else "")


def scale(run: Run, with_provenance: bool = False) -> str:
    """The scale of a row, short: the profile (``×k`` for a longer run), then the width, updates
    and training examples beside the paper profile's, and the seeds, e.g. ``"quick ×5: width 100
    of 1000, 350k of 2.8M updates (12%), seed 0"``; ``with_provenance`` adds :func:`provenance`.
    A run that is not archived always says so."""
    cfg, ref = run.config, experiment(run.experiment).defaults("paper")
    own = experiment(run.experiment).defaults(run.profile)
    head = run.profile
    if "width" in cfg and own.get("width") and cfg["width"] != own["width"]:
        head += ", full width" if cfg["width"] == ref["width"] else f", width {cfg['width']}"
    elif "updates" in cfg and own.get("updates") and cfg["updates"] != own["updates"]:
        head += f" ×{cfg['updates'] / own['updates']:g}"
    parts = []
    if "width" in cfg:
        parts.append(f"width {cfg['width']}" + (" (the paper's)" if cfg["width"] == ref["width"] else f" of {ref['width']}"))
    if "updates" in cfg:
        share = 100 * cfg["updates"] / ref["updates"]
        parts.append(f"{_short(cfg['updates'])} of {_short(ref['updates'])} updates ({share:.0f}%)" if share >= 10 else
                     f"{_short(cfg['updates'])} of {_short(ref['updates'])} updates ({share:.2g}%)")
    elif run.experiment in ("init_statistics", "variance_propagation"):
        parts.append(f"at initialization, {cfg['n_examples']:,} examples")
    elif run.experiment == "cost_surface":
        parts.append(f"{cfg['grid']}×{cfg['grid']} grid, {cfg['n_draws']} random networks")
    if "n_train" in cfg:
        parts.append(f"{_short(cfg['n_train'])} of {_short(ref['n_train'])} training examples")
    if "n_seeds" in cfg:
        parts.append(f"{cfg['n_seeds']} seeds")
    elif "seed" in cfg:
        parts.append(f"seed {cfg['seed']}")
    if with_provenance or isinstance(run, Missing):
        parts.append(provenance(run))
    return f"{head}: " + ", ".join(parts)


def provenance_sentence(runs: dict[str, Run]) -> str:
    """Where the scorecard's numbers come from, once for all rows: each distinct archive date and
    commit, how many runs were made with code that has changed since, and how many are missing."""
    found = [r for r in runs.values() if not isinstance(r, Missing)]
    missing = [r for r in runs.values() if isinstance(r, Missing)]
    if not found:
        return f"None of the {len(runs)} runs it reads is archived at this profile."
    origins = sorted({provenance(r).removesuffix(", made with earlier code") for r in found})
    stale = sum(r.stale for r in found)
    return (f"Its {len(found)} archived runs were {'; '.join(origins)}"
            + (f" ({stale} made with code that has changed since)" if stale else "")
            + (f"; {len(missing)} {'is' if len(missing) == 1 else 'are'} not archived." if missing else "."))


def _missing(claim: str, paper_text: str, run: Missing, page: str, **values) -> Row:
    return Row(claim, paper_text, NOT_ARCHIVED, scale(run), NOT_ARCHIVED,
               f"nothing to compare: no archived `{run.experiment}` run with the chapter's configuration"
               + (f"; {run.why}" if run.why else ""), page, values)


def _when(update) -> str:
    """``"at epoch 0.25"`` (epochs of 20k updates), or ``"never in the run"``."""
    return "never in the run" if update is None or pd.isna(update) else f"at epoch {update / UPDATES_PER_EPOCH:.2g}"


def _pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def _last_error(curves: pd.DataFrame, by: str) -> pd.Series:
    test = curves[curves["split"] == "test"] if "split" in curves else curves
    return test.sort_values("update").groupby(by)["error"].last()


def _too_small(run: Run, claim: str, paper_text: str, ours: str, page: str, reason: str, values: dict | None = None) -> Row:
    """The row for a training claim not seen in the run: "not yet at paper scale" below it,
    "differs" at it."""
    if below_paper_scale(run):
        return Row(claim, paper_text, ours, scale(run), "not yet at paper scale",
                   f"{reason}, in a run smaller than the paper's", page, values or {})
    return Row(claim, paper_text, ours, scale(run), "differs", f"{reason}, at the paper's scale", page, values or {})


def _partial(run: Run, claim: str, paper_text: str, ours: str, page: str, reason: str, values: dict | None = None) -> Row:
    """The row for a training claim seen only in part: "partly" at the paper's scale, "not yet at
    paper scale" below it (as the chapters 03, 06, 07 and 08 say under their figures: a partial
    result of a much shorter or narrower run is not yet a verdict on the paper)."""
    if below_paper_scale(run):
        return Row(claim, paper_text, ours, scale(run), "not yet at paper scale",
                   f"{reason}, in a run smaller than the paper's", page, values or {})
    return Row(claim, paper_text, ours, scale(run), "partly", reason, page, values or {})


# --------------------------------------------------------------------------- §3: saturation (chapter 02)


def fig2_top_layer_falls(sig: Run) -> Row:
    """Fig. 2: the sigmoid network's top hidden layer (depth 4) is pushed to 0 at once.

    Ours: the first probe at which the top layer's mean activation is below 0.1
    (:func:`glorot.experiments.saturation.top_layer_events`). Rule: within the first epoch of
    20k updates (:data:`PAPER_FIG2_FALL_EPOCHS`) agrees; later in the run partly; never: not yet
    at paper scale (or differs at it)."""
    claim = "Fig. 2: the sigmoid net's top hidden layer falls to 0 at once (depth 4)"
    paper_text = "mean ≈ 0 within the first epoch (of about 140)"
    if isinstance(sig, Missing):
        return _missing(claim, paper_text, sig, "02_saturation", paper_epochs=PAPER_FIG2_FALL_EPOCHS)
    ev = sat_analysis.top_layer_events(sig["stats"]).set_index("depth").loc[4]
    fall = ev["fall_update"]
    ours = (f"mean below 0.1 {_when(fall)}" if pd.notna(fall) else "mean never below 0.1") + f", lowest {ev['min_mean']:.3f}"
    values = {"paper_epochs": PAPER_FIG2_FALL_EPOCHS, "fall_epoch": fall / UPDATES_PER_EPOCH, "min_mean": ev["min_mean"]}
    if pd.isna(fall):
        return _too_small(sig, claim, paper_text, ours, "02_saturation", "the top layer's mean never fell below 0.1", values)
    kind = "agrees" if fall / UPDATES_PER_EPOCH <= PAPER_FIG2_FALL_EPOCHS else "partly"
    reason = ("it falls within the first epoch, as in the paper" if kind == "agrees"
              else f"it falls, but only {_when(fall)}, after the paper's first epoch")
    return Row(claim, paper_text, ours, scale(sig), kind, reason, "02_saturation", values)


def fig2_depth4_escapes(sig: Run) -> Row:
    """§3.1 / Fig. 2: with four hidden layers the sigmoid's top layer escapes saturation; with
    five it never does.

    Ours: when most of each network's top-layer units leave saturation (``desaturated_update``),
    the highest mean after that, and each network's final test error. Rule: depth 4 desaturates
    and depth 5 does not: agrees if depth 4 escapes within a factor 2 of the paper's epoch
    (:data:`PAPER_FIG2_ESCAPE_EPOCH`) and its top mean then gets back to the paper's final level
    (at least the low end of :data:`PAPER_FIG2_FINAL_TOP`), else partly; depth 5 desaturates: differs; neither desaturates: not yet at
    paper scale (or differs at it)."""
    claim = "Fig. 2, §3.1: depth 4 escapes the saturation, depth 5 never does (sigmoid)"
    lo, hi = PAPER_FIG2_FINAL_TOP
    paper_text = f"depth 4: desaturates near epoch 100, top mean ends near {lo:g}–{hi:g}; depth 5: never"
    if isinstance(sig, Missing):
        return _missing(claim, paper_text, sig, "02_saturation")
    ev = sat_analysis.top_layer_events(sig["stats"]).set_index("depth")
    err = _last_error(sig["curves"], "depth")
    d4, d5 = ev.loc[4], ev.loc[5]
    esc4, esc5 = pd.notna(d4["desaturated_update"]), pd.notna(d5["desaturated_update"])
    def escape(ev):
        return f"desaturates {_when(ev['desaturated_update'])}" if pd.notna(ev["desaturated_update"]) else "never desaturates"

    ours = (f"depth 4: {escape(d4)}" + (f", top mean then at most {d4['max_mean_after']:.3f}" if esc4 else "")
            + f", test error {_pct(err.loc[4])}; depth 5: {escape(d5)}, test error {_pct(err.loc[5])}")
    values = {"paper_final_top": PAPER_FIG2_FINAL_TOP, "d4_max_after": d4["max_mean_after"], "d4_error": err.loc[4],
              "d5_error": err.loc[5], "d4_escapes": bool(esc4), "d5_escapes": bool(esc5)}
    if esc5:
        return Row(claim, paper_text, ours, scale(sig), "differs", "the depth-5 network escapes too", "02_saturation", values)
    if not esc4:
        return _too_small(sig, claim, paper_text, ours, "02_saturation", "neither network escapes", values)
    epoch4 = d4["desaturated_update"] / UPDATES_PER_EPOCH
    when4 = f"at epoch {epoch4:.3g}, the paper's about {PAPER_FIG2_ESCAPE_EPOCH:g}"
    on_time = 0.5 <= epoch4 / PAPER_FIG2_ESCAPE_EPOCH <= 2.0
    recovers = d4["max_mean_after"] >= lo
    if on_time and recovers:
        return Row(claim, paper_text, ours, scale(sig), "agrees",
                   f"depth 4 escapes ({when4}) and its top mean recovers to {d4['max_mean_after']:.3f} "
                   f"(paper: about {lo:g}–{hi:g}), depth 5 stays saturated", "02_saturation", values)
    gaps = ([] if on_time else [f"depth 4 escapes {'much earlier' if epoch4 < PAPER_FIG2_ESCAPE_EPOCH else 'much later'} ({when4})"]) + (
        [] if recovers else [f"its top mean stays below {lo:g} (paper: about {lo:g}–{hi:g})"])
    return Row(claim, paper_text, ours, scale(sig), "partly",
               "depth 4 escapes and depth 5 does not, but " + " and ".join(gaps), "02_saturation", values)


def fig3_tanh_sequence(sat: Run) -> Row:
    """Fig. 3 (top), §3.2: the tanh network's layers saturate one after the other, layer 1 first.

    Ours: for each layer, the first update at which its 98th percentile exceeds
    :data:`P98_SATURATED` (:func:`glorot.experiments.saturation.saturation_order`). Rule: at least
    two layers get there, in layer order: agrees if every layer does, else partly; out of order:
    differs; fewer than two: not yet at paper scale (or differs at it)."""
    claim = "Fig. 3 (top), §3.2: tanh layers saturate one after the other, from layer 1 up"
    paper_text = "layer 1 saturates first, then layer 2, …"
    if isinstance(sat, Missing):
        return _missing(claim, paper_text, sat, "02_saturation")
    order = sat_analysis.saturation_order(sat["stats"], level=P98_SATURATED, column="p98")
    t = order[order["activation"] == "tanh"].set_index("layer")["update"].sort_index()
    reached = t.dropna()
    ours = (("98th percentile > 0.95 at updates " + ", ".join(_short(u) for u in reached)
             + f" for layer{'s' if len(reached) > 1 else ''} {', '.join(str(k) for k in reached.index)}") if len(reached)
            else "no layer's 98th percentile exceeds 0.95")
    if len(reached) < len(t):
        ours += f"; layer{'s' if len(t) - len(reached) > 1 else ''} {', '.join(str(k) for k in t.index if pd.isna(t[k]))}: not in the run"
    values = {"updates": t.to_dict()}
    if len(reached) < 2:
        return _too_small(sat, claim, paper_text, ours, "02_saturation", "fewer than two layers saturate", values)
    in_order = list(reached.index) == list(t.index[: len(reached)]) and reached.is_monotonic_increasing
    if not in_order:
        return Row(claim, paper_text, ours, scale(sat), "differs", "the layers do not saturate in layer order", "02_saturation", values)
    if len(reached) == len(t):
        return Row(claim, paper_text, ours, scale(sat), "agrees", "every layer saturates, in layer order", "02_saturation", values)
    return Row(claim, paper_text, ours, scale(sat), "partly",
               f"layers 1–{reached.index.max()} saturate in order; the others not within the run", "02_saturation", values)


def fig3_softsign_less(sat: Run) -> Row:
    """Fig. 3 (bottom), §3.3: softsign's layers saturate less than tanh's, and together.

    Ours: the share of saturated units (derivative below 4% of its peak,
    :func:`glorot.probes.saturation_threshold`: tanh |z| > 0.98, softsign |z| > 0.8) per layer
    at the end, and the spread
    (last minus first, over layers) of the updates at which each layer's activation std reaches
    80% of its final value (:func:`glorot.experiments.saturation.settle_update`). Rule: softsign
    less saturated than tanh in every layer *and* its layers settling within a shorter spread:
    agrees; one of the two: partly; neither: not yet at paper scale (or differs at it)."""
    claim = "Fig. 3 (bottom), §3.3: softsign layers saturate less than tanh's, and together"
    paper_text = "saturate less, and all layers together"
    if isinstance(sat, Missing):
        return _missing(claim, paper_text, sat, "02_saturation")
    order = sat_analysis.saturation_order(sat["stats"], level=0.5)
    final = order.pivot(index="layer", columns="activation", values="final")
    settle = sat_analysis.settle_update(sat["stats"]).pivot(index="layer", columns="activation", values="update")
    spread = settle.max() - settle.min()
    less = bool((final["softsign"] < final["tanh"]).all())
    together = bool(spread["softsign"] < spread["tanh"])
    ours = (f"saturated units at the end, layers 1–{len(final)}: softsign "
            + ", ".join(f"{100 * v:.0f}" for v in final["softsign"]) + "%, tanh "
            + ", ".join(f"{100 * v:.0f}" for v in final["tanh"])
            + f"%; layers settle within {_short(spread['softsign'])} updates (softsign) vs {_short(spread['tanh'])} (tanh)")
    values = {"less": less, "together": together, "spread": spread.to_dict()}
    kind = "agrees" if less and together else "partly" if less or together else "differs"
    reason = {"agrees": "softsign is less saturated in every layer and its layers settle closer together",
              "partly": ("softsign is less saturated in every layer, but its layers do not settle closer together" if less
                         else "softsign's layers settle closer together, but it is not less saturated in every layer"),
              "differs": "softsign is neither less saturated in every layer nor more together"}[kind]
    if kind == "differs":  # a training claim not seen in a run below the paper's scale is not yet judged
        return _too_small(sat, claim, paper_text, ours, "02_saturation", reason, values)
    return Row(claim, paper_text, ours, scale(sat), kind, reason, "02_saturation", values)


def fig4_histograms(sat: Run) -> Row:
    """Fig. 4, §3.3: at the end of training tanh's lower layers sit at ±1; softsign's activations
    have modes at its knees, ±(0.6-0.8).

    Ours (:func:`glorot.experiments.saturation.histogram_modes` on the last histograms): tanh
    layer 1's share of values with |z| ≥ 0.95, and the mean |mode| of softsign's layers 1-4 away
    from the ends. Rule: tanh layer 1 mostly at the ends (share > 0.5) *and* softsign's mean
    |mode| within 0.05 of :data:`PAPER_FIG4_SOFTSIGN_MODES`: agrees; one of the two: partly;
    neither: not yet at paper scale (or differs at it)."""
    lo, hi = PAPER_FIG4_SOFTSIGN_MODES
    claim = "Fig. 4: at the end, tanh's lower layers sit at ±1, softsign's at its knees"
    paper_text = f"tanh: lower layers at ±1; softsign: modes at ±({lo:g}–{hi:g})"
    if isinstance(sat, Missing):
        return _missing(claim, paper_text, sat, "02_saturation", paper_modes=PAPER_FIG4_SOFTSIGN_MODES)
    hist = sat["hist"]
    modes = sat_analysis.histogram_modes(hist[hist["update"] == hist["update"].max()]).set_index(["activation", "layer"])
    tanh_ends = float(modes.loc[("tanh", 1), "share_at_ends"])
    soft = modes.loc["softsign"].loc[1:4]
    knee = float(np.nanmean(np.r_[np.abs(soft["mode_neg"]), np.abs(soft["mode_pos"])]))
    at_ends = tanh_ends > 0.5
    at_knees = lo - 0.05 <= knee <= hi + 0.05
    ours = (f"tanh layer 1: {100 * tanh_ends:.0f}% of values at |z| ≥ 0.95; softsign layers 1–4: modes at "
            f"±{np.abs(soft[['mode_neg', 'mode_pos']]).min().min():.2f}–{np.abs(soft[['mode_neg', 'mode_pos']]).max().max():.2f} "
            f"(mean {knee:.2f})")
    values = {"paper_modes": PAPER_FIG4_SOFTSIGN_MODES, "tanh_ends": tanh_ends, "softsign_knee": knee}
    kind = "agrees" if at_ends and at_knees else "partly" if at_ends or at_knees else "differs"
    reason = {"agrees": "tanh's first layer is at ±1 and softsign's modes are at the paper's knees",
              "partly": (f"tanh's first layer is at ±1, but softsign's modes (mean ±{knee:.2f}) lie outside the paper's ±({lo:g}–{hi:g})"
                         if at_ends else "softsign's modes are at the paper's knees, but tanh's first layer is not mostly at ±1"),
              "differs": "neither tanh's first layer at ±1 nor softsign's modes at the knees"}[kind]
    if kind == "differs":  # a training claim not seen in a run below the paper's scale is not yet judged
        return _too_small(sat, claim, paper_text, ours, "02_saturation", reason, values)
    return Row(claim, paper_text, ours, scale(sat), kind, reason, "02_saturation", values)


# --------------------------------------------------------------------------- §4.1: the cost (chapter 03)


def fig5_plateaus(surface: Run) -> Row:
    """Fig. 5, §4.1: the quadratic cost has more severe plateaus than the cross-entropy.

    Ours: the share of the (W1, W2) grid where the gradient's norm is below 0.01 (absolute), and
    below 10% of the surface's mean slope (scale-free), averaged over the random networks. Rule:
    the quadratic cost's share at least twice the cross-entropy's in both measures: agrees; larger
    in one: partly; in neither: differs."""
    claim = "Fig. 5, §4.1: the quadratic cost has more plateaus than the cross-entropy"
    paper_text = "“clearly more severe plateaus with the quadratic cost” (no number)"
    if isinstance(surface, Missing):
        return _missing(claim, paper_text, surface, "03_cost")
    mean = surface["plateaus"].groupby(["measure", "threshold", "cost_fn"])["flat_share"].mean()
    a_q, a_c = mean.loc[("absolute", 0.01, "quadratic")], mean.loc[("absolute", 0.01, "cross_entropy")]
    r_q, r_c = mean.loc[("relative", 0.1, "quadratic")], mean.loc[("relative", 0.1, "cross_entropy")]
    ours = (f"gradient below 0.01 on {_pct(a_q)} of the grid (quadratic) vs {_pct(a_c, 2)} (cross-entropy); "
            f"below 10% of the mean slope on {_pct(r_q)} vs {_pct(r_c, 2)}")
    values = {"absolute": (a_q, a_c), "relative": (r_q, r_c)}
    strong = int(a_q >= 2 * a_c) + int(r_q >= 2 * r_c)
    larger = int(a_q > a_c) + int(r_q > r_c)
    kind = "agrees" if strong == 2 else "partly" if larger >= 1 else "differs"
    reason = {"agrees": "the quadratic cost is flat on at least twice the cross-entropy's share of the grid, in both measures",
              "partly": "the quadratic cost is flatter in one measure only, or by less than a factor 2",
              "differs": "the quadratic cost is not flatter in either measure"}[kind]
    return Row(claim, paper_text, ours, scale(surface), kind, reason, "03_cost", values)


def cost_training(comparison: Run) -> Row:
    """§4.1: training with the cross-entropy (the log-likelihood) works better than with the
    quadratic cost.

    Ours: the test error of each cost at its learning rate chosen on validation error
    (:func:`glorot.experiments.cost.chosen_on_validation`), and the two-proportion z-test of the
    difference. Rule: cross-entropy lower with p < 0.005: agrees; lower but not significant:
    partly at the paper's scale, not yet at paper scale below it (:func:`_partial`); not lower:
    not yet at paper scale (or differs at it)."""
    claim = "§4.1: training with the cross-entropy works better than with the quadratic cost"
    paper_text = "the log-likelihood “worked much better” (no number)"
    if isinstance(comparison, Missing):
        return _missing(claim, paper_text, comparison, "03_cost")
    _, best = cost_analysis.chosen_on_validation(comparison["curves"])
    b = best.set_index("cost_fn")
    n = int(comparison.config["n_test"])
    ce, q = float(b.loc["cross_entropy", "test"]), float(b.loc["quadratic", "test"])
    _, p = stats.two_proportion_z_test(q, n, ce, n)
    ours = f"test error {_pct(ce)} (cross-entropy) vs {_pct(q)} (quadratic), z-test p = {p:.2g}"
    values = {"cross_entropy": ce, "quadratic": q, "p_value": p}
    if ce >= q:
        return _too_small(comparison, claim, paper_text, ours, "03_cost", "the cross-entropy is not better", values)
    if p < stats.ALPHA:
        return Row(claim, paper_text, ours, scale(comparison), "agrees",
                   f"the cross-entropy is better, significantly at p = {stats.ALPHA:g}", "03_cost", values)
    return _partial(comparison, claim, paper_text, ours, "03_cost",
                    f"the cross-entropy is better, but not significantly at p = {stats.ALPHA:g}", values)


# --------------------------------------------------------------------------- §4.2: initialization (chapter 04)


def variance_equations(variance: Run) -> Row:
    """§4.2, eqs. (5)-(6): in the linear regime, the variances of the activations and of the
    back-propagated gradients are the products the equations give.

    Ours: the largest relative gap between the measured variance and the product predicted from
    each layer's realised weight variance, over layers, quantities and both initializations.
    Rule: within :data:`MATCH_TOLERANCE`: agrees; within 2.5 times that: partly; else differs."""
    claim = "§4.2, eqs. (5)–(6): variances follow the products of n·Var[W] (linear regime)"
    paper_text = "Var[z] and Var[∂C/∂s] as in eqs. (5)–(6)"
    if isinstance(variance, Missing):
        return _missing(claim, paper_text, variance, "04_initialization")
    v = variance["variance"]
    worst = float((v["ratio"] - 1).abs().max())
    ours = f"measured within {100 * worst:.1f}% of the equations in all {len(v)} cells"
    kind = "agrees" if worst <= MATCH_TOLERANCE else "partly" if worst <= 2.5 * MATCH_TOLERANCE else "differs"
    reason = {"agrees": f"every measured variance is within {100 * MATCH_TOLERANCE:.0f}% of the equation",
              "partly": f"the largest gap, {100 * worst:.0f}%, is over {100 * MATCH_TOLERANCE:.0f}%",
              "differs": f"the largest gap is {100 * worst:.0f}%"}[kind]
    return Row(claim, paper_text, ours, scale(variance), kind, reason, "04_initialization", {"worst_gap": worst})


def _per_layer_factor(variance: pd.DataFrame, quantity: str, depth: int) -> pd.Series:
    """Per initialization, the factor by which ``quantity``'s variance changes per layer going up
    (from layer 1 to layer ``depth``, geometric mean)."""
    wide = variance[variance["quantity"] == quantity].pivot_table(index="init", columns="layer", values="measured")
    return (wide[depth] / wide[1]) ** (1 / (depth - 1))


def _factor_row(variance: Run, quantity: str, claim: str, paper_text: str, upward: bool) -> Row:
    if isinstance(variance, Missing):
        return _missing(claim, paper_text, variance, "04_initialization", **{f"paper_{k}": v for k, v in PAPER_N_VAR_W.items()})
    f = _per_layer_factor(variance["variance"], quantity, int(variance.config["depth"]))
    if not upward:
        f = 1 / f  # the factor per layer going down, toward the input
    direction = "per layer up" if upward else "per layer down, toward the input"
    ours = f"×{f['standard']:.3f} {direction} (standard), ×{f['normalized']:.3f} (normalized)"
    ok = {k: abs(f[k] - PAPER_N_VAR_W[k]) <= MATCH_TOLERANCE * PAPER_N_VAR_W[k] for k in PAPER_N_VAR_W}
    kind = "agrees" if all(ok.values()) else "partly" if any(ok.values()) else "differs"
    reason = {"agrees": f"both factors are within {100 * MATCH_TOLERANCE:.0f}% of 1/3 and 1",
              "partly": "only the " + " and ".join(k for k, v in ok.items() if v) + f" factor is within {100 * MATCH_TOLERANCE:.0f}%",
              "differs": f"neither factor is within {100 * MATCH_TOLERANCE:.0f}% of the equation's"}[kind]
    values = {f"paper_{k}": v for k, v in PAPER_N_VAR_W.items()} | {k: float(f[k]) for k in PAPER_N_VAR_W}
    return Row(claim, paper_text, ours, scale(variance), kind, reason, "04_initialization", values)


def activation_variance(variance: Run) -> Row:
    """Eqs. (5), (15), (16): going up one layer multiplies Var[z] by n·Var[W]: 1/3 with the
    standard initialization, 1 with the normalized one (it keeps the variance across layers).

    Rule: both measured factors within :data:`MATCH_TOLERANCE` (relative) of 1/3 and 1: agrees;
    one: partly; neither: differs."""
    return _factor_row(variance, "Var[z] (eq. 5)",
                       "Eqs. (5), (15)–(16): activation variance per layer, standard vs normalized init",
                       "×1/3 per layer (standard, eq. 15); ×1, kept (normalized, eq. 16)", upward=True)


def gradient_variance(variance: Run) -> Row:
    """Eqs. (6), (15), (16): going down one layer multiplies Var[∂C/∂s] by n·Var[W]: 1/3 with the
    standard initialization (gradients shrink toward the input), 1 with the normalized one.

    Rule: as :func:`activation_variance`."""
    return _factor_row(variance, "Var[dC/ds] (eq. 6)",
                       "Eqs. (6), (15)–(16): back-propagated gradient variance per layer toward the input",
                       "×1/3 per layer down (standard: shrinks); ×1 (normalized)", upward=False)


def _layer_std(init_run: Result, quantity: str) -> pd.DataFrame:
    from . import probes

    summary = probes.histogram_summary(init_run["hist"], init_run["stats"])
    s = summary[summary["quantity"] == quantity]
    return s.pivot_table(index="layer", columns="init", values=["std", "peak_density"])


def _shrink_row(init_run: Run, quantity: str, claim: str, paper_text: str, paper_peaks: dict, peak_layer: str) -> Row:
    """Figs. 6-7: the std grows (or shrinks) by :data:`RATIO_SHRINKS` across layers with the
    standard init, and stays within :data:`RATIO_ALIKE` with the normalized one."""
    if isinstance(init_run, Missing):
        return _missing(claim, paper_text, init_run, "04_initialization", **{f"paper_peak_{k}": v for k, v in paper_peaks.items()})
    t = _layer_std(init_run, quantity)
    std = t["std"]
    ratio = std.max() / std.min()
    top = int(std.index.max())
    std_layer = top if peak_layer == "top" else 1
    peak_std = float(t["peak_density"]["standard"].loc[std_layer])
    ours = (f"std from layer 1 to {top}: {std['standard'].iloc[0]:.3g} → {std['standard'].iloc[-1]:.3g} (standard, "
            f"×{ratio['standard']:.1f} across layers), {std['normalized'].iloc[0]:.3g} → {std['normalized'].iloc[-1]:.3g} "
            f"(normalized, ×{ratio['normalized']:.2f}); peak density layer {std_layer} standard {peak_std:.3g}, normalized "
            f"{t['peak_density']['normalized'].min():.2g}–{t['peak_density']['normalized'].max():.2g}")
    direction = std["standard"].iloc[-1] < std["standard"].iloc[0]
    want_down = quantity == "activation"  # activations shrink going up; gradients shrink going down (grow going up)
    changes = ratio["standard"] >= RATIO_SHRINKS and direction == want_down
    alike = ratio["normalized"] <= RATIO_ALIKE
    values = {f"paper_peak_{k}": v for k, v in paper_peaks.items()} | {"ratio_standard": float(ratio["standard"]),
                                                                       "ratio_normalized": float(ratio["normalized"])}
    if changes and alike:
        kind, reason = "agrees", "the standard init's std changes across layers by a factor over 3, the normalized one's stays within 1.5"
    elif changes and ratio["normalized"] < ratio["standard"] / 2:
        kind, reason = "partly", (f"the standard init's std changes ×{ratio['standard']:.1f} across layers; the normalized one's "
                                  f"far less, but still ×{ratio['normalized']:.2f} (paper: alike)")
    else:
        kind, reason = "differs", "the standard and normalized inits do not differ across layers as the paper shows"
    return Row(claim, paper_text, ours, scale(init_run), kind, reason, "04_initialization", values)


def fig6_activations(init_run: Run) -> Row:
    """Fig. 6: tanh activations at initialization: with the standard init the peak at 0 grows
    with the layer (the std shrinks going up); with the normalized init all layers look alike.

    Ours (:func:`glorot.probes.histogram_summary`): the std of each layer's activations, and the
    histogram peaks. Rule: standard std changes by at least :data:`RATIO_SHRINKS` from layer to
    layer in the right direction and normalized within :data:`RATIO_ALIKE`: agrees; standard so
    and normalized's change under half the standard's: partly; else differs."""
    return _shrink_row(init_run, "activation", "Fig. 6: tanh activations at initialization, layer by layer",
                       f"standard: 0-peak grows with the layer (layer 5 ≈ {PAPER_FIG6_PEAKS['standard']:g}); "
                       f"normalized: alike (≈ {PAPER_FIG6_PEAKS['normalized']:g})", PAPER_FIG6_PEAKS, "top")


def fig7_backprop(init_run: Run) -> Row:
    """Fig. 7: back-propagated gradients at initialization: with the standard init they shrink
    toward the input (the 0-peak is highest at layer 1); with the normalized init alike.

    Rule: as :func:`fig6_activations`, with the std growing going up."""
    return _shrink_row(init_run, "backprop_grad", "Fig. 7: back-propagated gradients at initialization, layer by layer",
                       f"standard: shrink toward the input (layer-1 peak ≈ {PAPER_FIG7_PEAKS['standard']:g}); "
                       f"normalized: alike (≈ {PAPER_FIG7_PEAKS['normalized']:g})", PAPER_FIG7_PEAKS, "first")


def fig8_weight_gradients(init_run: Run) -> Row:
    """Fig. 8, eq. (14): the weight gradients at initialization do not shrink with depth, whatever
    the initialization.

    Ours: the largest over the smallest std across layers, per initialization. Rule: both within
    1.25: agrees; both within :data:`RATIO_ALIKE`: partly; else differs."""
    claim = "Fig. 8, eq. (14): weight gradients at initialization are alike across layers"
    paper_text = "about the same variance in every layer, with either init"
    if isinstance(init_run, Missing):
        return _missing(claim, paper_text, init_run, "04_initialization")
    std = _layer_std(init_run, "weight_grad")["std"]
    ratio = std.max() / std.min()
    ours = f"largest / smallest std over layers: {ratio['standard']:.2f} (standard), {ratio['normalized']:.2f} (normalized)"
    worst = float(ratio.max())
    kind = "agrees" if worst <= 1.25 else "partly" if worst <= RATIO_ALIKE else "differs"
    reason = {"agrees": "the std varies by under 25% across layers for both inits",
              "partly": f"the std varies by up to {100 * (worst - 1):.0f}% across layers",
              "differs": f"the std varies by a factor {worst:.1f} across layers"}[kind]
    return Row(claim, paper_text, ours, scale(init_run), kind, reason, "04_initialization",
               {"ratio_standard": float(ratio["standard"]), "ratio_normalized": float(ratio["normalized"])})


def jacobian(init_run: Run, init: str) -> Row:
    """Eq. (17), §4.2.2: the layer Jacobians' average singular value, about 0.5 with the standard
    initialization and 0.8 with the normalized one (:data:`PAPER_JACOBIAN`).

    Ours: the mean singular value of J = ∂z^(i+1)/∂z^i over layers and examples, tanh network.
    Rule: within :data:`JACOBIAN_AGREE` of the paper's value (its one digit) agrees, within
    :data:`JACOBIAN_PARTLY` partly, else differs."""
    want = PAPER_JACOBIAN[init]
    claim = f"Eq. (17): mean singular value of the layer Jacobians, {init} init"
    paper_text = f"≈ {want:g}"
    if isinstance(init_run, Missing):
        return _missing(claim, paper_text, init_run, "04_initialization", paper=want)
    jac = init_run["jacobian"]
    ours_v = float(jac[jac["init"] == init]["mean_singular_value"].mean())
    gap = abs(ours_v - want)
    kind = "agrees" if gap <= JACOBIAN_AGREE else "partly" if gap <= JACOBIAN_PARTLY else "differs"
    reason = f"ours is {abs(ours_v - want):.3f} {'below' if ours_v < want else 'above'} the paper's ≈ {want:g}" + {"agrees": ", within its last digit",
                                                                           "partly": ", more than its last digit (0.05)",
                                                                           "differs": ", more than 0.1"}[kind]
    return Row(claim, paper_text, f"{ours_v:.3f} (tanh, over {jac['layer'].nunique()} layers × {jac['example'].nunique()} examples)",
               scale(init_run), kind, reason, "04_initialization", {"paper": want, "ours": ours_v})


# --------------------------------------------------------------------------- §4.3: learning dynamics (chapter 05)


def reversal(grad: Run) -> Row:
    """§4.3: with the standard init, the shrinking of the back-propagated gradients toward the
    input "is reversed very quickly during learning".

    Ours (:func:`glorot.experiments.gradients.reversal_update`): the per-layer growth factor of
    Var[∂C/∂s] at initialization, and the first probe at which it is below 1 (reversed) or below
    1.5 (mostly gone). Rule: reversed within the run: agrees; only below 1.5: partly; neither:
    not yet at paper scale (or differs at it). "Very quickly" is not quantified in the paper."""
    claim = "§4.3: with the standard init, the shrinking toward the input reverses quickly in training"
    paper_text = "“reversed very quickly during learning” (no number)"
    if isinstance(grad, Missing):
        return _missing(claim, paper_text, grad, "05_learning_dynamics")
    rev = grad_analysis.reversal_update(grad_analysis.gradient_ratio(grad["stats"])).set_index("init").loc["standard"]
    ours = (f"Var[∂C/∂s] ×{rev['factor_at_0']:.2f} per layer up at initialization; below ×1.5 {_when(rev['flat_update'])}, "
            f"below ×1 (reversed) {_when(rev['reversed_update'])}")
    values = {"factor_at_0": rev["factor_at_0"], "reversed_epoch": rev["reversed_update"] / UPDATES_PER_EPOCH}
    if pd.notna(rev["reversed_update"]):
        return Row(claim, paper_text, ours, scale(grad), "agrees", f"the trend reverses {_when(rev['reversed_update'])}",
                   "05_learning_dynamics", values)
    if pd.notna(rev["flat_update"]):
        return Row(claim, paper_text, ours, scale(grad), "partly",
                   f"the trend flattens (below ×1.5) {_when(rev['flat_update'])} but does not reverse within the run",
                   "05_learning_dynamics", values)
    return _too_small(grad, claim, paper_text, ours, "05_learning_dynamics", "the trend neither flattens nor reverses", values)


def fig9_weight_gradients(grad: Run) -> Row:
    """Fig. 9, §4.3: during training the weight gradients keep the same variance across layers
    with the normalized init; with the standard init they spread apart, larger in the lower layers.

    Ours: the ratio of the largest to the smallest weight-gradient std over layers (median over the
    probes after the first ``early_updates``), and how often layer 1's std is the widest
    (standard; :func:`glorot.experiments.gradients.order_summary`). Three checks: normalized
    spread ≤ 1.25; standard spread ≥ 1.5 × the normalized one; standard layer 1 widest at most
    probes after initialization. Rule: all three: agrees; one or two: partly; none: not yet at
    paper scale (or differs at it)."""
    claim = "Fig. 9, §4.3: weight gradients in training: alike across layers with normalized init only"
    paper_text = "normalized: same variance across layers; standard: spread apart, larger in lower layers"
    if isinstance(grad, Missing):
        return _missing(claim, paper_text, grad, "05_learning_dynamics")
    wg = grad["stats"][grad["stats"]["quantity"] == "weight_grad"]
    wide = wg.pivot_table(index=["init", "update"], columns="layer", values="std")
    spread = wide.max(axis=1) / wide.min(axis=1)
    early = grad.config.get("early_updates") or 0
    med = spread[spread.index.get_level_values("update") > early].groupby("init").median()
    order = grad_analysis.order_summary(grad_analysis.weight_grad_order(grad["stats"])).set_index("init").loc["standard"]
    checks = {"normalized alike": bool(med["normalized"] <= 1.25),
              "standard spread apart": bool(med["standard"] >= 1.5 * med["normalized"]),
              "standard widest in layer 1": bool(order["layer1_widest_share"] > 0.5)}
    ours = (f"largest / smallest std over layers (median over training): {med['standard']:.2f} (standard), "
            f"{med['normalized']:.2f} (normalized); standard: layer 1 widest at {100 * order['layer1_widest_share']:.0f}% "
            f"of the probes (most often layer {order['most_often_widest']})")
    values = {"spread_standard": float(med["standard"]), "spread_normalized": float(med["normalized"])} | checks
    held = [k for k, v in checks.items() if v]
    if len(held) == len(checks):
        return Row(claim, paper_text, ours, scale(grad), "agrees", "all three of the paper's observations hold", "05_learning_dynamics", values)
    if held:
        return Row(claim, paper_text, ours, scale(grad), "partly", f"{' and '.join(held)}, but not "
                   + " or ".join(k for k in checks if k not in held), "05_learning_dynamics", values)
    return _too_small(grad, claim, paper_text, ours, "05_learning_dynamics",
                      "none of the paper's three observations holds (normalized alike, standard spread apart, larger in layer 1)", values)


def fig10_normalized_tanh(grad: Run) -> Row:
    """Fig. 10, §4.3: tanh with the normalized init evolves like softsign: its layers move
    together, without the standard init's layer-by-layer saturation.

    Ours: the spread over layers of the update at which each layer's activation std reaches 80% of
    its final value (together: normalized's spread under the standard one's), and the number of
    layers with most units saturated at the end (less saturation: fewer than with the standard
    init). Rule: both: agrees; one: partly; neither: not yet at paper scale (or differs at it)."""
    claim = "Fig. 10: tanh with normalized init moves its layers together, like softsign"
    paper_text = "no layer-by-layer saturation; layers together"
    if isinstance(grad, Missing):
        return _missing(claim, paper_text, grad, "05_learning_dynamics")
    act = grad["stats"][grad["stats"]["quantity"] == "activation"]
    settle = sat_analysis.settle_update(act, by=("init",)).pivot(index="layer", columns="init", values="update")
    spread = settle.max() - settle.min()
    final = sat_analysis.saturation_order(act, level=0.5, by=("init",)).pivot(index="layer", columns="init", values="final")
    n_sat = (final > 0.5).sum()
    together = bool(spread["normalized"] < spread["standard"])
    less = bool(n_sat["normalized"] < n_sat["standard"])
    ours = (f"layers settle within {_short(spread['normalized'])} updates (normalized) vs {_short(spread['standard'])} "
            f"(standard); layers mostly saturated at the end: {n_sat['normalized']} (normalized) vs {n_sat['standard']} (standard)")
    values = {"together": together, "less_saturated": less}
    kind = "agrees" if together and less else "partly" if together or less else "differs"
    reason = {"agrees": "the normalized network's layers settle together and saturate less",
              "partly": ("the normalized network's layers settle together, but it does not saturate less" if together
                         else "the normalized network saturates less, but its layers do not settle together"),
              "differs": "its layers neither settle together nor saturate less"}[kind]
    if kind == "differs":  # a training claim not seen in a run below the paper's scale is not yet judged
        return _too_small(grad, claim, paper_text, ours, "05_learning_dynamics", reason, values)
    return Row(claim, paper_text, ours, scale(grad), kind, reason, "05_learning_dynamics", values)


# --------------------------------------------------------------------------- §5: error curves and Table 1 (chapters 06-08)


def _kendall_tau(a: list, b: list) -> float:
    """Kendall's rank correlation between two orderings of the same items (1: identical)."""
    pos = {k: i for i, k in enumerate(b)}
    n, s = len(a), 0
    for i in range(n):
        for j in range(i + 1, n):
            s += 1 if pos[a[i]] < pos[a[j]] else -1
    return s / (n * (n - 1) / 2) if n > 1 else 1.0


def _differences(ours: list, ref: list, labels: dict) -> str:
    """Where ordering ``ours`` departs from ``ref``, in words: neighbours that swap places, then
    any other item that is out of place."""
    ours = [k for k in ours if k in ref]
    swaps, other, i = [], [], 0
    while i < len(ours):
        if ours[i] == ref[i]:
            i += 1
        elif i + 1 < len(ours) and ours[i] == ref[i + 1] and ours[i + 1] == ref[i]:
            swaps.append(f"{labels[ref[i]]} and {labels[ref[i + 1]]} swap places")
            i += 2
        else:
            other.append(labels[ours[i]])
            i += 1
    parts = swaps + ([f"{', '.join(other)} {'is' if len(other) == 1 else 'are'} out of place"] if other else [])
    return "; ".join(parts) if parts else "the same order"


def _means(final: pd.DataFrame) -> pd.DataFrame:
    return final.groupby("config")["test_error"].agg(["mean", "std", "count"])


def fig11_order(shapeset: Run) -> Row:
    """Fig. 11: the seven configurations end in the paper's order (decreasing final error):
    Sigmoid depth 5, Sigmoid depth 4, Tanh, Softsign, Softsign N, Tanh N, Pre-training.

    Ours: the configurations sorted by their seed-mean final test error, and Kendall's τ against
    the paper's order (:data:`glorot.paper.PAPER_FIG11_FINAL`). Rule: τ = 1: agrees; τ ≥ 0.6:
    partly; lower: not yet at paper scale (or differs at it)."""
    paper_order = sorted(paper.PAPER_FIG11_FINAL, key=paper.PAPER_FIG11_FINAL.get, reverse=True)
    labels = {k: c.label for k, c in paper.CONFIGURATIONS.items()}
    claim = "Fig. 11: the configurations' final test errors, in the paper's order"
    paper_text = ", ".join(f"{labels[k]} {'≈' if k in paper.PAPER_FIG11_READ_OFF else ''}{paper.PAPER_FIG11_FINAL[k]:g}"
                           for k in paper_order) + " (%)"
    if isinstance(shapeset, Missing):
        return _missing(claim, paper_text, shapeset, "06_error_curves", paper_final=dict(paper.PAPER_FIG11_FINAL))
    m = _means(shapeset["final"])["mean"].dropna()
    ours_order = list(m.sort_values(ascending=False).index)
    common = [k for k in paper_order if k in m.index]
    tau = _kendall_tau([k for k in ours_order if k in common], common)
    ours = ", ".join(f"{labels[k]} {100 * m[k]:.1f}" for k in ours_order) + f" (%); Kendall τ = {tau:.2f}"
    values = {"paper_final": dict(paper.PAPER_FIG11_FINAL), "tau": tau, "ours": (100 * m).to_dict()}
    if tau == 1:
        return Row(claim, paper_text, ours, scale(shapeset), "agrees", "the same order as the paper's", "06_error_curves", values)
    if tau >= 0.6:
        return _partial(shapeset, claim, paper_text, ours, "06_error_curves",
                        f"close to the paper's order (τ = {tau:.2f}): {_differences(ours_order, common, labels)}", values)
    return _too_small(shapeset, claim, paper_text, ours, "06_error_curves", f"the order is far from the paper's (τ = {tau:.2f})", values)


def fig11_sigmoid4(shapeset: Run) -> Row:
    """Fig. 11: the depth-4 sigmoid network breaks away from the plateau where the depth-5 one
    stays (ending near 35%, read off the figure).

    Ours: the two seed-mean final errors and the z-test of their difference. Rule: depth 4
    significantly below depth 5 (p < 0.005): agrees if within 10 points of the paper's ≈35%, else
    partly; not below: not yet at paper scale when the run ends before the paper's break-away
    (:data:`PAPER_FIG11_SIGMOID4_BREAK_EXAMPLES` examples), else differs."""
    claim = "Fig. 11: Sigmoid depth 4 breaks away from the plateau; depth 5 stays on it"
    want4, want5 = paper.PAPER_FIG11_FINAL["sigmoid-4"], paper.PAPER_FIG11_FINAL["sigmoid-5"]
    paper_text = f"depth 4 ≈{want4:g}% (breaks away near 0.7e7 examples), depth 5 {want5:g}%"
    if isinstance(shapeset, Missing):
        return _missing(claim, paper_text, shapeset, "06_error_curves", paper_sigmoid4=want4, paper_sigmoid5=want5)
    final = shapeset["final"]
    m, n = _means(final)["mean"], final.groupby("config")["n_test"].first()
    _, p = stats.two_proportion_z_test(m["sigmoid-4"], int(n["sigmoid-4"]), m["sigmoid-5"], int(n["sigmoid-5"]))
    ours = f"depth 4 {_pct(m['sigmoid-4'])}, depth 5 {_pct(m['sigmoid-5'])} (z-test p = {p:.2g})"
    values = {"paper_sigmoid4": want4, "paper_sigmoid5": want5, "sigmoid4": m["sigmoid-4"], "sigmoid5": m["sigmoid-5"]}
    if m["sigmoid-4"] < m["sigmoid-5"] and p < stats.ALPHA:
        if abs(100 * m["sigmoid-4"] - want4) <= 10:
            return Row(claim, paper_text, ours, scale(shapeset), "agrees", "depth 4 leaves the plateau and ends near the paper's level",
                       "06_error_curves", values)
        return Row(claim, paper_text, ours, scale(shapeset), "partly", "depth 4 leaves the plateau, but ends far from the paper's ≈35%",
                   "06_error_curves", values)
    examples = 10 * shapeset.config["updates"]
    if examples < PAPER_FIG11_SIGMOID4_BREAK_EXAMPLES:
        return Row(claim, paper_text, ours, scale(shapeset), "not yet at paper scale",
                   f"depth 4 is still on the plateau after {examples:.1e} examples; the paper's breaks away near 7e+06",
                   "06_error_curves", values)
    return Row(claim, paper_text, ours, scale(shapeset), "differs", "depth 4 does not leave the plateau", "06_error_curves", values)


def table1_cell(shapeset: Run, row: str, dataset: str = "shapeset", page: str = "07_table1") -> Row:
    """Table 1, one cell: the test error (%) of configuration ``row`` on ``dataset``.

    Ours: the mean ± sd over seeds of the final test error at the chosen learning rate
    (:func:`glorot.experiments.error_curves.table1`), and the two-proportion z-test of ours
    against the paper's value (n = our test-set size for both). Rule: not significantly
    different at p = 0.005: agrees; different: not yet at paper scale (or differs at it)."""
    want = paper.PAPER_TABLE1[row][dataset]
    bold = paper.PAPER_TABLE1_BOLD[row][dataset]
    claim = f"Table 1, {paper.TABLE1_COLUMNS[dataset]}, {paper.TABLE1_ROWS[row]}"
    paper_text = f"{want:g}%" + (" (bold)" if bold else "")
    if isinstance(shapeset, Missing):
        return _missing(claim, paper_text, shapeset, page, paper=want)
    table = ec_analysis.table1({dataset: shapeset["final"]}).set_index("row")
    rec = table.loc[row]
    if rec["n_seeds"] == 0:
        return _too_small(shapeset, claim, paper_text, "no seed finished (diverged)", page, "every seed diverged", {"paper": want})
    mean = float(rec["mean"])
    _, p = stats.two_proportion_z_test(mean, int(rec["n_test"]), want / 100, int(rec["n_test"]))
    sd = "" if pd.isna(rec["sd"]) else f" ± {100 * rec['sd']:.1f}"
    ours = f"{100 * mean:.1f}{sd}%" + (" (bold)" if rec["bold"] else "")
    values = {"paper": want, "ours": 100 * mean, "p_value": p}
    if p >= stats.ALPHA:
        return Row(claim, paper_text, ours, scale(shapeset), "agrees",
                   f"not significantly different from the paper's (z-test p = {p:.2g})", page, values)
    return _too_small(shapeset, claim, paper_text, ours, page,
                      f"{100 * mean - want:+.1f} points from the paper's (z-test p = {p:.2g})", values)


def table1_orderings(shapeset: Run, dataset: str = "shapeset", page: str = "07_table1") -> Row:
    """§5 / Table 1: the paper's orderings on one column: Tanh N < Tanh, Softsign < Tanh,
    Softsign N < Tanh, Sigmoid worst (:func:`glorot.experiments.error_curves.orderings`).

    Rule: all hold and are significant at p = 0.005: agrees; all hold: partly; some do not hold:
    partly if most hold, else not yet at paper scale (or differs at it)."""
    claim = f"§5, Table 1 ({paper.TABLE1_COLUMNS[dataset]}): Tanh N, Softsign, Softsign N better than Tanh; Sigmoid worst"
    cells = paper.PAPER_TABLE1
    paper_text = (f"Tanh N {cells['tanh-N'][dataset]:g} < Tanh {cells['tanh'][dataset]:g}; Softsign {cells['softsign'][dataset]:g}, "
                  f"Softsign N {cells['softsign-N'][dataset]:g} < Tanh; Sigmoid {cells['sigmoid-5'][dataset]:g} worst (%)")
    if isinstance(shapeset, Missing):
        return _missing(claim, paper_text, shapeset, page)
    checks = ec_analysis.orderings(shapeset["final"]).set_index("claim")
    holds = checks["holds"].fillna(False).astype(bool)
    sig = checks["significant"].fillna(False).astype(bool)
    ours = "; ".join(f"{c}: {'holds' if holds[c] else 'does not hold'}{' (p < 0.005)' if holds[c] and sig[c] else ''}"
                     for c in checks.index)
    values = {"holds": int(holds.sum()), "significant": int((holds & sig).sum()), "of": len(checks)}
    if holds.all() and sig.all():
        return Row(claim, paper_text, ours, scale(shapeset), "agrees", "every ordering holds, significantly", page, values)
    if holds.all():
        return _partial(shapeset, claim, paper_text, ours, page,
                        f"every ordering holds, {int(sig.sum())} of {len(checks)} significantly", values)
    if holds.sum() > len(checks) / 2:
        return _partial(shapeset, claim, paper_text, ours, page, f"{int(holds.sum())} of {len(checks)} orderings hold", values)
    return _too_small(shapeset, claim, paper_text, ours, page, f"only {int(holds.sum())} of {len(checks)} orderings hold", values)


def svm_baseline(svm: Run) -> Row:
    """§5: on the same 100,000 Shapeset examples an RBF SVM errs on 59.47%, the depth-5 tanh
    network with normalized init on 50.47% (:data:`glorot.paper.PAPER_SVM`).

    Ours: both test errors on our (smaller) sample and the z-test of their difference. Rule: the
    network significantly better: agrees; better but not significantly: partly; not better: not
    yet at paper scale (or differs at it)."""
    claim = "§5: an RBF SVM against the depth-5 tanh N network on the same Shapeset sample"
    paper_text = f"SVM {paper.PAPER_SVM['svm']:g}%, network {paper.PAPER_SVM['tanh-N']:g}% ({paper.PAPER_SVM['n_train']:,} examples)"
    if isinstance(svm, Missing):
        return _missing(claim, paper_text, svm, "08_finite_datasets", paper_svm=paper.PAPER_SVM["svm"], paper_net=paper.PAPER_SVM["tanh-N"])
    s = svm["summary"]
    s_svm, s_net = s.iloc[0], s.iloc[1]
    _, p = stats.two_proportion_z_test(s_svm["test_error"], int(s_svm["n_test"]), s_net["test_error"], int(s_net["n_test"]))
    ours = f"SVM {_pct(s_svm['test_error'])}, network {_pct(s_net['test_error'])} (z-test p = {p:.2g})"
    values = {"paper_svm": paper.PAPER_SVM["svm"], "paper_net": paper.PAPER_SVM["tanh-N"], "svm": s_svm["test_error"],
              "net": s_net["test_error"], "p_value": p}
    if s_net["test_error"] < s_svm["test_error"]:
        if p < stats.ALPHA:
            return Row(claim, paper_text, ours, scale(svm), "agrees", "the network is better, significantly", "08_finite_datasets", values)
        return _partial(svm, claim, paper_text, ours, "08_finite_datasets",
                        f"the network is better, but not significantly at p = {stats.ALPHA:g}", values)
    return _too_small(svm, claim, paper_text, ours, "08_finite_datasets", "the network is not better than the SVM", values)


def mnist_substitute(sub: Run) -> Row:
    """The 5,000-image MNIST subset (``mnist-5k``), a labelled substitute for the paper's MNIST
    (not in the paper): does Table 1's MNIST ordering (Sigmoid clearly worst, the others close
    together) hold on it?

    Rule: Sigmoid worst, significantly at p = 0.005: partly (at most partly: the subset's errors
    are not comparable with the paper's); not worst or not significant: not yet at paper scale."""
    cells = {k: v["mnist"] for k, v in paper.PAPER_TABLE1.items()}
    others = [v for k, v in cells.items() if k != "sigmoid-5"]
    claim = "Table 1, MNIST ordering, on the mnist-5k subset (a substitute, not the paper's MNIST)"
    paper_text = f"MNIST: Sigmoid {cells['sigmoid-5']:g}% worst, the others {min(others):g}–{max(others):g}%"
    if isinstance(sub, Missing):
        return _missing(claim, paper_text, sub, "08_finite_datasets", paper=cells)
    m = _means(sub["final"])["mean"]
    checks = ec_analysis.orderings(sub["final"]).set_index("claim")
    worst = checks.loc["Sigmoid worst"] if "Sigmoid worst" in checks.index else None
    rest = m.drop("sigmoid-5", errors="ignore")
    ours = f"Sigmoid {_pct(m['sigmoid-5'])}, the others {_pct(rest.min())}–{_pct(rest.max())}"
    values = {"paper": cells, "sigmoid": m.get("sigmoid-5"), "others": (rest.min(), rest.max())}
    if worst is not None and worst["holds"] and worst["significant"]:
        return _partial(sub, claim, paper_text, ours, "08_finite_datasets",
                        "Sigmoid is clearly worst, as on the paper's MNIST; the levels of a 5,000-image subset are not comparable",
                        values)
    return Row(claim, paper_text, ours, scale(sub), "not yet at paper scale",
               "Sigmoid is not significantly worst on this small subset", "08_finite_datasets", values)


def finite_column(run: Run, dataset: str) -> Row:
    """Table 1 / Fig. 12, one finite dataset's column (MNIST, CIFAR-10, Small-ImageNet).

    Rule: every one of the five cells not significantly different from the paper's (z-test,
    p = 0.005, n = our test-set size): agrees; else partly if Sigmoid is significantly worst, as in
    every column of the paper; else not yet at paper scale (or differs at it)."""
    cells = {k: v[dataset] for k, v in paper.PAPER_TABLE1.items()}
    name = paper.TABLE1_COLUMNS[dataset]
    claim = f"Table 1 and Fig. 12, {name} column (five configurations)"
    paper_text = ", ".join(f"{paper.TABLE1_ROWS[k]} {v:g}" for k, v in cells.items()) + " (%)"
    if isinstance(run, Missing):
        return _missing(claim, paper_text, run, "08_finite_datasets", paper=cells)
    table = ec_analysis.table1({dataset: run["final"]}).set_index("row")
    ps = {k: stats.two_proportion_z_test(float(table.loc[k, "mean"]), int(table.loc[k, "n_test"]), cells[k] / 100,
                                         int(table.loc[k, "n_test"]))[1] for k in cells if table.loc[k, "n_seeds"] > 0}
    ours = ", ".join(f"{paper.TABLE1_ROWS[k]} {100 * table.loc[k, 'mean']:.2f}" for k in cells if k in ps) + " (%)"
    values = {"paper": cells, "ours": {k: 100 * table.loc[k, "mean"] for k in ps}}
    if len(ps) == len(cells) and all(p >= stats.ALPHA for p in ps.values()):
        return Row(claim, paper_text, ours, scale(run), "agrees", "no cell differs significantly from the paper's", "08_finite_datasets", values)
    checks = ec_analysis.orderings(run["final"]).set_index("claim")
    if "Sigmoid worst" in checks.index and checks.loc["Sigmoid worst", "holds"] and checks.loc["Sigmoid worst", "significant"]:
        return Row(claim, paper_text, ours, scale(run), "partly", "Sigmoid is significantly worst, but some cells differ from the paper's",
                   "08_finite_datasets", values)
    return _too_small(run, claim, paper_text, ours, "08_finite_datasets", "cells differ from the paper's", values)


# --------------------------------------------------------------------------- the card


ROWS = (
    ("sigmoid", fig2_top_layer_falls), ("sigmoid", fig2_depth4_escapes),
    ("saturation", fig3_tanh_sequence), ("saturation", fig3_softsign_less), ("saturation", fig4_histograms),
    ("cost_surface", fig5_plateaus), ("cost_comparison", cost_training),
    ("variance", variance_equations), ("variance", activation_variance), ("variance", gradient_variance),
    ("init", fig6_activations), ("init", fig7_backprop), ("init", fig8_weight_gradients),
    ("init", lambda run: jacobian(run, "standard")), ("init", lambda run: jacobian(run, "normalized")),
    ("gradients", reversal), ("gradients", fig9_weight_gradients), ("gradients", fig10_normalized_tanh),
    ("shapeset", fig11_order), ("shapeset", fig11_sigmoid4),
    *(("shapeset", lambda run, row=row: table1_cell(run, row)) for row in paper.TABLE1_ROWS),
    ("shapeset", table1_orderings), ("svm", svm_baseline), ("mnist-5k", mnist_substitute),
    *((ds, lambda run, ds=ds: finite_column(run, ds)) for ds in ("mnist", "cifar10", "small-imagenet")),
)
"""The scorecard's rows in the paper's order: (the run of :data:`RUNS` it reads, the function
that makes the row)."""


def rows(runs: dict[str, Run]) -> list[Row]:
    """Every row of the scorecard (:data:`ROWS`), from :func:`load_runs`'s runs, each with
    ``below_paper`` set from its run."""
    out = []
    for role, make in ROWS:
        run = runs[role]
        row = make(run)
        out.append(replace(row, below_paper=None if isinstance(run, Missing) else below_paper_scale(run)))
    return out


def scale_sentence(card: list[Row]) -> str:
    """How many rows were measured below the paper's scale, in one sentence."""
    measured = [r for r in card if r.below_paper is not None]
    if not measured:
        return "No row has an archived run to read at this profile."
    below = sum(r.below_paper for r in measured)
    full = len(measured) - below
    return (f"Of the {len(measured)} rows read from an archived run, {below} were measured below the paper's scale "
            f"(narrower, shorter or on fewer examples: their scale column says how far)"
            + (f" and {full} at it." if full else "."))


def _cell(text: str) -> str:
    """``text`` made safe for one cell of a Markdown table (a ``|`` would end the cell)."""
    return text.replace("|", "\\|")


def frame(card: list[Row]) -> pd.DataFrame:
    """The scorecard as the page's table, short enough to scan: number, claim (with a ``{doc}``
    link to the chapter that shows it), paper, ours, the verdict's kind in bold and the scale.
    The reason for each verdict is :func:`reasons_markdown`, listed under the table."""
    return pd.DataFrame({
        "#": range(1, len(card) + 1),
        "claim": [_cell(r.claim) + f" ({{doc}}`ch. {int(r.page[:2])} <{r.page}>`)" for r in card],
        "paper": [_cell(r.paper) for r in card],
        "ours": [_cell(r.ours) for r in card],
        "verdict": [f"**{r.verdict}**" for r in card],
        "scale": [_cell(r.scale) for r in card],
    })


def reasons_markdown(card: list[Row]) -> str:
    """Why each row has its verdict: a numbered Markdown list, in the table's order."""
    return "\n".join(f"{i}. **{r.verdict}**: {r.reason[:1].upper() + r.reason[1:]}"
                     + ("" if r.reason.endswith(".") else ".") for i, r in enumerate(card, 1))


def counts(card: list[Row]) -> dict[str, int]:
    """How many rows have each verdict, in the order of :data:`glorot.pages.VERDICTS`, then
    :data:`NOT_ARCHIVED`."""
    return {k: sum(r.verdict == k for r in card) for k in (*pages.VERDICTS, NOT_ARCHIVED)}


def counts_sentence(card: list[Row]) -> str:
    """The verdicts counted in one sentence: "Of the 31 claims, 9 agree, ..."."""
    c = counts(card)
    words = {"agrees": "agree with the paper", "partly": "agree in part", "differs": "differ",
             "not yet at paper scale": "are not yet seen at our reduced scale", NOT_ARCHIVED: "have no archived run to read"}
    parts = [f"{c[k]} {words[k]}" for k in words if c[k]]
    listed = pages.and_list(parts)
    return f"Of the {len(card)} claims in the scorecard, {listed}."


def thumbnail(shapeset: Run):
    """Fig. 11's final errors at a glance: per configuration, in the paper's order, the paper's
    final test error (grey; hatched where read off the figure) above ours (blue: the seed mean,
    whiskers over the seeds' range), each bar labelled with its value. 6.4 × 3.6 in, fonts
    ≥ 9 pt. Ours is left out, and the legend says so, when the run is not archived."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    order = sorted(paper.PAPER_FIG11_FINAL, key=paper.PAPER_FIG11_FINAL.get, reverse=True)
    y = np.arange(len(order))
    h = 0.38
    fig, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
    for i, k in enumerate(order):
        v = paper.PAPER_FIG11_FINAL[k]
        ax.barh(y[i] - h / 2, v, height=h, color="0.78", edgecolor="0.35", linewidth=0.6,
                hatch="///" if k in paper.PAPER_FIG11_READ_OFF else None)
        ax.text(v + 1, y[i] - h / 2, f"{'≈' if k in paper.PAPER_FIG11_READ_OFF else ''}{v:g}", va="center", fontsize=9, color="0.3")
    handles = [Patch(facecolor="0.78", edgecolor="0.35", label="paper (Fig. 11, Table 1)"),
               Patch(facecolor="0.78", edgecolor="0.35", hatch="///", label="paper, read off Fig. 11")]
    if isinstance(shapeset, Result):
        f = shapeset["final"].groupby("config")["test_error"].agg(["mean", "min", "max"])
        for i, k in enumerate(order):
            if k not in f.index or pd.isna(f.loc[k, "mean"]):
                continue
            m, lo, hi = 100 * f.loc[k, "mean"], 100 * f.loc[k, "min"], 100 * f.loc[k, "max"]
            ax.barh(y[i] + h / 2, m, height=h, color="#3b75af", xerr=[[m - lo], [hi - m]],
                    error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "0.15"})
            ax.text(hi + 1, y[i] + h / 2, f"{m:.1f}", va="center", fontsize=9, color="#1f4e79")
        handles.append(Patch(facecolor="#3b75af", label=f"ours, {scale(shapeset).split(':')[0]} (seed mean, range)"))
    else:
        handles.append(Patch(facecolor="white", edgecolor="white", label=f"ours: {NOT_ARCHIVED} at profile {shapeset.profile}"))
    ax.set_yticks(y, [paper.CONFIGURATIONS[k].label for k in order], fontsize=10)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("final test error on Shapeset-3×2 (%)", fontsize=10)
    ax.tick_params(axis="x", labelsize=10)
    ax.grid(axis="x", color="0.9")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(handles=handles, fontsize=9, loc="outside upper center", ncol=2, frameon=False)
    return fig


# --------------------------------------------------------------------------- the front page's other numbers

PROFILE_USES = {
    "smoke": "checks that every page runs at all (the tests run each page so)",
    "quick": "the default: each phenomenon visible, at reduced width or updates where needed",
    "paper": "the paper's sizes and budgets",
}
"""What each profile is for (the words of the profiles table)."""


RUNS_EXPERIMENTS = tuple(dict.fromkeys(name for name, _, _ in RUNS.values()))
"""The experiments the scorecard reads, each once, in the chapters' order."""


def _training_experiments() -> list[str]:
    return [name for name in RUNS_EXPERIMENTS if "updates" in experiment(name).defaults("paper")]


def profiles_table() -> pd.DataFrame:
    """The three profiles: what each is for, the hidden widths and updates per network of the
    training experiments at that profile (from their configurations), and how many runs of it
    the archive holds."""
    out = []
    for profile in ("smoke", "quick", "paper"):
        cfgs = [experiment(name).defaults(profile) for name in _training_experiments()]
        widths = sorted({c["width"] for c in cfgs})
        updates = [c["updates"] for c in cfgs]
        root = archive.DEFAULT_ARCHIVE
        n = sum(1 for d in root.glob(f"*/{profile}-*") if d.is_dir() and not d.name.startswith(".")) if root.is_dir() else 0
        out.append({"profile": profile, "what it is for": PROFILE_USES[profile],
                    "hidden width": ", ".join(f"{w:,}" for w in widths),
                    "updates per network": f"{min(updates):,}–{max(updates):,}",
                    "archived runs": n})
    return pd.DataFrame(out)


def longer_shares(profile: str, longer_factor: int) -> dict[str, float] | None:
    """Per experiment with a longer run in its chapter, the longer run's updates as a share (%) of
    the paper profile's; None where no longer run is made (the paper profile, or a factor of 1)."""
    shares = {}
    for name, overrides, keys in RUNS.values():
        if keys is None or "updates" not in keys:
            continue
        base = config(name, profile, **overrides)
        longer, _ = longer_run(profile, longer_factor, base, keys)
        if longer is None:
            return None
        shares[name] = 100 * longer["updates"] / experiment(name).defaults("paper")["updates"]
    return shares


def seed_spread(shapeset: Run) -> tuple[float, float] | None:
    """The smallest and largest standard deviation over seeds (in points of %) of the final
    Shapeset test error among Fig. 11's configurations; None if the run is not archived."""
    if isinstance(shapeset, Missing):
        return None
    sd = 100 * shapeset["final"].groupby("config")["test_error"].std(ddof=1).dropna()
    return (float(sd.min()), float(sd.max())) if len(sd) else None
