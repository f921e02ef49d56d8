"""The plateau of the most frequent class, which every training claim on Shapeset-3×2 meets:
a network that has not learned answers the most frequent class and errs about 83% of the time
(a single shape is 1/6 of Shapeset; Fig. 11's depth-5 sigmoid stays there for the whole
run). A claim that compares such a network says nothing about the paper's claim: its rule
calls it "inconclusive" (§3, §4.1 and §4.3) or says it is still on the plateau (§5)."""

from __future__ import annotations

import functools

from .. import data

PLATEAU_MARGIN = 0.01
"""A Shapeset network whose final test error is within one point of :func:`majority_error` is
still on the plateau of the most frequent class: it did not learn."""


@functools.lru_cache(maxsize=8)
def majority_error(n_test: int) -> float:
    """The test error of always answering the most frequent class on the first ``n_test``
    examples of the fixed Shapeset test set the runs are evaluated on
    (:func:`glorot.data.examples`): the plateau."""
    _, y = data.examples("shapeset", int(n_test), "test")
    return 1.0 - float(y.bincount(minlength=9).max()) / len(y)
