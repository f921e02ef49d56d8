"""The front page's scorecard: the table that lists the paper's claims (:data:`glorot.claims.CLAIMS`)
beside our results, read from the results archive. It judges nothing itself.

Each row is one :class:`glorot.claims.Claim`: its words, the paper's value, and the verdict of
:meth:`Claim.judge <glorot.claims.Claim.judge>` on the run of its ``role`` — the same call, on the
same run, that the chapter makes under its figure, so a claim has one judge
(``tests/test_claims.py`` fails if this module calls ``verdict`` or writes a verdict kind).
What this module adds is which run each role reads, and how a row is shown: its scale, its
provenance, the counts.

**Nothing is trained here.** :func:`load_runs` only reads the archive
(:func:`glorot.experiments.registry.load_archived`, which verifies every entry); a configuration
with no archive entry gives a :class:`Missing`, and every claim judged on one says
:data:`~glorot.claims.NOT_ARCHIVED` instead of a number. The experiments do not import this module.

**Which run.** Each role (:data:`RUNS`) is read with the configuration of the chapter that shows
its claims (its default parameters), at the largest scale that chapter shows and the archive
holds: at the ``quick`` profile, the ``long`` profile (the paper's number of updates at width
100, where a claim about orderings and dynamics is judged for real) where the experiment has
one; else the ``wide`` profile (the paper's 1000 units on a CPU, for a few epochs: Figs. 3-4
and 9-10); else the chapter's *longer run* (``longer_factor`` times the profile's updates,
:func:`glorot.experiments.longer_run`); else the profile's own run. The list of reasons under the
page's tables names each row's run by its profile (``quick ×5`` is the longer run of ``quick``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import archive, claims, data, pages, paper
from .configs import Config
from .experiments import Result, config, experiment, longer_run
from .experiments.registry import PROFILES, load_archived

NOT_ARCHIVED = claims.NOT_ARCHIVED


@dataclass(frozen=True)
class Missing:
    """A run a role needs that is not in the archive: the configuration that was asked for and why
    there is no result (``"not archived"``, a corrupt entry, absent data files)."""

    experiment: str
    profile: str
    config: Config
    why: str = ""
    """What else there is to say (a corrupt entry, absent data files); empty if nothing."""


Run = Result | Missing

RUNS = {
    # role: (experiment, the chapter's overrides, the keys its longer run scales, or None)
    "frequencies": ("shapeset_frequencies", {"seed": 0}, None),
    "sigmoid": ("sigmoid_saturation", {"seed": 0}, ("updates", "probe_every", "eval_every")),
    "saturation": ("activation_saturation", {"activations": ["tanh", "softsign"], "seed": 0}, ("updates", "probe_every", "eval_every")),
    "cost_surface": ("cost_surface", {"activation": "tanh", "seed": 0}, None),
    "cost_comparison": ("cost_comparison", {"activation": "tanh", "seed": 0}, ("updates", "probe_every", "eval_every")),
    "variance": ("variance_propagation", {"seed": 0}, None),
    "init": ("init_statistics", {"activation": "tanh", "dataset": "shapeset", "seed": 0, "weight_grad_batch_size": 10}, None),
    "gradients": ("gradient_dynamics", {"activation": "tanh", "seed": 0}, ("updates", "probe_every", "eval_every")),
    "shapeset": ("shapeset_curves", {"pretrain_activation": "tanh", "pretrain_noise": 0.25},
                 ("updates", "eval_every", "pretrain_updates_per_layer")),
    "search": ("shapeset_curves", {"pretrain_activation": "tanh", "pretrain_noise": 0.25},
               ("updates", "eval_every", "pretrain_updates_per_layer")),
    "svm": ("svm_baseline", {}, ("n_train", "updates", "eval_every")),
    "mnist-5k": ("finite_curves", {"dataset": "mnist-5k"}, None),
    "mnist": ("finite_curves", {"dataset": "mnist"}, None),
    "cifar10": ("finite_curves", {"dataset": "cifar10"}, None),
    "small-imagenet": ("finite_curves", {"dataset": "small-imagenet"}, None),
}
"""The runs the claims are judged on (:attr:`Claim.role <glorot.claims.Claim.role>`), with the
configuration their chapter uses (its default parameters: seed 0, tanh against softsign,
pre-training with tanh units and masking noise 0.25, minibatches of 10 for the weight gradients)."""


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


SEARCH_FIRST = {"search": "search"}
"""Roles read first at another profile than ``long``: the learning-rate choice of Fig. 11 is
judged on the ``search`` run, the one that chose the rates (the ``long`` run is given them)."""


def load_runs(profile: str = "quick", longer_factor: int = 5) -> dict[str, Run]:
    """Every run of :data:`RUNS` at ``profile`` (module docstring: at ``quick``, the ``long``
    run, else the ``wide`` run, where the experiment has that profile and it is archived; else the chapter's longer run
    where archived; else the profile's run; else a :class:`Missing` for the profile's
    configuration). Both parameters are checked first."""
    runs = {}
    for role, (name, overrides, keys) in RUNS.items():
        base = config(name, profile, **overrides)  # validates the profile
        run: Run | None = None
        for larger in ((SEARCH_FIRST[role],) if role in SEARCH_FIRST else ("long", "wide")) if profile == "quick" else ():
            if (run is None or isinstance(run, Missing)) and larger in experiment(name).profiles:
                run = archived(name, larger, **overrides)
        if (run is None or isinstance(run, Missing)) and keys is not None:
            longer, _ = longer_run(profile, longer_factor, base, keys)  # validates longer_factor
            if longer is not None:
                run = archived(name, profile, **overrides, **longer)
        if run is None or isinstance(run, Missing):
            run = archived(name, profile, **overrides)
        runs[role] = run
    return runs


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    """One claim beside our value: the :class:`~glorot.claims.Claim`, its
    :class:`~glorot.claims.Judgement` on the role's run, and that run's scale in words."""

    claim: claims.Claim
    judgement: claims.Judgement
    scale: str
    below_paper: bool | None = None
    """Whether the run was smaller than the paper profile's; None when it is not archived."""
    values: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return self.judgement.kind

    @property
    def reason(self) -> str:
        return self.judgement.reason

    @property
    def ours(self) -> str:
        return self.judgement.ours

    @property
    def page(self) -> str:
        return self.claim.page


