"""glorot.probes against independent computations (torch.autograd, numpy)."""

import numpy as np
import pytest
import torch

from glorot import nets, probes


def small_stack(**kw):
    kw = {"activations": ["tanh", "softsign", "sigmoid"], "inits": ["standard", "normalized", "standard"], "seeds": [0, 1, 2], "dtype": torch.float64} | kw
    return nets.MLPStack([7, 6, 5, 4, 3], **kw)


def test_jacobian_singular_values_match_autograd_jacobian():
    stack = small_stack()
    x = torch.randn(3, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    df = probes.jacobian_singular_values(stack, x)
    f = {"tanh": torch.tanh, "softsign": torch.nn.functional.softsign, "sigmoid": torch.sigmoid}
    for m, act in enumerate(stack.activations):
        for e in range(x.shape[0]):
            z = x[e]
            for i in range(stack.n_hidden):
                W, b = stack.weights[i][m], stack.biases[i][m]
                J = torch.autograd.functional.jacobian(lambda v: f[act](v @ W + b), z)
                expected = torch.linalg.svdvals(J).mean().item()
                got = df.query("model == @m and example == @e and layer == @i + 1")["mean_singular_value"].item()
                assert got == pytest.approx(expected, rel=1e-10)
                z = f[act](z @ W + b)


def test_backprop_grad_is_per_example_autograd_gradient():
    stack = small_stack()
    x = torch.randn(5, 7, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 1, 0])
    vals = probes.layer_values(stack, x, y, ["backprop_grad", "activation"])
    m, e = 1, 3  # softsign model, one example
    h = x[e : e + 1].clone().requires_grad_(True)
    ss = []
    for i, (W, b) in enumerate(zip(stack.weights, stack.biases)):
        s = h @ W[m] + b[m]
        s.retain_grad()
        ss.append(s)
        h = torch.nn.functional.softsign(s) if i < len(stack.weights) - 1 else s
    torch.nn.functional.cross_entropy(h, y[e : e + 1]).backward()
    for k in range(stack.n_hidden):
        per_example = vals["backprop_grad"][k][m].view(5, -1)[e]
        assert torch.allclose(per_example, ss[k].grad[0], rtol=1e-10)
        assert torch.allclose(vals["activation"][k][m].view(5, -1)[e], torch.nn.functional.softsign(ss[k])[0].detach())


def test_weight_grad_pools_minibatch_gradients():
    stack = small_stack()
    x = torch.randn(30, 7, dtype=torch.float64)
    y = torch.randint(0, 3, (30,))
    vals = probes.layer_values(stack, x, y, ["weight_grad"], weight_grad_batches=2, batch_size=10)
    fwd = stack.forward(x[10:20])
    g = stack.weight_grads(fwd, stack.backward(fwd, y[10:20]))
    assert vals["weight_grad"][0].shape == (3, 2 * 7 * 6)
    assert torch.equal(vals["weight_grad"][1][:, 6 * 5 :], g[1].reshape(3, -1))


def test_layer_stats_match_numpy():
    stack = small_stack()
    x = torch.randn(40, 7, dtype=torch.float64)
    y = torch.randint(0, 3, (40,))
    vals = probes.layer_values(stack, x, y)
    df = probes.layer_stats(stack, x, y, values=vals)
    assert set(df["quantity"]) == set(probes.QUANTITIES) and set(df["layer"]) == {1, 2, 3}
    for q in probes.QUANTITIES:
        for k in (1, 3):
            v = vals[q][k - 1][2].numpy()
            row = df.query("quantity == @q and layer == @k and model == 2").iloc[0]
            assert row["mean"] == pytest.approx(v.mean())
            assert row["std"] == pytest.approx(v.std())
            assert row["p98"] == pytest.approx(np.percentile(v, 98))
            assert row["p2"] == pytest.approx(np.percentile(v, 2))


def test_histograms_are_densities_on_shared_bins():
    stack = small_stack(activations="tanh")
    x = torch.randn(50, 7, dtype=torch.float64)
    y = torch.randint(0, 3, (50,))
    h = probes.histograms(stack, x, y, bins=20)
    for (q, k, m), g in h.groupby(["quantity", "layer", "model"]):
        assert ((g["right"] - g["left"]) * g["density"]).sum() == pytest.approx(1.0, abs=0.011)
    act = h.query("quantity == 'activation'")
    assert act["left"].min() == -1 and act["right"].max() == 1
    assert act.groupby(["layer", "model"])["left"].apply(tuple).nunique() == 1


def test_unknown_quantity_names_valid_ones():
    with pytest.raises(ValueError, match="activation, backprop_grad, weight_grad"):
        probes.layer_values(small_stack(), torch.zeros(10, 7, dtype=torch.float64), torch.zeros(10, dtype=torch.long), ["z"])
