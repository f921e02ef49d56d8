"""Checks of the quadratic-cost extension of glorot.nets (against torch.autograd) and of the
Fig. 5 cost surfaces (against finite differences), §4.1."""

import numpy as np
import pandas as pd
import pytest
import torch

from glorot import experiments, nets
from glorot.experiments import cost as cost_section
from reference import assert_backward_matches_autograd, autograd_reference, rel_err


def test_costs_are_validated_and_default_to_cross_entropy():
    stack = nets.MLPStack([4, 3, 2])
    assert stack.costs == ["cross_entropy"]
    assert "cost_fn" not in stack.describe()[0]  # tables of cross-entropy runs keep their columns
    with pytest.raises(ValueError, match="valid costs: cross_entropy, quadratic"):
        nets.MLPStack([4, 3, 2], costs="hinge")
    mixed = nets.MLPStack([4, 3, 2], costs=["cross_entropy", "quadratic"], seeds=[0, 0])
    assert mixed.n_models == 2 and [r["cost_fn"] for r in mixed.describe()] == ["cross_entropy", "quadratic"]
    assert mixed.select([1]).costs == ["quadratic"]
    with pytest.raises(ValueError, match="costs"):
        nets.MLPStack([4, 3, 2], costs=["cross_entropy", "quadratic"], seeds=[0, 0]).load_state_dict(
            nets.MLPStack([4, 3, 2], costs=["quadratic", "quadratic"], seeds=[0, 0]).state_dict())


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softsign"])
def test_quadratic_cost_backward_equals_autograd(activation):
    """Cost, output delta and every dC/ds, dC/dW (eqs. 2, 3) for a stack mixing both costs."""
    stack = nets.MLPStack([12, 9, 7, 4], activations=activation, costs=["quadratic", "cross_entropy", "quadratic"],
                          seeds=[3, 3, 4], dtype=torch.float64)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(6, 12, dtype=torch.float64, generator=g) * 2
    y = torch.randint(0, 4, (6,), generator=g)
    deltas = assert_backward_matches_autograd(stack, x, y, tol=1e-10)
    # Same weights (models 0 and 1 share seed 3), different costs: different gradients.
    assert not torch.allclose(deltas[-1][0], deltas[-1][1])