def rows(runs: dict[str, Run]) -> list[Row]:
    """One row per claim of :data:`glorot.claims.CLAIMS`, in the paper's order: each judged by
    its claim's rule on ``runs[claim.role]`` (:func:`load_runs`)."""
    out = []
    for c in claims.CLAIMS.values():
        run = runs[c.role]
        j = c.judge(run)
        measured = isinstance(run, Result)
        out.append(Row(c, j, scale(run), claims.below_paper_scale(run) if measured else None, j.values))
    return out


def row(card: list[Row], key: str) -> Row:
    """The row of the claim ``key``."""
    for r in card:
        if r.claim.key == key:
            return r
    raise KeyError(f"no row for claim {key!r}")


# --------------------------------------------------------------------------- scale and provenance


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
    if "updates" in cfg and own.get("updates") and cfg["updates"] != own["updates"]:
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
    elif run.experiment == "shapeset_frequencies":
        parts.append(f"{cfg['n_images']:,} images drawn")
    if "n_train" in cfg:
        parts.append(f"{_short(cfg['n_train'])} of {_short(ref['n_train'])} training examples")
    if "n_seeds" in cfg:
        parts.append(f"{cfg['n_seeds']} seed{'s' if cfg['n_seeds'] != 1 else ''}")
    elif "seed" in cfg:
        parts.append(f"seed {cfg['seed']}")
    if with_provenance or isinstance(run, Missing):
        parts.append(provenance(run))
    return f"{head}: " + ", ".join(parts)


def n_archived(runs: dict[str, Run]) -> int:
    """How many archived runs the scorecard reads: distinct runs (experiment and configuration),
    each counted once however many roles read it. The one number of runs the front page gives
    (its prose and :func:`provenance_sentence` both say it)."""
    return len({(r.experiment, archive.config_key(r.config.to_dict())) for r in runs.values()
                if not isinstance(r, Missing)})


def provenance_sentence(runs: dict[str, Run]) -> str:
    """Where the scorecard's numbers come from, once for all rows: how many archived runs it reads
    (:func:`n_archived`), each distinct archive date and commit, how many were made with code that
    has changed since, and how many roles have no archived run."""
    found = [r for r in runs.values() if not isinstance(r, Missing)]
    missing = [r for r in runs.values() if isinstance(r, Missing)]
    if not found:
        return f"None of the {len(runs)} runs it reads is archived at this profile."
    origins = sorted({provenance(r).removesuffix(", made with earlier code") for r in found})
    stale = sum(r.stale for r in found)
    n = n_archived(runs)
    return (f"The {n} archived run{'s' if n != 1 else ''} it reads {'were' if n != 1 else 'was'} {'; '.join(origins)}"
            + (f" ({stale} made with code that has changed since)" if stale else "")
            + (f"; {len(missing)} more that it would read {'is' if len(missing) == 1 else 'are'} not archived."
               if missing else "."))


