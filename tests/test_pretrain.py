"""Denoising auto-encoder pre-training (glorot.pretrain): gradients against autograd, and behaviour."""

from __future__ import annotations

import pytest
import torch

from glorot import checkpoints, nets, pretrain
from glorot.train import ArrayStream

torch.set_num_threads(1)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softsign", "linear"])
def test_dae_gradients_match_autograd(activation):
    g = torch.Generator().manual_seed(3)
    n_in, n_out, batch = 7, 5, 4
    W = torch.randn(n_in, n_out, generator=g, dtype=torch.float64) * 0.5
    b = torch.randn(n_out, generator=g, dtype=torch.float64) * 0.1
    c = torch.randn(n_in, generator=g, dtype=torch.float64) * 0.1
    x = torch.rand(batch, n_in, generator=g, dtype=torch.float64) * 2 - 1
    mask = pretrain.masking_noise((batch, n_in), 0.3, g, torch.float64)
    ours = pretrain.dae_gradients(W, b, c, x, mask, activation)

    Wa, ba, ca = (t.clone().requires_grad_(True) for t in (W, b, c))
    f = nets.ACTIVATIONS[activation].f
    h = f((x * mask) @ Wa + ba)
    r = h @ Wa.T + ca
    cost = 0.5 * ((r - x) ** 2).sum(1).mean()
    cost.backward()
    assert float(ours.cost) == pytest.approx(float(cost.detach()), rel=1e-12)
    for mine, ref in ((ours.dW, Wa.grad), (ours.db, ba.grad), (ours.dc, ca.grad)):
        assert torch.allclose(mine, ref, rtol=1e-10, atol=1e-12), (mine - ref).abs().max()


def test_masking_noise_destroys_the_stated_fraction():
    g = torch.Generator().manual_seed(0)
    mask = pretrain.masking_noise((2000, 100), 0.25, g)
    assert set(mask.unique().tolist()) <= {0.0, 1.0}
    assert abs(float(1 - mask.mean()) - 0.25) < 0.01


def _toy(n=300, d=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    # low-dimensional structure that an auto-encoder can learn
    basis = torch.randn(3, d, generator=g)
    x = torch.tanh(torch.randn(n, 3, generator=g) @ basis)
    return x, torch.zeros(n, dtype=torch.long)


def test_pretraining_lowers_the_reconstruction_cost_of_every_layer_and_leaves_the_softmax():
    x, y = _toy()
    stack = nets.MLPStack([12, 8, 8, 3], activations="tanh", seeds=[0, 1])
    top_before = stack.weights[-1].clone()
    log = pretrain.pretrain(stack, ArrayStream(x, y, seed=0), updates_per_layer=400, noise=0.25, lr=0.05, record_every=100)
    assert set(log["layer"]) == {1, 2}
    for (model, layer), part in log.groupby(["model", "layer"]):
        costs = part.sort_values("update")["reconstruction_cost"].to_numpy()
        assert costs[-1] < 0.8 * costs[0], (model, layer, costs)
    assert torch.equal(stack.weights[-1], top_before)
    assert not log["diverged"].any()


def test_pretraining_is_deterministic_and_models_are_independent():
    x, y = _toy()
    runs = []
    for seeds in ([0, 1], [1]):
        stack = nets.MLPStack([12, 6, 3], activations="softsign", seeds=seeds)
        pretrain.pretrain(stack, ArrayStream(x, y, seed=2), updates_per_layer=50, noise=0.2, lr=0.05)
        runs.append(stack)
    # model with seed 1 ends the same whether it was trained beside seed 0 or alone
    assert torch.equal(runs[0].weights[0][1], runs[1].weights[0][0])
    assert not torch.equal(runs[0].weights[0][0], runs[0].weights[0][1])


def test_a_diverging_auto_encoder_is_stopped_and_reported():
    x, y = _toy()
    stack = nets.MLPStack([12, 6, 3], activations="linear", seeds=[0])
    log = pretrain.pretrain(stack, ArrayStream(x * 1e3, y, seed=0), updates_per_layer=200, lr=10.0)
    assert log["diverged"].any()
    assert not bool(stack.active[0])


def test_pretraining_refuses_the_checkpoint_of_other_settings(tmp_path):
    x, y = _toy()
    ckpt = tmp_path / "pretrain.pt"
    pretrain.pretrain(nets.MLPStack([12, 6, 3], seeds=[0]), ArrayStream(x, y), updates_per_layer=20, checkpoint=ckpt)
    assert checkpoints.load(ckpt, "pretrain")["layer_run"]["done"] == 20
    with pytest.raises(checkpoints.CheckpointError, match="noise differ"):
        pretrain.pretrain(nets.MLPStack([12, 6, 3], seeds=[0]), ArrayStream(x, y), updates_per_layer=20, noise=0.5,
                          checkpoint=ckpt)


@pytest.mark.parametrize("bad", [dict(noise=1.0), dict(noise=-0.1), dict(lr=0), dict(updates_per_layer=-1), dict(batch_size=0)])
def test_bad_arguments_fail_before_training(bad):
    x, y = _toy()
    stack = nets.MLPStack([12, 6, 3], seeds=[0])
    before = stack.weights[0].clone()
    args = dict(updates_per_layer=5, noise=0.25, lr=0.01) | bad
    with pytest.raises(ValueError):
        pretrain.pretrain(stack, ArrayStream(x, y), **args)
    assert torch.equal(stack.weights[0], before)
