"""The paper's claims, each defined once: what the paper says, what we measure, the rule that
judges it, and the scale the rule needs.

A :class:`Claim` is one sentence of Glorot & Bengio (2010) that the book tests (a figure's
shape, a table cell, an ordering, a number): its paper value in words, the page that shows it,
the run it is judged on (a *role*, :data:`glorot.scorecard.RUNS`), and its **rule**, a function
of that run returning a :class:`Judgement` (the verdict kind, the reason from the numbers, our
value in words). The chapter's verdict under a figure and the front page's scorecard row both
call :meth:`Claim.judge`, so one claim has one judge (``tests/test_claims.py`` fails if a
chapter or the scorecard writes a verdict by other code).

:meth:`Claim.judge` applies the scale rule every training claim shares, so that no rule can
bypass it: a claim that is not seen in full (``partly`` or ``differs``) in a run smaller than
the paper's (:func:`below_paper_scale`) is **"not yet at paper scale"**; a claim whose
``scale`` is ``"budget"`` (an ordering or a dynamic over the paper's training time, which the
variance argument of §4.2 keeps at any width) is judged for real at the paper's number of
updates at a smaller width, and its reason then says at which width.

The claims live in one module per section (:mod:`.saturation` for §3, :mod:`.cost` for §4.1,
:mod:`.initialization` for §4.2, :mod:`.gradients` for §4.3, :mod:`.error_curves` for §5,
:mod:`.setting` for §2), each registering its claims here with :func:`register`; a figure's
verdict that covers several claims is their :func:`combine`.
"""

from .base import (CLAIMS, NOT_ARCHIVED, ORDER, SCALES, Claim, Judgement, below_paper_budget, below_paper_scale, claim,
                   combine, judge, register)
from . import setting, saturation, cost, initialization, gradients, error_curves  # noqa: E402,I001 (they register in the paper's order)

__all__ = ["CLAIMS", "NOT_ARCHIVED", "ORDER", "SCALES", "Claim", "Judgement", "below_paper_budget", "below_paper_scale", "claim",
           "combine", "judge", "register", "cost", "error_curves", "gradients", "initialization", "saturation", "setting"]