def scale_sentence(card: list[Row]) -> str:
    """How many rows were measured below the paper's scale, in one sentence."""
    measured = [r for r in card if r.below_paper is not None]
    if not measured:
        return "No row has an archived run to read at this profile."
    below = sum(r.below_paper for r in measured)
    full = len(measured) - below
    return (f"Of the {len(measured)} rows read from an archived run, {below} were measured below the paper's scale "
            f"(narrower, shorter or on fewer examples: the \"Measured at\" line of their section says how far)"
            + (f" and {full} at it." if full else "."))


# --------------------------------------------------------------------------- the table

VERDICT_CLASSES = {k: "verdict-" + k.replace(" ", "-") for k in (*pages.VERDICTS, NOT_ARCHIVED)}
"""The CSS class of each verdict's badge (:func:`badge`), made from the kind itself (spaces become
hyphens: ``verdict-not-yet-at-paper-scale``); ``_static/book.css`` gives each its colour."""


def badge(kind: str, text: str | None = None) -> str:
    """A verdict as a coloured badge, inline HTML that the page's MyST passes through:
    ``<span class="verdict verdict-KIND">text</span>`` (``text``: the kind itself by default).
    The colour is a second marker only: the badge always says its verdict in words."""
    return f'<span class="verdict {VERDICT_CLASSES[kind]}">{html.escape(text if text is not None else kind, quote=False)}</span>'


def _cell(text: str) -> str:
    """``text`` made safe for one cell of a Markdown table (a ``|`` would end the cell)."""
    return text.replace("|", "\\|")


def measured_at(r: Row) -> str:
    """Where a row was measured, as its cell says it: the width, updates or examples beside the
    paper's, and the seeds (:func:`scale` without the profile's name, which the list of reasons
    keeps); for a row with no archived run, that there is none and why."""
    if r.below_paper is None:
        why = r.scale.partition(f"{NOT_ARCHIVED} (")[2].removesuffix(")")
        return "no archived run" + (f": {why}" if why else "")
    return r.scale.split(": ", 1)[-1]


def frame(card: list[Row]) -> pd.DataFrame:
    """The scorecard's rows as the page shows them: number, section (the page groups by it, see
    :func:`markdown`), the verdict as a coloured :func:`badge`, the claim, the paper's value, ours,
    and where it was measured (:func:`measured_at`). The reason for each verdict is
    :func:`reasons_markdown`, listed under the tables."""
    return pd.DataFrame({
        "#": range(1, len(card) + 1),
        "section": [r.claim.section for r in card],
        "verdict": [badge(r.verdict) for r in card],
        "claim": [_cell(r.claim.text) for r in card],
        "paper": [_cell(r.claim.paper) for r in card],
        "ours": [_cell(r.ours) for r in card],
        "measured at": [_cell(measured_at(r)) for r in card],
    })


def groups(card: list[Row]) -> list[tuple[str, list[int]]]:
    """The paper's sections in the order of the rows, each with the indices of its rows."""
    out: dict[str, list[int]] = {}
    for i, r in enumerate(card):
        out.setdefault(r.claim.section, []).append(i)
    return list(out.items())


_GROUP_WORDS = dict(zip(pages.VERDICTS, ("agree", "agree in part", "differ", None, None), strict=True))
"""How a group's count words a verdict ("3 agree"); None: the kind's own words ("2 inconclusive")."""


def group_counts(card: list[Row]) -> str:
    """A group's verdicts counted, each count a :func:`badge`: "3 agree", "1 not yet at paper
    scale", in the order of :data:`glorot.pages.VERDICTS`, then the rows with no archived run."""
    c = counts(card)
    return " ".join(badge(k, f"{c[k]} {_GROUP_WORDS.get(k) or k}") for k in c if c[k])


def _chapters(card: list[Row]) -> str:
    pages_ = list(dict.fromkeys(r.page for r in card))
    return ", ".join(f"{{doc}}`chapter {int(p[:2])} <{p}>`" for p in pages_)


def _numbers(nums: list[int]) -> str:
    """``[6, 7, 8, 10]`` -> ``"rows 6–8 and 10"``."""
    runs: list[list[int]] = []
    for n in nums:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    words = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    return ("row " if len(nums) == 1 else "rows ") + pages.and_list(words)


def group_scale(card: list[Row], first: int = 1) -> str:
    """Where a section's rows were measured (:func:`measured_at`), once per distinct scale, with the
    rows of each where there are several (``first``: the number of the section's first row)."""
    at: dict[str, list[int]] = {}
    for i, r in enumerate(card, first):
        at.setdefault(measured_at(r), []).append(i)
    if len(at) == 1:
        return f"Measured at: {next(iter(at))}."
    return "Measured at: " + "; ".join(f"{where} ({_numbers(nums)})" for where, nums in at.items()) + "."


