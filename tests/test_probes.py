"""glorot.probes against independent computations (torch.autograd, numpy)."""

import numpy as np
import pandas as pd
import pytest
import torch

from glorot import data, nets, probes


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


def test_histograms_are_densities_on_bins_of_each_layers_own_range():
    stack = small_stack(activations="tanh")
    x = torch.randn(50, 7, dtype=torch.float64)
    y = torch.randint(0, 3, (50,))
    vals = probes.layer_values(stack, x, y)
    h = probes.histograms(stack, x, y, bins=20, values=vals)
    assert not h["diverged"].any()
    for (q, k, m), g in h.groupby(["quantity", "layer", "model"]):
        assert len(g) == 20
        assert ((g["right"] - g["left"]) * g["density"]).sum() == pytest.approx(1.0, abs=0.011)
        v = vals[q][k - 1][m].double().numpy().ravel()
        hi = min(np.quantile(np.abs(v), probes.HISTOGRAM_SHARE), 1.0 if q == "activation" else np.inf)
        # symmetric about 0 (tanh, gradients), holding the central 99.9% of this layer's own values
        assert g["left"].min() == pytest.approx(-hi) and g["right"].max() == pytest.approx(hi)
        assert (np.abs(v) <= hi + 1e-12).sum() >= probes.HISTOGRAM_SHARE * v.size - 1
    grad = h.query("quantity == 'backprop_grad'")
    assert grad.groupby(["model", "layer"])["left"].min().nunique() == len(grad.groupby(["model", "layer"]))  # each its own


def test_a_narrow_layer_gets_as_many_bins_across_its_spread_as_a_wide_one():
    """Fig. 7, standard init: layer 1's dC/ds is ten times narrower than layer 5's; each layer's
    own range keeps it resolved (about the same bins per std in every layer)."""
    stack = nets.MLPStack([1024, 1000, 1000, 1000, 1000, 1000, 9], activations="tanh", inits="standard", seeds=[0])
    x, y = data.examples("shapeset", 100)
    vals = probes.layer_values(stack, x, y, ["backprop_grad"])
    h = probes.histograms(stack, x, y, ["backprop_grad"], bins=100, values=vals)
    per_std = [float(vals["backprop_grad"][k][0].std()) / float((g["right"] - g["left"]).iloc[0])
               for k, (_, g) in enumerate(h.groupby("layer"))]
    assert float(vals["backprop_grad"][0][0].std()) < 0.3 * float(vals["backprop_grad"][4][0].std())
    assert min(per_std) > 10 and max(per_std) / min(per_std) < 2  # one range over all layers: layer 1 about 2 bins per std


def test_a_fixed_range_is_shared_by_every_layer_and_model():
    stack = small_stack(activations="tanh")
    x = torch.randn(50, 7, dtype=torch.float64)
    y = torch.randint(0, 3, (50,))
    h = probes.histograms(stack, x, y, ["activation"], bins=10, ranges={"activation": (-1.0, 1.0)})
    assert h.groupby(["layer", "model"])["left"].apply(tuple).nunique() == 1
    assert h["left"].min() == -1 and h["right"].max() == 1


# --------------------------------------------------------------------------- one diverged model stays alone

SIZES = [20, 8, 8, 3]


def _stack(seeds):
    return nets.MLPStack(SIZES, activations="tanh", seeds=seeds)


def _broken_stack(how):
    """Models 0, 1, 2; model 1 diverged: NaN weights (before training noticed) or huge
    finite weights and stopped by training (``active`` False)."""
    stack = _stack([0, 1, 2])
    for W in stack.weights:
        if how == "nan":
            W[1] = float("nan")
        else:
            W[1] *= 1e4
    if how == "inactive":
        stack.active[1] = False
    return stack


def _data():
    gen = torch.Generator().manual_seed(3)
    return torch.randn(30, 20, generator=gen), torch.randint(0, 3, (30,), generator=gen)


def _same(got, expected):
    """Equal, exactly, but for the model index (its position in the stack)."""
    pd.testing.assert_frame_equal(got.drop(columns="model").reset_index(drop=True),
                                  expected.drop(columns="model").reset_index(drop=True), check_exact=True)


def _healthy(df):
    return df[df["model"] != 1]


def _diverged_rows(df, value_columns):
    rows = df[df["model"] == 1]
    assert len(rows) and rows["diverged"].all() and not _healthy(df)["diverged"].any()
    assert rows[value_columns].isna().all().all()


@pytest.mark.parametrize("how", ["nan", "inactive"])
def test_a_diverged_model_leaves_its_neighbours_stats_and_histograms_alone(how):
    stack, x, y = _broken_stack(how), *_data()
    ref = _stack([0, 2])
    stats = probes.layer_stats(stack, x, y)
    _same(_healthy(stats), probes.layer_stats(ref, x, y))
    _diverged_rows(stats, ["mean", "std", "var", "abs_mean", "p2", "p98", "min", "max"])
    hist = probes.histograms(stack, x, y, bins=15)
    _same(_healthy(hist), probes.histograms(ref, x, y, bins=15))
    _diverged_rows(hist, ["left", "right", "center", "density"])
    assert len(hist[hist["model"] == 1]) == 3 * stack.n_hidden  # one marker row per quantity and layer
    assert probes.histogram_summary(hist, stats)["peak_density"].notna().all()


@pytest.mark.parametrize("how", ["nan", "inactive"])
def test_a_diverged_model_leaves_its_neighbours_jacobians_alone(how):
    stack, (x, _) = _broken_stack(how), _data()
    got = probes.jacobian_singular_values(stack, x[:4])
    _same(_healthy(got), probes.jacobian_singular_values(_stack([0, 2]), x[:4]))
    _diverged_rows(got, ["mean_singular_value"])


def test_histogram_bins_come_from_each_models_own_values():
    stack, x, y = _broken_stack("inactive"), *_data()
    hist = probes.histograms(stack, x, y, bins=15)
    for m in (0, 2):
        _same(hist[hist["model"] == m], probes.histograms(_stack([m]), x, y, bins=15))


@pytest.mark.parametrize("how", ["nan", "inactive"])
def test_dynamics_probe_marks_a_diverged_model(how):
    stack, x, y = _broken_stack(how), *_data()
    probe = probes.DynamicsProbe(x, y, probes.QUANTITIES, hist_bins=12, output=True, weight_grad_batches=2, output_grad=True)
    got = probe(stack)
    _same(_healthy(got), probe(_stack([0, 2])))
    assert got["diverged"].dtype == bool
    _diverged_rows(got[got["kind"] == "stats"], [*probes.STAT_COLUMNS, "saturated"])
    _diverged_rows(got[got["kind"] == "hist"], ["center", "density"])
    _diverged_rows(got[got["kind"] == "output"], ["share", "rms"])
    _diverged_rows(got[got["kind"] == "outgrad"], ["grad_median", "grad_mean", "wrong_share", "stuck_share"])
    assert got.query("kind == 'stats' and quantity == 'activation' and model != 1")["saturated"].notna().all()


def test_unknown_quantity_names_valid_ones():
    with pytest.raises(ValueError, match="activation, backprop_grad, weight_grad"):
        probes.layer_values(small_stack(), torch.zeros(10, 7, dtype=torch.float64), torch.zeros(10, dtype=torch.long), ["z"])