@pytest.mark.parametrize("path", ["loop", "batched"])
def test_quadratic_sgd_step_equals_autograd_update(path):
    stack = nets.MLPStack([10, 7, 7, 3], activations="tanh", learning_rates=[0.1, 0.37], seeds=[1, 2], costs=["quadratic", "cross_entropy"],
                          dtype=torch.float64)
    x = torch.randn(10, 10, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    y = torch.tensor([0, 1, 2, 0, 1, 2, 2, 1, 0, 0])
    refs = []
    for k in range(2):
        c, _, dW, db = autograd_reference(stack, k, x, y)
        lr = float(stack.learning_rates[k])
        refs.append((c, [W[k] - lr * g for W, g in zip(stack.weights, dW)], [b[k] - lr * g for b, g in zip(stack.biases, db)]))
    cost = (stack._sgd_step_loop if path == "loop" else stack._sgd_step_batched)(x, y)
    for k, (c, Ws, bs) in enumerate(refs):
        assert torch.allclose(cost[k], c, rtol=1e-12)
        for W, r in zip(stack.weights, Ws):
            assert rel_err(W[k], r) <= 1e-10
        for b, r in zip(stack.biases, bs):
            assert rel_err(b[k], r) <= 1e-10


def test_quadratic_delta_vanishes_when_the_softmax_is_confidently_wrong():
    """The plateau mechanism of §4.1: with p(y) ~ 0 and p(other) ~ 1 the cross-entropy's
    output gradient is ~(p - t), of norm ~sqrt(2), while the quadratic's is ~0."""
    stack = nets.MLPStack([2, 2, 3], costs=["cross_entropy", "quadratic"], seeds=[0, 0], dtype=torch.float64)
    for b in stack.biases:
        b.zero_()
    stack.weights[-1].zero_()
    stack.biases[-1][:] = torch.tensor([30.0, 0.0, 0.0], dtype=torch.float64)
    fwd = stack.forward(torch.zeros(1, 2, dtype=torch.float64))
    delta = stack.output_delta(fwd, torch.tensor([1]))
    assert float(delta[0].norm()) > 1.4
    assert float(delta[1].norm()) < 1e-10


def test_surface_gradient_equals_finite_differences():
    cfg = experiments.config("cost_surface", "smoke")
    for cost in cfg["costs"]:
        surf = cost_section.surface(cfg, cost)
        n = cfg["grid"]
        c = surf["cost"].to_numpy().reshape(n, n)
        step = 2 * cfg["limit"] / (n - 1)
        d1, d2 = np.gradient(c, step, step)
        # central differences on a 0.4-step grid: compare where the surface is smooth enough
        inner = (slice(1, -1), slice(1, -1))
        g1 = surf["grad_w1"].to_numpy().reshape(n, n)
        g2 = surf["grad_w2"].to_numpy().reshape(n, n)
        scale = max(np.abs(g1).max(), np.abs(g2).max())
        assert np.median(np.abs(d1[inner] - g1[inner])) < 0.05 * scale
        assert np.median(np.abs(d2[inner] - g2[inner])) < 0.05 * scale
        assert np.allclose(surf["grad_norm"], np.hypot(surf["grad_w1"], surf["grad_w2"]))


def test_surface_at_one_point_equals_a_plain_autograd_computation():
    cfg = experiments.config("cost_surface", "smoke")
    stack, x, y, axis = cost_section._grid_stack(cfg, "quadratic", "cpu")
    surf = cost_section.surface(cfg, "quadratic")
    i = 5 * cfg["grid"] + 13  # grid point (w1 = axis[5], w2 = axis[13])
    ref_cost, _, ref_dW, _ = autograd_reference(stack, i, x, y)
    assert stack.weights[0][i, 0, 0] == axis[5] and surf["w1"].iloc[i] == axis[5] and surf["w2"].iloc[i] == axis[13]
    assert np.isclose(surf["cost"].iloc[i], float(ref_cost), rtol=1e-10)
    assert np.isclose(surf["grad_w1"].iloc[i], float(ref_dW[0][0, 0]), rtol=1e-8)
    assert np.isclose(surf["grad_w2"].iloc[i], float(ref_dW[1][0, int(y[0])]), rtol=1e-8)


def test_plateau_shares_count_flat_points():
    surf = pd.DataFrame({"cost_fn": ["a"] * 4, "cost": [0.0, 1.0, 2.0, 2.0], "grad_norm": [0.0, 0.5, 1e-4, 0.2]})
    p = cost_section.plateau_shares(surf, thresholds=[1e-3, 0.3], limit=1.0)
    a = p[p["measure"] == "absolute"]
    assert list(a["flat_share"]) == [0.5, 0.75]
    # flat AND above min + half the range (cost > 1): the points of cost 2 with gradient below the threshold
    assert list(a["flat_and_high_share"]) == [0.25, 0.5]
    # relative: gradient over (range / grid width) = grad / (2 / 2)
    r = p[p["measure"] == "relative"]
    assert list(r["flat_share"]) == [0.5, 0.75]


def test_cost_experiments_run_at_smoke_scale_and_validate():
    res = experiments.run("cost_surface", "smoke", use_archive=False)
    assert set(res["surface"]["cost_fn"]) == {"cross_entropy", "quadratic"}
    assert len(res["surface"]) == 2 * 21 * 21
    cmp = experiments.run("cost_comparison", "smoke", use_archive=False)
    assert set(cmp["curves"]["cost_fn"]) == {"cross_entropy", "quadratic"} and set(cmp["curves"]["split"]) == {"test", "valid"}
    assert set(cmp["stats"]["quantity"]) == {"activation", "backprop_grad"}
    with pytest.raises(ValueError, match="valid costs"):
        experiments.config("cost_comparison", "smoke", costs=["hinge"])
    with pytest.raises(ValueError, match="valid activations"):
        experiments.config("cost_comparison", "smoke", activation="foo")


def test_chosen_on_validation_picks_each_costs_lowest_validation_error_at_the_end():
    rows = []
    for cost, lr, valid_end in [("cross_entropy", 0.01, 0.60), ("cross_entropy", 0.1, 0.55),
                                ("quadratic", 0.01, 0.70), ("quadratic", 0.1, 0.75)]:
        for update, valid in [(0, 0.1), (100, valid_end)]:  # the early, lower errors must not count
            rows += [{"cost_fn": cost, "lr": lr, "update": update, "split": "valid", "error": valid},
                     {"cost_fn": cost, "lr": lr, "update": update, "split": "test", "error": valid + 0.01}]
    table, best = cost_section.chosen_on_validation(pd.DataFrame(rows))
    assert table.shape == (4, 2)
    assert best[["cost_fn", "lr"]].values.tolist() == [["cross_entropy", 0.1], ["quadratic", 0.01]]
    assert best["test"].round(2).tolist() == [0.56, 0.71]
