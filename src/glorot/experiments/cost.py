"""The effect of the cost function (paper §4.1, Fig. 5).

The paper: "We found that the plateaus in the training criterion (as a function of the
parameters) are less present with the log-likelihood cost function. We can see this on
Figure 5, which plots the training criterion as a function of two weights for a two-layer
network (one hidden layer) with hyperbolic tangent units, and a random input and target
signal. There are clearly more severe plateaus with the quadratic cost."

Two experiments:

* ``cost_surface`` (Fig. 5): a network ``x -> tanh(x W1 + b1) -> softmax(h W2 + b2)`` with
  random weights, evaluated on a random input and target while one weight of the first layer
  (``W1``) and one weight of the output layer (``W2``, fed by the same hidden unit) sweep
  ``[-4, 4]^2``. The whole grid is one :class:`~glorot.nets.MLPStack` of ``grid^2`` models, so
  the cost *and its gradient* come from the same eqs. (2)-(3) that train every network in the
  book; the plateaus are measured as the share of the grid where the gradient is tiny.
* ``cost_comparison``: the claim behind Fig. 5 measured in training: the same one-hidden-layer
  tanh network trained on Shapeset-3x2 with each cost, a few learning rates each (the paper
  selects each model's learning rate on validation error), test error over training.
"""

from __future__ import annotations


from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .. import nets
from ..configs import Config, knob
from ..monitoring import (MonitoredConfig, Spec, activation_knob, depth_knob, init_knob, learning_rates_knob, run_dynamics, stages,
                          updates_knob)
from ..run_settings import DEFAULT, RunSettings
from ..validation import check_choice
from .registry import Experiment, register


def _costs() -> tuple:
    return nets.COSTS



@dataclass(frozen=True)
class CostSurfaceConfig(Config):
    """Fig. 5: the network, the grid and the random draws (the paper does not give the
    network's sizes; these are ours)."""

    NAME = "cost_surface"
    activation: str = activation_knob("tanh")
    n_in: int = knob(10, "int", lo=1, hi=10_000, unit="inputs")
    n_hidden: int = knob(10, "int", lo=1, hi=10_000, unit="hidden units")
    n_out: int = knob(9, "int", lo=2, hi=10_000, unit="classes")
    n_examples: int = knob(1, "int", lo=1, hi=100_000, unit="random examples")
    weight_scale: float = knob(1.0, "float", lo=0.0, lo_open=True, hi=1000.0, doc="times the standard init's bound")
    grid: int = knob(81, "int", lo=2, hi=1001, unit="points per axis")
    limit: float = knob(4.0, "float", lo=0.0, lo_open=True, hi=1000.0, doc="the grid spans [-limit, limit]^2")
    costs: tuple = knob(["cross_entropy", "quadratic"], "str", choices=_costs, many=True, max_items=2)
    thresholds: tuple = knob([1e-3, 1e-2, 1e-1], "float", lo=0.0, lo_open=True, hi=1e6, many=True, max_items=20,
                             doc="gradient norms below which the surface counts as flat")
    n_draws: int = knob(10, "int", lo=1, hi=10_000, unit="random networks")
    seed: int = knob(0, "int", lo=0, hi=2**31 - 1, doc="the first draw (draw i uses seed + i)")


def _grid_stack(cfg: "CostSurfaceConfig", cost: str, device: str) -> tuple[nets.MLPStack, torch.Tensor, torch.Tensor, np.ndarray]:
    """The grid of Fig. 5 as a stack of ``grid^2`` copies of one random network, each with its
    own value of the two swept weights. Returns (stack, x, y, axis values)."""
    n_in, n_hidden, n_out, grid = cfg.n_in, cfg.n_hidden, cfg.n_out, cfg.grid
    g = torch.Generator().manual_seed(cfg.seed)
    # The fixed weights: the standard initialization (eq. 1) scaled by weight_scale, drawn once.
    w1 = (torch.rand(n_in, n_hidden, generator=g, dtype=torch.float64) * 2 - 1) / n_in**0.5 * cfg.weight_scale
    w2 = (torch.rand(n_hidden, n_out, generator=g, dtype=torch.float64) * 2 - 1) / n_hidden**0.5 * cfg.weight_scale
    # The random input and target signal.
    x = torch.randn(cfg.n_examples, n_in, generator=g, dtype=torch.float64)
    y = torch.randint(0, n_out, (cfg.n_examples,), generator=g)
    axis = np.linspace(-cfg.limit, cfg.limit, grid)
    m = grid * grid
    stack = nets.MLPStack([n_in, n_hidden, n_out], activations=cfg.activation, seeds=[0] * m, device=device, dtype=torch.float64,
                          costs=cost)
    stack.weights[0].copy_(w1.expand(m, -1, -1))
    stack.weights[1].copy_(w2.expand(m, -1, -1))
    a = torch.as_tensor(axis, dtype=torch.float64, device=stack.device)
    W1, W2 = torch.meshgrid(a, a, indexing="ij")
    # W1 = weight (input 0 -> hidden unit 0), W2 = weight (hidden unit 0 -> the target's class
    # of the first example): both act on the same path from the input to the output.
    k = int(y[0])
    stack.weights[0][:, 0, 0] = W1.reshape(-1)
    stack.weights[1][:, 0, k] = W2.reshape(-1)
    return stack, x, y, axis


