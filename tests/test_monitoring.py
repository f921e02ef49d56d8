"""Checks of glorot.dynamics: the instruments (output decomposition, saturation share),
lockstep training on a shared stream (= separate uninterrupted runs), probing that does not
change training (through the experiment runner), and the analysis helpers on known series."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from glorot import experiments, monitoring, nets, probes, shapeset
from glorot.experiments import gradients, saturation
from glorot.train import UPDATES_PER_EPOCH, ArrayStream, SharedStream, cpu_threads, segments, train, train_lockstep


def small_data(n=200, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1024, generator=g)
    return x, (x[:, :9].argmax(1))


def test_output_decomposition_sums_to_one_and_matches_a_direct_computation():
    stack = nets.MLPStack([1024, 20, 20, 9], activations=["sigmoid", "tanh"], seeds=[0, 1], dtype=torch.float64)
    g = torch.Generator().manual_seed(3)
    stack.biases[-1].copy_(torch.randn(2, 9, generator=g, dtype=torch.float64))
    x, _ = small_data(50)
    out = probes.output_decomposition(stack, x)
    for m in range(2):
        o = out[out["model"] == m].set_index("term")
        parts = o.loc[["bias", "mean_input", "cross", "input_dependent"], "share"]
        assert abs(parts.sum() - 1) < 1e-12
        # direct: mean over examples of the class-centred squared norm of s = b + W h
        s = stack.forward(x.double()).s[-1][m]
        cs = s - s.mean(1, keepdim=True)
        assert np.isclose(o.loc["total", "rms"] ** 2, float(cs.square().sum(1).mean()), rtol=1e-10)
        b = stack.biases[-1][m]
        assert np.isclose(o.loc["bias", "rms"] ** 2, float((b - b.mean()).square().sum()), rtol=1e-10)
    # W = 0 at the output: everything the softmax sees comes from the biases
    stack.weights[-1].zero_()
    out = probes.output_decomposition(stack, x)
    assert np.allclose(out[out["term"] == "bias"]["share"], 1.0)
    assert np.allclose(out[out["term"] == "input_dependent"]["share"], 0.0)


def test_saturated_share_counts_units_whose_derivative_is_below_four_percent_of_its_peak():
    stack = nets.MLPStack([4, 3, 2], activations=["sigmoid", "tanh", "softsign", "relu"], seeds=[0, 0, 0, 0])
    layer = torch.tensor([[0.005, 0.5, 0.995, 0.3], [-0.99, 0.97, 0.985, 0.0], [0.85, -0.79, -0.81, 0.1], [5.0, 0.0, 1.0, 2.0]])
    share = probes.saturated_share(stack, [layer])
    assert share[0, 0] == 0.5  # sigmoid: f' = z(1-z) < 0.01 at 0.005 and 0.995
    assert share[1, 0] == 0.5  # tanh: 1 - z^2 < 0.04, |z| > 0.98: -0.99 and 0.985
    assert share[2, 0] == 0.5  # softsign: (1 - |z|)^2 < 0.04, |z| > 0.8: 0.85 and -0.81
    assert share[3, 0] == 0.25  # relu: f' = 0 at its one inactive unit


@pytest.mark.parametrize("activation, s_edge", [("tanh", math.atanh(math.sqrt(0.96))), ("softsign", 4.0), ("sigmoid", None)])
def test_the_saturation_threshold_is_four_percent_of_the_largest_derivative_by_autograd(activation, s_edge):
    """Independent of grad_from_output: autograd's f'(s) on a grid, its largest value, and (where
    a closed form is known) the |s| beyond which f'(s) < 0.04 max f'."""
    act = nets.ACTIVATIONS[activation]
    s = torch.linspace(-20, 20, 40_001, dtype=torch.float64, requires_grad=True)
    (fprime,) = torch.autograd.grad(act.f(s).sum(), s)
    assert probes.saturation_threshold(activation) == pytest.approx(0.04 * float(fprime.max()), rel=1e-9)
    if s_edge is not None:
        below = s.detach()[fprime < probes.saturation_threshold(activation)].abs().min()
        assert float(below) == pytest.approx(s_edge, abs=2e-3)


def test_shared_stream_serves_every_reader_the_lone_streams_examples():
    lone = shapeset.ShapesetStream(seed=7, chunk=100)
    want = [lone.next_batch(10) for _ in range(30)]
    shared = SharedStream(shapeset.ShapesetStream(seed=7, chunk=100), 2, block=70)
    a, b = shared.reader(0), shared.reader(1)
    got_a, got_b = [], []
    for i in range(3):  # reader a runs ahead by 10 batches, then b catches up
        got_a += [a.next_batch(10) for _ in range(10)]
        got_b += [b.next_batch(10) for _ in range(10)]
    for (x, y), (xa, ya), (xb, yb) in zip(want, got_a, got_b):
        assert torch.equal(x, xa) and torch.equal(y, ya) and torch.equal(x, xb) and torch.equal(y, yb)
    assert len(shared.blocks) <= 2  # blocks behind every reader are freed


def test_segments_cover_the_run():
    assert segments(100, 30) == [30, 30, 30, 10]
    assert segments(100, 50, early_updates=20, early_probe_every=5) == [5, 5, 5, 5, 50, 30]
    assert sum(segments(1000, 70, 130, 9)) == 1000


def test_lockstep_training_equals_separate_uninterrupted_runs():
    """Two stacks of different depths cut into segments on one shared stream take exactly
    the updates of one plain train() call each on its own copy of the stream."""
    x, y = small_data()
    make = [lambda: nets.MLPStack([1024, 12, 12, 9], activations="tanh", learning_rates=0.1, seeds=4),
            lambda: nets.MLPStack([1024, 12, 12, 12, 9], activations=["sigmoid", "softsign"], learning_rates=[0.3, 0.1], seeds=[5, 5])]
    plain = [train(m(), ArrayStream(x, y, seed=2), 130).stack for m in make]
    stacks = [m() for m in make]
    res = train_lockstep(stacks, ArrayStream(x, y, seed=2), segments(130, 40, 20, 7),
                                  eval_every=60, eval_sets={"t": (x, y)})
    for a, b in zip(plain, stacks):
        for u, v in zip(a.weights + a.biases, b.weights + b.biases):
            assert torch.equal(u, v)
    ups = sorted(res[1]["curves"]["update"].unique())
    assert ups == [0, 60, 130]  # segment ends 7, 14, 20, 60, 100, 130: evaluated at 0, past each multiple of 60, at the end
    assert res[0]["curves"].groupby("update").size().eq(1).all()


def test_probing_does_not_change_training_through_the_runner():
    """The same seed gives the same weights with and without every probe of the experiment."""
    cfg = experiments.config("gradient_dynamics", "smoke")
    spec = monitoring.Spec(depth=cfg.depth, activations=cfg.activation, inits=cfg.inits, learning_rates=cfg.learning_rates,
                           quantities=("activation", "backprop_grad", "weight_grad"), output=True)
    cfg = cfg.replace(hist_bins=10)
    frames, (probed,) = monitoring.run_dynamics(cfg, "cpu", [spec])
    assert len(frames["stats"]["update"].unique()) == 9 and {"hist", "output"} <= set(frames)
    plain = nets.MLPStack([1024] + [cfg["width"]] * cfg["depth"] + [9], activations=cfg["activation"], inits=cfg["inits"],
                          learning_rates=cfg["learning_rates"], seeds=[cfg["seed"]] * 2)
    with cpu_threads(cfg["cpu_threads"]):
        train(plain, shapeset.ShapesetStream(seed=cfg["train_seed"]), cfg["updates"])
    for a, b in zip(plain.weights + plain.biases, probed.weights + probed.biases):
        assert torch.equal(a, b)
    # and a different training seed gives different weights (the comparison can fail)
    other = nets.MLPStack([1024] + [cfg["width"]] * cfg["depth"] + [9], activations=cfg["activation"], inits=cfg["inits"],
                          learning_rates=cfg["learning_rates"], seeds=[cfg["seed"]] * 2)
    train(other, shapeset.ShapesetStream(seed=cfg["train_seed"] + 1), cfg["updates"])
    assert not torch.equal(other.weights[0], probed.weights[0])


@pytest.fixture(scope="module")
def smoke():
    """Each experiment of the module once at the smoke profile (live), shared by the tests."""
    return {name: experiments.run(name, "smoke", use_archive=False)
            for name in ["sigmoid_saturation", "activation_saturation", "gradient_dynamics"]}


@pytest.mark.parametrize("name", ["sigmoid_saturation", "activation_saturation", "gradient_dynamics"])
def test_experiments_run_at_smoke_scale_with_the_paper_time_axis(smoke, name):
    res = smoke[name]
    stats = res["stats"]
    cfg = res.config
    assert {"update", "examples", "epoch", "layer", "quantity", "mean", "std", "var", "p2", "p98"} <= set(stats.columns)
    assert np.allclose(stats["epoch"], stats["update"] / UPDATES_PER_EPOCH)
    assert stats["update"].max() == cfg["updates"]
    assert stats["update"].min() == 0
    act = stats[stats["quantity"] == "activation"]
    assert act["saturated"].between(0, 1).all()
    # the 2nd percentile is below the 98th, the std is non-negative
    assert (stats["p2"] <= stats["p98"]).all() and (stats["std"] >= 0).all()
    assert res["curves"]["split"].eq("test").all()
    assert stats["layer"].dtype.kind == "i"
    if name == "sigmoid_saturation":
        assert set(stats["depth"]) == {4, 5} and set(res["output"]["term"]) >= {"bias", "input_dependent"}


def test_gradient_dynamics_records_the_quantities_of_figs_9_and_10_and_dense_early_probes(smoke):
    res = smoke["gradient_dynamics"]
    stats, cfg = res["stats"], res.config
    assert set(stats["quantity"]) == {"activation", "backprop_grad", "weight_grad"}
    ups = sorted(stats["update"].unique())
    early = [u for u in ups if u <= cfg["early_updates"]]
    assert early == list(range(0, cfg["early_updates"] + 1, cfg["early_probe_every"]))
    assert set(stats["init"]) == {"standard", "normalized"}


def test_histograms_are_kept_only_at_the_chosen_times(smoke):
    res = smoke["activation_saturation"]
    hist, cfg = res["hist"], res.config
    assert sorted(hist["update"].unique()) == [0, cfg["updates"] // 2, cfg["updates"]]
    def mass(g):  # each layer has its own bins, evenly spaced
        c = np.sort(g["center"].to_numpy())
        return g["density"].sum() * (c[-1] - c[0]) / (len(c) - 1)

    masses = hist.groupby(["update", "activation", "layer"])[["center", "density"]].apply(mass)
    assert np.allclose(masses, 1.0)


def test_experiment_choices_are_validated_before_compute():
    with pytest.raises(ValueError, match="valid activations: sigmoid, tanh"):
        experiments.config("activation_saturation", "smoke", activations=["tanh", "foo"])
    with pytest.raises(ValueError, match="valid activations"):
        experiments.config("sigmoid_saturation", "smoke", activation="foo")
    with pytest.raises(ValueError, match="valid inits"):
        experiments.config("gradient_dynamics", "smoke", inits=["xavier"])
    with pytest.raises(ValueError, match="unknown parameter"):
        experiments.config("gradient_dynamics", "smoke", depthh=3)
    with pytest.raises(ValueError, match="one value per entry of inits"):
        experiments.run("gradient_dynamics", "smoke", use_archive=False, learning_rates=[0.1])


# --------------------------------------------------------------------------- analysis helpers


def _series(values, layer=4, depth=4, every=1000, saturated=None):
    return pd.DataFrame({"quantity": "activation", "depth": depth, "layer": layer, "update": np.arange(len(values)) * every,
                         "mean": values, "saturated": saturated if saturated is not None else 0.0})


def test_top_layer_events_find_the_fall_the_saturation_and_the_recovery():
    top = _series([0.5, 0.3, 0.09, 0.02, 0.01, 0.05, 0.2, 0.3], saturated=[0, 0, 0.2, 0.8, 0.9, 0.4, 0.1, 0.0])
    lower = _series([0.5] * 8, layer=1, saturated=[0, 0, 0, 0, 0, 0.1, 0.3, 0.6])
    ev = saturation.top_layer_events(pd.concat([top, lower]))
    e = ev.iloc[0]
    assert e["top_layer"] == 4 and e["fall_update"] == 2000 and e["recover_update"] == 6000
    assert e["saturated_update"] == 3000 and e["desaturated_update"] == 5000 and e["max_mean_after"] == 0.3
    assert e["min_mean"] == 0.01 and e["min_at_update"] == 4000 and e["layer1_saturated_final"] == 0.6
    assert e["fall_epoch"] == 2000 / UPDATES_PER_EPOCH
    never = saturation.top_layer_events(pd.concat([_series([0.5, 0.05, 0.01, 0.01], depth=5, layer=5, saturated=[0, 0.6, 0.9, 0.95]),
                                                 _series([0.5] * 4, depth=5, layer=1)]))
    n = never.iloc[0]
    assert n["fall_update"] == 1000 and pd.isna(n["recover_update"]) and pd.isna(n["desaturated_update"])


def test_saturation_order_settle_and_reversal_helpers():
    rows = []
    for layer, start in [(1, 2), (2, 4), (3, 6)]:
        for t in range(8):
            rows.append({"quantity": "activation", "activation": "tanh", "layer": layer, "update": t * 100,
                         "saturated": 0.9 if t >= start else 0.1, "std": 0.8 if t >= start else 0.1})
    order = saturation.saturation_order(pd.DataFrame(rows), level=0.5)
    assert list(order["update"]) == [200, 400, 600]
    assert list(saturation.settle_update(pd.DataFrame(rows), frac=0.8)["update"]) == [200, 400, 600]
    grads = []
    # per-layer growth 10 (shrinking toward the input), then flat, then reversed (factor 1/2)
    for t, factor in enumerate([10.0, 1.0, 0.5]):
        for layer in range(1, 4):
            grads.append({"quantity": "backprop_grad", "init": "standard", "layer": layer, "update": 50 * t, "epoch": 50 * t / 2e4,
                          "var": 1e-3 * factor ** (layer - 1)})
    ratio = gradients.gradient_ratio(pd.DataFrame(grads))
    assert np.allclose(ratio["ratio_first_to_top"], [0.01, 1.0, 4.0])
    assert np.allclose(ratio["factor_per_layer"], [10.0, 1.0, 0.5])
    rev = gradients.reversal_update(ratio).iloc[0]
    assert rev["flat_update"] == 50 and rev["reversed_update"] == 100 and rev["first_above_top_update"] == 100
    assert rev["factor_at_0"] == pytest.approx(10.0) and rev["ratio_at_0"] == pytest.approx(0.01)


def test_histogram_modes_find_the_knee_modes_and_the_saturated_ends():
    centers = np.linspace(-0.99, 0.99, 100)
    knee = np.exp(-((np.abs(centers) - 0.7) ** 2) / 0.005)
    ends = np.where(np.abs(centers) > 0.96, 30.0, 0.01)
    rows = [pd.DataFrame({"activation": a, "layer": 1, "center": centers, "density": d / (d.sum() * 0.02)})
            for a, d in (("softsign", knee), ("tanh", ends))]
    modes = saturation.histogram_modes(pd.concat(rows)).set_index("activation")
    assert abs(modes.loc["softsign", "mode_pos"] - 0.7) < 0.02 and abs(modes.loc["softsign", "mode_neg"] + 0.7) < 0.02
    assert modes.loc["tanh", "share_at_ends"] > 0.9 and modes.loc["softsign", "share_at_ends"] < 0.01


def _wg_stats(stds_by_update, init="standard"):
    rows = [{"init": init, "update": u, "epoch": u / UPDATES_PER_EPOCH, "layer": k + 1, "quantity": "weight_grad", "std": s,
             "diverged": False} for u, stds in stds_by_update.items() for k, s in enumerate(stds)]
    return pd.DataFrame(rows)


def test_weight_grad_order_finds_the_widest_layer_the_full_order_and_how_long_layer_1_leads():
    stats = _wg_stats({0: [1, 1, 1], 1000: [3, 2, 1], 2000: [3, 1, 2], 3000: [1, 2, 3], 4000: [4, 2, 1], 5000: [5, 4, 1]})
    order = gradients.weight_grad_order(stats)
    assert order["widest"].tolist() == [1, 1, 1, 3, 1, 1]
    assert order["ordered"].tolist() == [False, True, False, False, True, True]
    assert order["spread"].tolist() == [1, 3, 3, 3, 4, 5]
    summary = gradients.order_summary(order).iloc[0]
    assert summary["probes"] == 5  # the probe at initialization is left out
    assert summary["layer1_widest_share"] == 0.8 and summary["ordered_share"] == 0.6
    assert summary["first_layer1_widest"] == 1000 and summary["last_layer1_widest"] == 5000
    assert summary["longest_layer1_widest"] == 1000  # 1000-2000 and 4000-5000, broken at 3000
    assert summary["most_often_widest"] == 1 and summary["spread_final"] == 5


@pytest.mark.parametrize("kwargs, message", [
    ({"activation": "relu6"}, "valid activations: "),
    ({"activation": "tanh", "share": 0}, "share must be a finite number > 0"),
    ({"activation": "tanh", "share": -0.1}, "share must be a finite number > 0"),
    ({"activation": "tanh", "share": float("nan")}, "share must be a finite number > 0"),
    ({"activation": "tanh", "share": "a lot"}, "share must be a number"),
    ({"activation": "tanh", "share": 4.0}, r"share must be in \(0, 1\]"),
])
def test_the_saturation_threshold_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        probes.saturation_threshold(**kwargs)
