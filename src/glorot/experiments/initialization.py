"""Chapter 4, the normalized initialization (paper §4.2): networks at initialization.

* ``init_statistics`` (Figs. 6, 7, 8 and eq. 17): one network per initialization, probed at
  initialization on fixed test examples: activations, back-propagated gradients, weight
  gradients and the singular values of the layer Jacobians.
* ``variance_propagation`` (eqs. 5, 6, 15): the variances of the linear regime measured beside
  the products of ``n Var[W]`` the equations predict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import torch

from .. import data, nets, probes
from ..configs import Config, ConfigError, knob
from ..monitoring import activation_knob, init_knob
from ..run_settings import DEFAULT, RunSettings
from .registry import Experiment, register




@dataclass(frozen=True)
class InitStatisticsConfig(Config):
    """Figs. 6-8 and eq. (17) at initialization (defaults: the paper's sizes)."""

    NAME = "init_statistics"
    activation: str = activation_knob("tanh")
    inits: tuple = init_knob(["standard", "normalized"], many=True, max_items=8)
    width: int = knob(1000, "int", lo=1, hi=10_000, unit="units per hidden layer")
    depth: int = knob(5, "int", lo=1, hi=20, unit="hidden layers")
    dataset: str = knob("shapeset", "str", choices=data.dataset_names)
    n_examples: int = knob(300, "int", lo=1, hi=100_000, unit="test examples probed")
    weight_grad_batches: int = knob(10, "int", lo=1, hi=10_000, unit="minibatches for the weight gradients")
    weight_grad_batch_size: int = knob(10, "int", lo=1, hi=10_000, unit="examples per minibatch")
    jacobian_examples: int = knob(10, "int", lo=1, hi=10_000, unit="examples whose Jacobians are decomposed")
    bins: int = knob(100, "int", lo=1, hi=10_000, unit="histogram bins")
    seed: int = knob(0, "int", lo=0, hi=2**31 - 1, doc="initial weights")

    def check(self) -> None:
        for name in ("jacobian_examples",):
            if getattr(self, name) > self.n_examples:
                raise ConfigError(f"{name} must be at most n_examples ({self.n_examples}), got {getattr(self, name)}")
        if self.weight_grad_batches * self.weight_grad_batch_size > self.n_examples:
            raise ConfigError(f"weight_grad_batches x weight_grad_batch_size must be at most n_examples ({self.n_examples}), "
                              f"got {self.weight_grad_batches} x {self.weight_grad_batch_size}")


def init_statistics(cfg: InitStatisticsConfig, device: str, checkpoint_dir=None, *,
                    settings: RunSettings = DEFAULT) -> dict[str, pd.DataFrame]:
    """Figs. 6-8 and eq. (17): one network per initialization, at initialization (no
    training), probed on ``n_examples`` fixed test examples."""
    n_in, n_out = data.input_dim(cfg.dataset)
    sizes = [n_in] + [cfg.width] * cfg.depth + [n_out]
    inits = list(cfg.inits)
    stack = nets.MLPStack(sizes, activations=cfg.activation, inits=inits, seeds=[cfg.seed] * len(inits), device=device)
    x, y = data.examples(cfg.dataset, cfg.n_examples)
    vals = probes.layer_values(stack, x, y, weight_grad_batches=cfg.weight_grad_batches, batch_size=cfg.weight_grad_batch_size)
    return {
        "stats": probes.layer_stats(stack, x, y, values=vals),
        "hist": probes.histograms(stack, x, y, bins=cfg.bins, values=vals),
        "jacobian": probes.jacobian_singular_values(stack, x[: cfg.jacobian_examples]),
    }


def _data_files(cfg) -> list:
    return [] if cfg.dataset == "shapeset" else data.data_files(data.check_data(cfg.dataset))


@dataclass(frozen=True)
class VariancePropagationConfig(Config):
    """Eqs. (5)-(6) in the linear regime (defaults: the paper's width)."""

    NAME = "variance_propagation"
    inits: tuple = init_knob(["standard", "normalized"], many=True, max_items=8)
    width: int = knob(1000, "int", lo=1, hi=10_000, unit="units per layer")
    depth: int = knob(5, "int", lo=1, hi=20, unit="hidden layers")
    n_classes: int = knob(9, "int", lo=2, hi=10_000, unit="classes")
    n_examples: int = knob(1000, "int", lo=2, hi=1_000_000, unit="random N(0, 1) inputs")
    seed: int = knob(0, "int", lo=0, hi=2**31 - 1, doc="weights, inputs and targets")


def variance_propagation(cfg: VariancePropagationConfig, device: str, checkpoint_dir=None, *,
                         settings: RunSettings = DEFAULT) -> dict[str, pd.DataFrame]:
    """Eqs. (5)-(6) checked numerically in the linear regime (f(s) = s): per layer, the
    measured Var[z^i] and Var[dC/ds^i] beside the products of n Var[W] the equations
    predict, using each layer's realised weight variance and also the nominal one (eq. 15:
    n Var[W] = 1/3 for the standard init; 1 for the normalized init with equal widths).
    Inputs are i.i.d. N(0, 1), as the derivation assumes; targets are random classes."""
    w, d = cfg.width, cfg.depth
    sizes = [w] * (d + 1) + [cfg.n_classes]
    inits = list(cfg.inits)
    stack = nets.MLPStack(sizes, activations="linear", inits=inits, seeds=[cfg.seed] * len(inits), device=device, dtype=torch.float64)
    g = torch.Generator().manual_seed(cfg.seed)
    x = torch.randn(cfg.n_examples, w, generator=g, dtype=torch.float64)
    y = torch.randint(0, cfg.n_classes, (cfg.n_examples,), generator=g)
    vals = probes.layer_values(stack, x, y, ["activation", "backprop_grad"])
    rows = []
    for m, init in enumerate(inits):
        n_var = [sizes[i] * float(stack.weights[i][m].double().var()) for i in range(d + 1)]
        nominal = [sizes[i] * nets.init_variance(init, sizes[i], sizes[i + 1]) for i in range(d + 1)]
        fan_out = [sizes[i + 1] * float(stack.weights[i][m].double().var()) for i in range(d + 1)]
        fan_out_nominal = [sizes[i + 1] * nets.init_variance(init, sizes[i], sizes[i + 1]) for i in range(d + 1)]
        var_x = float(x.var())
        top = float(vals["backprop_grad"][d - 1][m].var())
        for k in range(1, d + 1):
            # eq. (5): Var[z^{k+1}] = Var[x] prod_{i<=k} n_i Var[W^i]  (layer k's output)
            rows.append({"init": init, "layer": k, "quantity": "Var[z] (eq. 5)", "measured": float(vals["activation"][k - 1][m].var()),
                         "predicted": var_x * math.prod(n_var[:k]), "predicted_nominal": var_x * math.prod(nominal[:k])})
            # eq. (6): Var[dC/ds^k] = Var[dC/ds^d] prod_{i=k+1..d} n_{i+1} Var[W^i]  (fan-out of W^{i})
            rows.append({"init": init, "layer": k, "quantity": "Var[dC/ds] (eq. 6)", "measured": float(vals["backprop_grad"][k - 1][m].var()),
                         "predicted": top * math.prod(fan_out[k:d]), "predicted_nominal": top * math.prod(fan_out_nominal[k:d])})
    df = pd.DataFrame(rows)
    df["ratio"] = df["measured"] / df["predicted"]
    return {"variance": df}


register(
    Experiment(
        name="init_statistics",
        paper="Figs. 6, 7, 8 and eq. (17), §4.2.2",
        config_class=InitStatisticsConfig,
        profiles={"smoke": {"width": 60, "n_examples": 40, "weight_grad_batches": 2, "jacobian_examples": 2, "bins": 30},
                  "quick": {}, "paper": {}},
        runner=init_statistics,
        module=__name__,
        data_files=_data_files,
        note={"quick": "the paper's full size (at initialization no training is needed, so quick = paper)"},
    ),
    Experiment(
        name="variance_propagation",
        paper="eqs. (5), (6), (15), §4.2.1",
        config_class=VariancePropagationConfig,
        profiles={"smoke": {"width": 50, "n_examples": 200}, "quick": {}, "paper": {}},
        runner=variance_propagation,
        module=__name__,
        note={"quick": "the paper's width, 1000 (no training, so quick = paper)"},
    ),
)
