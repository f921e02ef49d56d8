"""The significance test of Table 1 (glorot.stats) against scipy and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glorot import stats

scipy_stats = pytest.importorskip("scipy.stats")


@pytest.mark.parametrize(
    "p1,n1,p2,n2",
    [(0.2715, 10_000, 0.1560, 10_000), (0.0176, 10_000, 0.0164, 10_000), (0.30, 2000, 0.27, 1500), (0.5, 300, 0.45, 300),
     (0.8261, 10_000, 0.8300, 10_000), (0.01, 1000, 0.0, 1000)],
)
def test_z_test_equals_scipy_chi_square_without_correction(p1, n1, p2, n2):
    """The pooled two-proportion z-test is the 2x2 Pearson chi-square test: z^2 = chi2, same p."""
    k1, k2 = round(p1 * n1), round(p2 * n2)
    table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
    chi2, p_scipy, dof, _ = scipy_stats.chi2_contingency(table, correction=False)
    z, p = stats.two_proportion_z_test(k1 / n1, n1, k2 / n2, n2)
    assert dof == 1
    assert z * z == pytest.approx(chi2, rel=1e-9)
    assert p == pytest.approx(p_scipy, rel=1e-9)
    assert p == pytest.approx(2 * scipy_stats.norm.sf(abs(z)), rel=1e-9)
    assert math.copysign(1, z) == math.copysign(1, k1 / n1 - k2 / n2) or z == 0


def test_z_test_closed_form_case():
    # p1 = 0.3, p2 = 0.2, n = 100 each: pooled 0.25, se = sqrt(0.25*0.75*0.02) = 0.0612372
    z, p = stats.two_proportion_z_test(0.3, 100, 0.2, 100)
    assert z == pytest.approx(0.1 / math.sqrt(0.25 * 0.75 * 0.02), rel=1e-12)
    assert z == pytest.approx(1.6329931618554523, rel=1e-12)
    assert p == pytest.approx(0.10247043485974938, rel=1e-9)


def test_z_test_is_antisymmetric_and_degenerate_cases():
    z1, p1 = stats.two_proportion_z_test(0.3, 500, 0.2, 400)
    z2, p2 = stats.two_proportion_z_test(0.2, 400, 0.3, 500)
    assert z1 == pytest.approx(-z2) and p1 == pytest.approx(p2)
    assert stats.two_proportion_z_test(0.0, 10, 0.0, 10) == (0.0, 1.0)
    assert stats.two_proportion_z_test(1.0, 10, 1.0, 20) == (0.0, 1.0)
    assert stats.two_proportion_z_test(0.25, 100, 0.25, 100) == (0.0, 1.0)


@pytest.mark.parametrize("bad", [dict(p1=1.5), dict(p2=-0.1), dict(n1=0), dict(n2=2.5), dict(n1=True)])
def test_z_test_rejects_bad_input(bad):
    args = dict(p1=0.2, n1=100, p2=0.3, n2=100) | bad
    with pytest.raises(ValueError):
        stats.two_proportion_z_test(**args)


def test_bold_marks_reproduce_the_papers_shapeset_column():
    """With 10,000 test examples (an assumption: the paper does not give its Shapeset test size)
    the paper's own Shapeset numbers get the paper's bold marks under our rule."""
    col = {"Softsign": 0.1627, "Softsign N": 0.1606, "Tanh": 0.2715, "Tanh N": 0.1560, "Sigmoid": 0.8261}
    marks = stats.bold_marks(col, 10_000)
    assert marks["bold"].to_dict() == {"Softsign": True, "Softsign N": True, "Tanh": False, "Tanh N": True, "Sigmoid": False}
    assert (marks["best"] == "Tanh N").all()
    assert marks.loc["Tanh N", "p_value"] == 1.0


def test_bold_marks_threshold_and_missing_rows():
    # two entries whose p-value straddles alpha: choose errors by the closed form
    n = 1000
    marks = stats.bold_marks({"a": 0.20, "b": 0.25, "c": float("nan"), "d": None}, n)
    z, p = stats.two_proportion_z_test(0.25, n, 0.20, n)
    assert marks.loc["b", "p_value"] == pytest.approx(p)
    assert marks.loc["b", "bold"] == (p >= stats.ALPHA)
    assert bool(marks.loc["a", "bold"]) is True
    assert bool(marks.loc["c", "bold"]) is False and math.isnan(marks.loc["c", "error"])
    assert bool(marks.loc["d", "bold"]) is False
    # a looser alpha makes b bold only if its p-value passes it
    loose = stats.bold_marks({"a": 0.20, "b": 0.25}, n, alpha=p / 2)
    assert bool(loose.loc["b", "bold"]) is True
    strict = stats.bold_marks({"a": 0.20, "b": 0.25}, n, alpha=min(0.999, p * 2))
    assert bool(strict.loc["b", "bold"]) is False


def test_bold_marks_rejects_bad_alpha():
    with pytest.raises(ValueError):
        stats.bold_marks({"a": 0.1}, 100, alpha=0)
