"""The independent computation the stack's maths is tested against: one model of a stack
rebuilt as plain tensors and differentiated by autograd (used by test_nets and test_cost)."""

from __future__ import annotations

import torch

from glorot import nets

ACTIVATION_FUNCTIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "softsign": torch.nn.functional.softsign,
                        "relu": torch.relu, "linear": lambda v: v}


def autograd_reference(stack: nets.MLPStack, k: int, x: torch.Tensor, y: torch.Tensor):
    """Model k as plain tensors with requires_grad; its cost (cross-entropy, or quadratic on the
    softmax) by autograd. Returns the cost, dC/ds, dC/dW and dC/db of every layer."""
    Ws = [W[k].detach().clone().requires_grad_(True) for W in stack.weights]
    bs = [b[k].detach().clone().requires_grad_(True) for b in stack.biases]
    f = ACTIVATION_FUNCTIONS[stack.activations[k]]
    h, ss = x, []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        s = h @ W + b
        s.retain_grad()
        ss.append(s)
        h = f(s) if i < len(Ws) - 1 else s
    if stack.costs[k] == "quadratic":
        t = torch.nn.functional.one_hot(y, h.shape[1]).to(h.dtype)
        cost = 0.5 * (torch.softmax(h, 1) - t).square().sum(1).mean()
    else:
        cost = torch.nn.functional.cross_entropy(h, y)
    cost.backward()
    return cost.detach(), [s.grad for s in ss], [W.grad for W in Ws], [b.grad for b in bs]


def rel_err(a, b):
    return float((a - b).abs().max() / b.abs().max().clamp_min(1e-300))


def assert_backward_matches_autograd(stack: nets.MLPStack, x: torch.Tensor, y: torch.Tensor, tol: float):
    """The stack's cost (rtol 1e-12), every dC/ds (eq. 2) and dC/dW (eq. 3) of every model
    against :func:`autograd_reference`, within relative error ``tol``; returns the deltas."""
    fwd = stack.forward(x)
    deltas = stack.backward(fwd, y)
    grads = stack.weight_grads(fwd, deltas)
    cost = stack.cost(fwd, y)
    for k in range(stack.n_models):
        ref_cost, ref_ds, ref_dW, _ = autograd_reference(stack, k, x, y)
        assert torch.allclose(cost[k], ref_cost, rtol=1e-12)
        for d, r in zip(deltas, ref_ds):
            assert rel_err(d[k], r) <= tol
        for g, r in zip(grads, ref_dW):
            assert rel_err(g[k], r) <= tol
    return deltas
