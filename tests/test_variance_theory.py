"""glorot.variance_theory: eqs. (5)-(6) carried through f, against closed forms and a simulated net."""

import math

import pytest
import torch

from glorot import nets, variance_theory


def test_the_quadrature_matches_closed_forms():
    assert variance_theory.gaussian_expectation(lambda s: s**2, 0.7) == pytest.approx(0.49, rel=1e-9)
    assert variance_theory.gaussian_expectation(lambda s: s**4, 0.7) == pytest.approx(3 * 0.7**4, rel=1e-9)
    # E[sigmoid(S)] = 1/2 for any symmetric S.
    assert variance_theory.gaussian_expectation(torch.sigmoid, 2.0) == pytest.approx(0.5, abs=1e-12)


def test_the_linear_regime_is_eqs_5_and_6():
    sizes = [1024, 1000, 1000, 1000, 9]
    out = variance_theory.propagate("linear", sizes, "standard", 1.0)
    # eq. (5): Var[s^k] = prod_{i<=k} n_i Var[W^i] * Var[x]; with eq. (1), n Var[W] = 1/3 (eq. 15).
    assert out["var_s"].tolist() == pytest.approx([1 / 3, 1 / 9, 1 / 27], rel=1e-12)
    assert out["std_z"].tolist() == pytest.approx([math.sqrt(v) for v in out["var_s"]], rel=1e-9)
    assert out["e_fprime2"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert out["fan_out_n_var"].tolist() == pytest.approx([1000 / 3000, 1000 / 3000, 9 / 3000], rel=1e-12)


@pytest.mark.parametrize("activation, init", [("tanh", "standard"), ("tanh", "normalized"), ("softsign", "normalized")])
def test_the_recursion_predicts_a_simulated_net(activation, init):
    """A real net of width 1000 with drawn weights and Gaussian inputs: the predicted activation
    std of every layer within 3%, and E[f'(s)^2] within 3%."""
    g = torch.Generator().manual_seed(0)
    sizes, m2 = [1024, 1000, 1000, 1000, 9], 0.37
    act = nets.ACTIVATIONS[activation]
    pred = variance_theory.propagate(activation, sizes, init, m2)
    z = torch.randn(2000, sizes[0], generator=g, dtype=torch.float64) * math.sqrt(m2)
    for k in range(len(sizes) - 2):
        a = nets.init_bound(init, sizes[k], sizes[k + 1])
        w = (torch.rand(sizes[k], sizes[k + 1], generator=g, dtype=torch.float64) * 2 - 1) * a
        s = z @ w
        z = act.f(s)
        assert float(z.std()) == pytest.approx(pred.loc[k + 1, "std_z"], rel=0.03)
        assert float((act.grad_from_output(z) ** 2).mean()) == pytest.approx(pred.loc[k + 1, "e_fprime2"], rel=0.03)


@pytest.mark.parametrize("kwargs, match", [
    ({"activation": "tan"}, "activation"),
    ({"init": "xavier"}, "init"),
    ({"sizes": [10, 5]}, "sizes"),
    ({"sizes": [10, 0, 5]}, "sizes"),
    ({"input_second_moment": float("nan")}, "input_second_moment"),
    ({"input_second_moment": 0.0}, "input_second_moment"),
    ({"n_points": 1}, "n_points"),
])
def test_bad_input_is_refused(kwargs, match):
    args = {"activation": "tanh", "sizes": [10, 5, 3], "init": "standard", "input_second_moment": 1.0} | kwargs
    with pytest.raises(ValueError, match=match):
        variance_theory.propagate(**args)
