"""The significance test behind the bold entries of Table 1 (paper §5).

The paper's caption reads: "Results in bold are statistically different from non-bold ones
under the null hypothesis test with p = 0.005." The test is not named. We use the classic
test for comparing two test-set error rates, the **two-proportion z-test** with pooled
variance, and apply it column by column *against the best entry of the column*:

* the best (lowest-error) entry of a column is bold;
* every other entry is bold unless it is significantly worse than the best, i.e. unless the
  two-sided p-value of the test of "same error rate" is below ``alpha = 0.005``.

So bold entries are those that cannot be told apart from the column's best at p = 0.005,
and non-bold ones are significantly worse than it, which is how the paper's table reads
(e.g. Shapeset: 16.27, 16.06 and 15.60 bold, 27.15 and 82.61 not).

The statistic for error rates ``p1 = k1/n1`` and ``p2 = k2/n2`` is

    p = (k1 + k2) / (n1 + n2)                       (pooled error rate under H0)
    z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))
    p-value = 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2)

which equals the Pearson chi-square test of the 2x2 table (errors, correct) x (model 1,
model 2) without continuity correction (``z**2 = chi2``); ``tests/test_stats.py`` checks
both against scipy.

With several seeds per entry we test the *mean* error over seeds with ``n`` = the size of
the test set: the seed-averaged error is treated as one classifier's error on ``n`` test
examples. This is conservative (pooling the seeds as ``n_seeds * n`` examples would
pretend the seeds saw different test examples) and it is what one run per entry, as in
the paper, would give.
"""

from __future__ import annotations

import math
from typing import Mapping

import pandas as pd

ALPHA = 0.005
"""The paper's threshold (Table 1 caption: "the null hypothesis test with p = 0.005")."""


def _check_rate(name: str, p: float) -> float:
    p = float(p)
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"{name} must be an error rate in [0, 1], got {p}")
    return p


def _check_n(name: str, n) -> int:
    if isinstance(n, bool) or int(n) != n or int(n) < 1:
        raise ValueError(f"{name} must be a positive integer (number of test examples), got {n!r}")
    return int(n)


def two_proportion_z_test(p1: float, n1: int, p2: float, n2: int) -> tuple[float, float]:
    """Two-sided two-proportion z-test with pooled variance.

    ``p1``, ``p2``: error rates in [0, 1] measured on ``n1``, ``n2`` test examples.
    Returns ``(z, p_value)``; ``z > 0`` when ``p1 > p2``. When the pooled rate is 0 or 1
    (no variance at all) the two rates are equal: ``z = 0``, ``p = 1``.
    """
    p1, p2 = _check_rate("p1", p1), _check_rate("p2", p2)
    n1, n2 = _check_n("n1", n1), _check_n("n2", n2)
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    if var <= 0.0:
        return 0.0, 1.0
    z = (p1 - p2) / math.sqrt(var)
    return z, math.erfc(abs(z) / math.sqrt(2.0))


def bold_marks(errors: Mapping[str, float], n: int | Mapping[str, int], alpha: float = ALPHA) -> pd.DataFrame:
    """Table 1's bold rule for one column.

    ``errors``: row name -> error rate in [0, 1] (NaN or None for a row not run: it gets
    no mark). ``n``: the number of test examples (one number, or one per row).
    Returns one row per entry: ``error``, ``n``, ``best`` (the column's lowest error),
    ``z`` and ``p_value`` against the best, and ``bold`` (``p_value >= alpha``; the best
    entry itself is always bold).
    """
    if not (0.0 < float(alpha) < 1.0):
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    rows = []
    present = {k: float(v) for k, v in errors.items() if v is not None and not math.isnan(float(v))}
    ns = {k: _check_n(f"n[{k!r}]", n[k] if isinstance(n, Mapping) else n) for k in present}
    best = min(present, key=present.get) if present else None
    for name, err in errors.items():
        if name not in present:
            rows.append({"row": name, "error": float("nan"), "n": None, "best": best, "z": float("nan"),
                         "p_value": float("nan"), "bold": False})
            continue
        z, p = two_proportion_z_test(present[name], ns[name], present[best], ns[best])
        rows.append({"row": name, "error": present[name], "n": ns[name], "best": best, "z": z, "p_value": p,
                     "bold": bool(name == best or p >= alpha)})
    return pd.DataFrame(rows).set_index("row")


def p_text(p: float, alpha: float = ALPHA) -> str:
    """A p-value printed with enough digits that it reads on the right side of ``alpha``
    (:data:`glorot.stats.ALPHA`, the paper's 0.005): two significant digits (``0.47``,
    ``0.0051``), more where two would print ``alpha`` itself or cross it (p = 0.00499 prints
    ``0.00499``, p = 0.00501 prints ``0.00501``: never ``0.005`` beside "(not) significant at
    0.005" unless p is 0.005); a p far below ``alpha`` in scientific notation (``6.0e-05``);
    ``—`` for a missing one."""
    if p is None or not math.isfinite(float(p)):
        return "—"
    p = float(p)
    if p < min(alpha, 1e-3) / 5:
        return f"{p:.1e}"
    for digits in range(2, 8):
        text = f"{p:.{digits}g}"
        shown = float(text)
        if (shown < alpha) == (p < alpha) and (shown != alpha or p == alpha):
            return text
    return repr(p)