def group_heading(card: list[Row], first: int = 1) -> str:
    """The lines above a section's table: the section, the chapter that shows it (a link), its
    verdicts counted (:func:`group_counts`), and, on a line of its own, where its rows were
    measured (:func:`group_scale`)."""
    return (f"**{card[0].claim.section}** ({_chapters(card)}): {group_counts(card)}<br>\n"
            f'<span class="scorecard-scale">{html.escape(group_scale(card, first), quote=False)}</span>')


def markdown(card: list[Row]) -> str:
    """The scorecard as the front page shows it (MyST, glued with ``{glue:md}`` and ``:format:
    myst``): every verdict counted (:func:`group_counts`), then one small table per section of the
    paper, under a :func:`group_heading` that counts its verdicts and says where its rows were
    measured; each row a :func:`frame` row without the section and the scale (the heading says
    both)."""
    df = frame(card)
    parts = [f"**All {len(card)} claims**: {group_counts(card)}"]
    for _, idx in groups(card):
        parts.append(group_heading([card[i] for i in idx], idx[0] + 1))
        parts.append(pages.as_markdown_table(df.iloc[idx].drop(columns=["section", "measured at"])))
    return "\n\n".join(parts)


def reasons_markdown(card: list[Row]) -> str:
    """Why each row has its verdict, grouped by section as the tables are: a numbered Markdown
    list (the tables' numbers), each item the verdict's badge, the claim's key (where its rule is:
    ``glorot.claims``), the reason, and the run it was read from (its profile and :func:`scale`)."""
    parts = []
    for section, idx in groups(card):
        parts.append(f"**{section}**")
        items = []
        for i in idx:
            r = card[i]
            reason = r.reason[:1].upper() + r.reason[1:] + ("" if r.reason.endswith(".") else ".")
            profile, at = r.scale.split(": ", 1)
            run = "" if r.below_paper is None else f" Read from the `{profile}` run ({at})."
            items.append(f"{i + 1}. {badge(r.verdict)} (`{r.claim.key}`): {reason}{run}")
        parts.append("\n".join(items))
    return "\n\n".join(parts)


def counts(card: list[Row]) -> dict[str, int]:
    """How many rows have each verdict, in the order of :data:`glorot.pages.VERDICTS`, then
    :data:`NOT_ARCHIVED`."""
    return {k: sum(r.verdict == k for r in card) for k in (*pages.VERDICTS, NOT_ARCHIVED)}


_COUNT_WORDS = dict(zip(pages.VERDICTS, ("agree with the paper", "agree in part", "differ",
                                         "are not yet seen at our reduced scale",
                                         "are inconclusive in our runs (a network they compare did not learn)"),
                        strict=True)) | {NOT_ARCHIVED: "have no archived run to read"}
"""How :func:`counts_sentence` words each verdict (in the order of :data:`glorot.pages.VERDICTS`)."""


def counts_sentence(card: list[Row]) -> str:
    """The verdicts counted in one sentence: "Of the 44 claims, 9 agree, ..."."""
    c = counts(card)
    parts = [f"{c[k]} {_COUNT_WORDS[k]}" for k in _COUNT_WORDS if c[k]]
    return f"Of the {len(card)} claims in the scorecard, {pages.and_list(parts)}."


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
    "wide": "the paper's width 1000 on a CPU, for the figures of layers (Figs. 3-4, 9-10), at reduced updates",
    "search": "the learning-rate search of the long runs (seed 0, width 100, 500k updates per rate)",
    "long": "the paper's number of updates at width 100, on one CPU thread (hours)",
    "paper": "the paper's sizes and budgets",
}
"""What each profile is for (the words of the profiles table)."""

RUNS_EXPERIMENTS = tuple(dict.fromkeys(name for name, _, _ in RUNS.values()))
"""The experiments the scorecard reads, each once, in the chapters' order."""


def _training_experiments() -> list[str]:
    return [name for name in RUNS_EXPERIMENTS if "updates" in experiment(name).defaults("paper")]


def profiles_table() -> pd.DataFrame:
    """The profiles: what each is for, the hidden widths and updates per network of the training
    experiments that have it (from their configurations), and how many runs of it the archive
    holds."""
    out = []
    root = archive.DEFAULT_ARCHIVE
    for profile in PROFILES:
        names = [name for name in _training_experiments() if profile in experiment(name).profiles]
        cfgs = [experiment(name).defaults(profile) for name in names]
        widths = sorted({c["width"] for c in cfgs})
        updates = [c["updates"] for c in cfgs]
        n = sum(1 for d in root.glob(f"*/{profile}-*") if d.is_dir() and not d.name.startswith(".")) if root.is_dir() else 0
        out.append({"profile": profile, "what it is for": PROFILE_USES[profile],
                    "experiments": "all" if len(names) == len(_training_experiments()) else ", ".join(names),
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