@torch.no_grad()
def surface(cfg: "CostSurfaceConfig", cost: str, device: str = "cpu") -> pd.DataFrame:
    """Fig. 5: the training criterion over the ``(W1, W2)`` grid for one cost, with its
    gradient with respect to the two swept weights (eq. 3 through eq. 2).

    Columns: ``cost_fn``, ``w1``, ``w2``, ``cost``, ``grad_w1``, ``grad_w2``, ``grad_norm``.
    """
    check_choice("cost", cost, nets.COSTS)
    stack, x, y, axis = _grid_stack(cfg, cost, device)
    fwd = stack.forward(x)
    c = stack.cost(fwd, y).cpu().numpy()
    grads = stack.weight_grads(fwd, stack.backward(fwd, y))
    k = int(y[0])
    g1 = grads[0][:, 0, 0].cpu().numpy()
    g2 = grads[1][:, 0, k].cpu().numpy()
    W1, W2 = np.meshgrid(axis, axis, indexing="ij")
    return pd.DataFrame({"cost_fn": cost, "w1": W1.ravel(), "w2": W2.ravel(), "cost": c, "grad_w1": g1, "grad_w2": g2,
                         "grad_norm": np.hypot(g1, g2)})


def plateau_shares(surf: pd.DataFrame, thresholds=(1e-3, 1e-2, 1e-1), limit: float = 4.0) -> pd.DataFrame:
    """The plateaus of Fig. 5, quantified: per cost, the share of the grid where the gradient
    (with respect to the two swept weights) is tiny, and the share that is tiny *and away from
    the minimum* (cost above the grid's minimum by more than half the cost's range on the
    grid: flat ground where descent stalls although the cost is high).

    Two measures (column ``measure``): ``absolute``, the gradient norm itself (what plain SGD
    multiplies by its learning rate), and ``relative``, the gradient norm divided by the mean
    slope that crossing the cost's range over the grid's width takes,
    ``(cost_max - cost_min) / (2 limit)``, which does not depend on the cost's scale.
    """
    rows = []
    for cost_fn, g in surf.groupby("cost_fn", sort=False):
        lo, hi = g["cost"].min(), g["cost"].max()
        high = g["cost"] > lo + 0.5 * (hi - lo)
        slope = (hi - lo) / (2 * limit) if hi > lo else 1.0
        for measure, grad in (("absolute", g["grad_norm"]), ("relative", g["grad_norm"] / slope)):
            for t in thresholds:
                flat = grad < t
                rows.append({"cost_fn": cost_fn, "measure": measure, "threshold": t, "flat_share": float(flat.mean()),
                             "flat_and_high_share": float((flat & high).mean()), "cost_min": float(lo), "cost_max": float(hi)})
    return pd.DataFrame(rows)


def cost_surface(cfg: "CostSurfaceConfig", device: str, checkpoint_dir=None, *,
                 settings: RunSettings = DEFAULT) -> dict[str, pd.DataFrame]:
    """The surfaces of the network drawn with ``seed`` (the figure), and the plateau shares of
    ``n_draws`` random networks, inputs and targets (seeds ``seed .. seed + n_draws - 1``), so
    that the numbers do not rest on one draw."""
    surf = pd.concat([surface(cfg, c, device) for c in cfg.costs], ignore_index=True)
    shares = []
    for i in range(cfg.n_draws):
        draw = cfg.replace(seed=cfg.seed + i)
        s = surf if i == 0 else pd.concat([surface(draw, c, device) for c in cfg.costs], ignore_index=True)
        shares.append(plateau_shares(s, cfg.thresholds, cfg.limit).assign(draw=i, seed=draw["seed"]))
    return {"surface": surf, "plateaus": pd.concat(shares, ignore_index=True)}


