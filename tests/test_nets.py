"""Checks of glorot.nets against independent computations: torch.autograd for eqs. (2)-(3),
closed-form variances for eqs. (1) and (16)."""

import math

import pytest
import torch

from glorot import nets
from reference import assert_backward_matches_autograd, autograd_reference, rel_err

ACTS = list(nets.ACTIVATIONS)


@pytest.mark.parametrize("activation", ACTS)
def test_backward_equals_autograd(activation):
    torch.manual_seed(0)
    stack = nets.MLPStack([12, 9, 8, 7, 4], activations=activation, inits=["standard", "normalized"], seeds=[3, 4], dtype=torch.float64)
    x = torch.randn(6, 12, dtype=torch.float64)
    y = torch.randint(0, 4, (6,))
    assert_backward_matches_autograd(stack, x, y, tol=1e-5)


@pytest.mark.parametrize("device_path", ["loop", "batched"])
@pytest.mark.parametrize("activation", ACTS)
def test_sgd_step_equals_autograd_update(activation, device_path):
    """One in-place SGD step (both code paths) equals W - lr * autograd gradient."""
    stack = nets.MLPStack([10, 7, 7, 3], activations=activation, learning_rates=[0.1, 0.37], seeds=[1, 2], dtype=torch.float64)
    x = torch.randn(10, 10, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    y = torch.tensor([0, 1, 2, 0, 1, 2, 2, 1, 0, 0])
    refs = []
    for k in range(2):
        _, _, dW, db = autograd_reference(stack, k, x, y)
        lr = float(stack.learning_rates[k])
        refs.append(([W[k] - lr * g for W, g in zip(stack.weights, dW)], [b[k] - lr * g for b, g in zip(stack.biases, db)]))
    step = stack._sgd_step_loop if device_path == "loop" else stack._sgd_step_batched
    cost = step(x, y)
    assert torch.isfinite(cost).all()
    for k, (Ws, bs) in enumerate(refs):
        for W, r in zip(stack.weights, Ws):
            assert rel_err(W[k], r) <= 1e-10
        for b, r in zip(stack.biases, bs):
            assert rel_err(b[k], r) <= 1e-10


def test_mixed_activations_in_one_stack_match_separate_stacks():
    acts = ["sigmoid", "tanh", "softsign", "tanh"]
    stack = nets.MLPStack([8, 6, 6, 3], activations=acts, seeds=[0, 1, 2, 3], dtype=torch.float64)
    x = torch.randn(5, 8, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 1, 0])
    deltas = stack.backward(stack.forward(x), y)
    for k, a in enumerate(acts):
        alone = nets.MLPStack([8, 6, 6, 3], activations=a, seeds=k, dtype=torch.float64)
        d_alone = alone.backward(alone.forward(x), y)
        for d, da in zip(deltas, d_alone):
            assert torch.allclose(d[k], da[0])


@pytest.mark.parametrize("init,expected", [("standard", lambda n_in, n_out: 1 / (3 * n_in)), ("normalized", lambda n_in, n_out: 2 / (n_in + n_out))])
def test_initial_weight_variance(init, expected):
    """Eq. (1): Var[W] = 1/(3 n_in); eq. (16): Var[W] = 2/(n_in + n_out). Checked on
    400k-weight matrices to within 4 standard errors of the sample variance."""
    stack = nets.MLPStack([1024, 400, 1000, 9], inits=init, seeds=7)
    for W in stack.weights:
        n_in, n_out = W.shape[1:]
        v = expected(n_in, n_out)
        w = W[0].double().flatten()
        n = w.numel()
        # Var of the sample variance of U[-a,a]: (mu4 - sigma^4)/n with mu4 = a^4/5, sigma^2 = a^2/3.
        a2 = 3 * v
        se = math.sqrt((a2**2 / 5 - v**2) / n)
        assert abs(float(w.var()) - v) < 4 * se
        assert float(w.abs().max()) <= math.sqrt(a2) + 1e-6
        assert float(w.mean()) == pytest.approx(0.0, abs=4 * math.sqrt(v / n))
    for b in stack.biases:
        assert torch.count_nonzero(b) == 0


def test_standard_init_gives_n_var_one_third():
    """Eq. (15): n * Var[W] = 1/3 for the standard initialization, whatever n."""
    for n in (10, 1000, 4096):
        assert n * nets.init_variance("standard", n, 7) == pytest.approx(1 / 3)
    assert nets.init_variance("normalized", 1000, 1000) * 1000 == pytest.approx(1.0)


def test_seed_determines_weights_and_stack_neighbours_do_not():
    a = nets.MLPStack([20, 10, 3], seeds=[5, 6])
    b = nets.MLPStack([20, 10, 3], seeds=[6])
    c = nets.MLPStack([20, 10, 3], seeds=[5, 6])
    assert torch.equal(a.weights[0][1], b.weights[0][0])
    assert torch.equal(a.weights[0], c.weights[0])
    assert not torch.equal(a.weights[0][0], a.weights[0][1])


def test_unknown_activation_and_init_name_the_valid_choices():
    with pytest.raises(ValueError, match="sigmoid, tanh, softsign"):
        nets.MLPStack([4, 3, 2], activations="foo")
    with pytest.raises(ValueError, match="standard, normalized"):
        nets.MLPStack([4, 3, 2], inits="xavier")
    with pytest.raises(ValueError, match="one per model"):
        nets.MLPStack([4, 3, 2], activations=["tanh", "tanh"], seeds=[1, 2, 3])
    with pytest.raises(ValueError, match="learning rates"):
        nets.MLPStack([4, 3, 2], learning_rates=-1.0)


def test_state_dict_round_trip_and_select():
    a = nets.MLPStack([6, 5, 3], activations=["tanh", "softsign", "sigmoid"], seeds=[1, 2, 3])
    a.sgd_step(torch.randn(10, 6), torch.randint(0, 3, (10,)))
    b = nets.MLPStack([6, 5, 3], activations=["tanh", "softsign", "sigmoid"], seeds=[1, 2, 3])
    b.load_state_dict(a.state_dict())
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        assert torch.equal(wa, wb)
    sub = a.select([2])
    assert sub.activations == ["sigmoid"] and torch.equal(sub.weights[0][0], a.weights[0][2])
