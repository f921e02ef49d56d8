"""The claim machinery of :mod:`glorot.claims`: :class:`Claim`, :class:`Judgement`, the
registry of claims (:data:`CLAIMS`, :func:`register`, :func:`claim`, :func:`judge`), the
shared scale rule and :func:`combine`. The section modules import it; the package re-exports
it (see :mod:`glorot.claims` for what a claim is)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .. import pages
from ..experiments import Result, experiment

NOT_ARCHIVED = "not archived"
"""The verdict of a claim whose run is not in the archive (nothing was computed)."""

SCALES = ("none", "full", "budget")
"""What a claim's rule needs: ``none``, nothing is trained (at initialization, the cost
surface, the data); ``full``, the paper's width and updates (or training examples); ``budget``,
the paper's updates at any width."""


@dataclass(frozen=True)
class Judgement:
    """A rule's outcome: ``kind`` (one of :data:`glorot.pages.VERDICTS`, or :data:`NOT_ARCHIVED`),
    ``reason`` (why, from the numbers), ``ours`` (our value in words, for the scorecard) and
    ``values`` (the numbers behind it, paper values under keys starting with ``paper``)."""

    kind: str
    reason: str
    ours: str = ""
    values: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind != NOT_ARCHIVED:
            pages.verdict(self.kind, self.reason)  # raises on a kind outside pages.VERDICTS or an empty reason

    def sentence(self) -> str:
        """The verdict as the page prints it: ``**Verdict: agrees.** <Reason>.``"""
        if self.kind == NOT_ARCHIVED:
            return f"**Not archived.** {self.reason[:1].upper()}{self.reason[1:]}" + ("" if self.reason.endswith(".") else ".")
        return pages.verdict(self.kind, self.reason)


@dataclass(frozen=True)
class Claim:
    """One claim of the paper (see the module docstring). ``rule(run)`` -> :class:`Judgement`;
    ``run`` is a :class:`~glorot.experiments.Result` of ``role``'s experiment."""

    key: str
    figure: str
    """Where the paper makes it: ``"Fig. 2"``, ``"Table 1"``, ``"§4.2.2, eq. (17)"``."""
    text: str
    """The claim in a few words, as the scorecard's first column reads."""
    paper: str
    """The paper's value or words."""
    page: str
    """The chapter that shows it (a ``{doc}`` target)."""
    role: str
    """The run it is judged on (:data:`glorot.scorecard.RUNS`)."""
    rule: Callable[[Result], Judgement]
    scale: str = "full"
    section: str = ""
    """The scorecard's group: ``"§3 Saturation"`` and so on."""

    def __post_init__(self):
        if self.scale not in SCALES:
            raise ValueError(f"claim {self.key!r}: scale must be one of {SCALES}, got {self.scale!r}")

    def judge(self, run) -> Judgement:
        """The verdict on this claim from ``run`` (a Result; anything else: not archived), with
        the shared scale rule applied (module docstring)."""
        if not isinstance(run, Result):
            why = getattr(run, "why", "")
            name = getattr(run, "experiment", "the")
            return Judgement(NOT_ARCHIVED, f"nothing to compare: no archived `{name}` run with the chapter's configuration"
                             + (f"; {why}" if why else ""), ours=NOT_ARCHIVED)
        j = self.rule(run)
        if self.scale == "none" or j.kind not in ("partly", "differs"):
            return j
        small = below_paper_budget(run) if self.scale == "budget" else below_paper_scale(run)
        if small:
            return Judgement("not yet at paper scale", f"{j.reason}, in a run smaller than the paper's", j.ours, j.values)
        if self.scale == "budget" and below_paper_scale(run):
            return Judgement(j.kind, f"{j.reason}, at the paper's budget at width {run.config['width']}", j.ours, j.values)
        return j


CLAIMS: dict[str, Claim] = {}
"""Every claim by key, in the order the section modules register them (the paper's order)."""


def register(*claims: Claim) -> None:
    for c in claims:
        if c.key in CLAIMS:
            raise ValueError(f"claim {c.key!r} is registered twice")
        CLAIMS[c.key] = c


def claim(key: str) -> Claim:
    if key not in CLAIMS:
        raise KeyError(f"no claim {key!r}; known: {', '.join(CLAIMS)}")
    return CLAIMS[key]


def judge(key: str, run) -> Judgement:
    """``claim(key).judge(run)``: what a chapter calls under its figure."""
    return claim(key).judge(run)


ORDER = ("agrees", "partly", "not yet at paper scale", "inconclusive", "differs")
"""From the best outcome to the worst: a figure's verdict over several claims is the worst."""


def combine(*judgements: Judgement) -> Judgement:
    """One verdict for a figure that shows several claims: the worst kind among them
    (:data:`ORDER`; a claim not archived makes the figure not archived), the reasons joined."""
    if not judgements:
        raise ValueError("combine needs at least one judgement")
    if any(j.kind == NOT_ARCHIVED for j in judgements):
        missing = next(j for j in judgements if j.kind == NOT_ARCHIVED)
        return Judgement(NOT_ARCHIVED, missing.reason, NOT_ARCHIVED)
    kind = max((j.kind for j in judgements), key=ORDER.index)
    reason = "; ".join(dict.fromkeys(j.reason.rstrip(".") for j in judgements))
    values = {}
    for j in judgements:
        values |= j.values
    return Judgement(kind, reason, "; ".join(j.ours for j in judgements if j.ours), values)


# --------------------------------------------------------------------------- scale


def below_paper_scale(run: Result) -> bool:
    """Whether the run is smaller than the paper profile's: narrower, fewer updates, or fewer
    training examples."""
    cfg, ref = run.config, experiment(run.experiment).defaults("paper")
    return any(k in cfg and cfg[k] is not None and ref.get(k) is not None and cfg[k] < ref[k]
               for k in ("width", "updates", "n_train"))


def below_paper_budget(run: Result) -> bool:
    """Whether the run trains for fewer updates (or on fewer examples) than the paper's, at any
    width."""
    cfg, ref = run.config, experiment(run.experiment).defaults("paper")
    return any(k in cfg and cfg[k] is not None and ref.get(k) is not None and cfg[k] < ref[k] for k in ("updates", "n_train"))