# --------------------------------------------------------------------------- training


def chosen_on_validation(curves: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cost comparison's final errors and each cost's learning rate chosen on validation
    error, as the paper chose its rates (§2). ``curves``: the ``cost_comparison`` frame.
    Returns ``(table, best)``: the end-of-run error per (cost_fn, lr) and split, and one row per
    cost (columns cost_fn, lr and the splits) for the rate with the lowest validation error."""
    table = curves[curves["update"] == curves["update"].max()].pivot_table(index=["cost_fn", "lr"], columns="split",
                                                                            values="error")
    best = table.reset_index().sort_values("valid").groupby("cost_fn", sort=False).head(1).sort_values("cost_fn")
    return table, best



# --------------------------------------------------------------------------- training


@dataclass(frozen=True)
class CostComparisonConfig(MonitoredConfig):
    """The claim behind Fig. 5 in training: one-hidden-layer networks, each cost at each
    learning rate of the grid (defaults: the paper profile)."""

    NAME = "cost_comparison"
    activation: str = activation_knob("tanh")
    init: str = init_knob("standard")
    depth: int = depth_knob(1)
    costs: tuple = knob(["cross_entropy", "quadratic"], "str", choices=_costs, many=True, max_items=2)
    learning_rates: tuple = learning_rates_knob([0.003, 0.01, 0.03, 0.1], "the grid, tried with every cost")
    updates: int = updates_knob(2_500_000)
    n_valid: int = knob(10_000, "int", lo=1, hi=1_000_000, unit="validation examples (the rate is chosen on them)")


def _comparison_specs(cfg: CostComparisonConfig) -> list[Spec]:
    costs = [c for c in cfg.costs for _ in cfg.learning_rates]
    rates = [lr for _ in cfg.costs for lr in cfg.learning_rates]
    return [Spec(depth=cfg.depth, activations=cfg.activation, inits=cfg.init, learning_rates=rates, costs=costs,
                 quantities=("activation", "backprop_grad"), output_grad=True)]


def cost_comparison(cfg: CostComparisonConfig, device: str, checkpoint_dir=None, *,
                    settings: RunSettings = DEFAULT) -> dict[str, pd.DataFrame]:
    """One-hidden-layer networks on Shapeset, every (cost, learning rate) pair side by side in
    one stack (same minibatches), test and validation error over training; per-layer
    back-propagated gradient statistics on the 300 fixed test examples."""
    return run_dynamics(cfg, device, _comparison_specs(cfg), checkpoint_dir, settings=settings)[0]


register(
    Experiment(
        name="cost_surface",
        paper="Fig. 5, §4.1",
        config_class=CostSurfaceConfig,
        profiles={"smoke": {"grid": 21, "n_draws": 2}, "quick": {}, "paper": {}},
        runner=cost_surface,
        module=__name__,
        note={"quick": "no training: quick = paper (the paper does not give the network's sizes; ours are chosen and stated)"},
    ),
    Experiment(
        name="cost_comparison",
        paper="§4.1 (the claim behind Fig. 5)",
        config_class=CostComparisonConfig,
        profiles={
            "smoke": {"width": 20, "learning_rates": [0.1], "updates": 300, "probe_every": 100, "eval_every": 100,
                      "n_probe": 60, "n_test": 200, "n_valid": 200, "cpu_threads": 1},
            "quick": {"width": 100, "learning_rates": [0.003, 0.01, 0.03, 0.1, 0.3], "updates": 40_000, "probe_every": 2_000,
                      "eval_every": 2_000, "n_test": 2_000, "n_valid": 2_000, "cpu_threads": 1},
            "long": {"width": 100, "learning_rates": [0.003, 0.01, 0.03, 0.1, 0.3], "updates": 2_500_000, "probe_every": 50_000,
                     "eval_every": 100_000, "n_test": 10_000, "n_valid": 10_000, "cpu_threads": 1},
            "paper": {},
        },
        runner=cost_comparison,
        module=__name__,
        stages=lambda cfg: stages(cfg, _comparison_specs(cfg)),
        note={"quick": "width 100 instead of 1000, 40k updates (2 epochs of 20k) instead of 2.5M"},
    ),
)
