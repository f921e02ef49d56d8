"""Chapter 2, saturation during learning (paper §3): sigmoid networks (Fig. 2) and tanh vs
softsign (Figs. 3 and 4), trained on Shapeset-3x2 and probed as they learn.

* ``sigmoid_saturation``    Fig. 2 and §3.1: sigmoid networks of depth 4 and 5.
* ``activation_saturation`` Figs. 3 and 4: tanh and softsign, depth 5, standard init.

Probing only reads the stacks and draws no random numbers, so it does not change training.
The analyses below turn the probe records into the events the paper describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..configs import check_same_length, knob
from ..monitoring import (MonitoredConfig, Spec, activation_knob, depth_knob, first_crossing, init_knob, learning_rates_knob,
                          run_dynamics, stages, updates_knob)
from ..run_settings import DEFAULT, RunSettings
from ..train import UPDATES_PER_EPOCH
from .registry import Experiment, register
from .search_rates import LONG_RATES




@dataclass(frozen=True)
class SigmoidSaturationConfig(MonitoredConfig):
    """Fig. 2: one sigmoid network per depth (defaults: the paper profile)."""

    NAME = "sigmoid_saturation"
    activation: str = activation_knob("sigmoid")
    init: str = init_knob("standard")
    depths: tuple = knob([4, 5], "int", lo=1, hi=20, many=True, max_items=8, unit="hidden layers")
    learning_rates: tuple = learning_rates_knob([0.01, 0.01], "one per depth")
    updates: int = updates_knob(2_800_000)

    def check(self) -> None:
        super().check()
        check_same_length(self, "learning_rates", "depths")


def _sigmoid_specs(cfg: SigmoidSaturationConfig) -> list[Spec]:
    return [Spec(depth=d, activations=cfg.activation, inits=cfg.init, learning_rates=lr, output=True)
            for d, lr in zip(cfg.depths, cfg.learning_rates)]


def sigmoid_saturation(cfg: SigmoidSaturationConfig, device: str, checkpoint_dir=None, *,
                       settings: RunSettings = DEFAULT) -> dict[str, pd.DataFrame]:
    """Fig. 2: one sigmoid network per depth (standard init), on the same stream, probed."""
    return run_dynamics(cfg, device, _sigmoid_specs(cfg), checkpoint_dir, settings=settings)[0]


@dataclass(frozen=True)
class ActivationSaturationConfig(MonitoredConfig):
    """Figs. 3 and 4: one network per activation (defaults: the paper profile)."""

    NAME = "activation_saturation"
    activations: tuple = activation_knob(["tanh", "softsign"], many=True, max_items=8)
    init: str = init_knob("standard")
    depth: int = depth_knob(5)
    learning_rates: tuple = learning_rates_knob([0.01, 0.01], "one per activation")
    hist_bins: int = knob(100, "int", lo=0, hi=10_000, unit="histogram bins (0: no histograms)")
    hist_at: tuple = knob([0.0, 0.5, 1.0], "float", lo=0.0, hi=1.0, many=True, max_items=100, unit="fractions of training")

    def check(self) -> None:
        super().check()
        check_same_length(self, "learning_rates", "activations")


def _saturation_specs(cfg: ActivationSaturationConfig) -> list[Spec]:
    return [Spec(depth=cfg.depth, activations=cfg.activations, inits=cfg.init, learning_rates=cfg.learning_rates)]


def activation_saturation(cfg: ActivationSaturationConfig, device: str, checkpoint_dir=None, *,
                          settings: RunSettings = DEFAULT) -> dict[str, pd.DataFrame]:
    """Figs. 3 and 4: one network per activation (same init, same seed, same minibatches)."""
    return run_dynamics(cfg, device, _saturation_specs(cfg), checkpoint_dir, settings=settings)[0]


# --------------------------------------------------------------------------- analysis


def top_layer_events(stats: pd.DataFrame, threshold: float = 0.1, by: Sequence[str] = ("depth",)) -> pd.DataFrame:
    """Fig. 2's events for each sigmoid network, in updates and in epochs of 20k updates:

    * ``fall``: the first probe at which the top hidden layer's mean activation is below
      ``threshold`` (the paper: "very quickly at the beginning");
    * ``saturated``: the first probe at which most of the top layer's values are saturated
      (share of ``z < 0.01`` or ``z > 0.99`` above one half);
    * ``desaturated``: the first probe after that at which they no longer are (the paper:
      "slowly desaturates around epoch 100"); NaN if not within the run;
    * ``recover``: the first probe after the fall at which the mean is above ``threshold``
      again (NaN if never), and ``max_mean_after``: the highest mean after the desaturation;
    * ``layer1_saturated_final``: the share of saturated units in layer 1 at the end (the
      paper: as the top layer escapes, "the first hidden layer begins to saturate").
    """
    rows = []
    act = stats[stats["quantity"] == "activation"]
    for key, g in act.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        top = g[g["layer"] == g["layer"].max()].sort_values("update")
        first = g[g["layer"] == 1].sort_values("update")
        t, mean, sat = top["update"].to_numpy(float), top["mean"].to_numpy(float), top["saturated"].to_numpy(float)
        fall = first_crossing(t, mean, threshold, below=True)
        rec = first_crossing(t, mean, threshold, below=False, after=fall) if not np.isnan(fall) else float("nan")
        on = first_crossing(t, sat, 0.5, below=False)
        off = first_crossing(t, sat, 0.5, below=True, after=on) if not np.isnan(on) else float("nan")
        after = mean[t >= off] if not np.isnan(off) else np.array([])
        row = dict(zip(by, key))
        row |= {"top_layer": int(top["layer"].iloc[0]), "fall_update": fall, "saturated_update": on, "desaturated_update": off,
                "recover_update": rec, "min_mean": float(mean.min()), "min_at_update": float(t[int(mean.argmin())]),
                "max_mean_after": float(after.max()) if len(after) else float("nan"), "final_mean": float(mean[-1]),
                "layer1_saturated_final": float(first["saturated"].iloc[-1]), "updates": float(t.max())}
        rows.append(row)
    out = pd.DataFrame(rows)
    for c in ("fall", "saturated", "desaturated", "recover", "min_at"):
        out[f"{c}_epoch"] = out[f"{c}_update"].astype(float) / UPDATES_PER_EPOCH
    return out


def settle_update(stats: pd.DataFrame, column: str = "std", frac: float = 0.8, by: Sequence[str] = ("activation",)) -> pd.DataFrame:
    """For each network and layer, the first probe at which ``column`` (default: the
    activations' std) reaches ``frac`` of its final value: layers that "move together"
    (softsign; tanh with the normalized init, Fig. 10) settle at about the same time,
    layers that saturate "one after the other" (tanh, standard init, Fig. 3) in sequence."""
    rows = []
    act = stats[stats["quantity"] == "activation"]
    for key, g in act.groupby([*by, "layer"], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("update")
        final = float(g[column].iloc[-1])
        rows.append(dict(zip([*by, "layer"], key)) | {"final": final,
                                                      "update": first_crossing(g["update"], g[column], frac * final, below=False)})
    out = pd.DataFrame(rows)
    out["epoch"] = out["update"] / UPDATES_PER_EPOCH
    return out


def saturation_order(stats: pd.DataFrame, level: float = 0.5, column: str = "saturated", by: Sequence[str] = ("activation",)) -> pd.DataFrame:
    """Fig. 3's sequence: for each network and hidden layer, the first update at which
    ``column`` (default: the share of saturated units) exceeds ``level``; NaN if never.
    The paper: for tanh "the first hidden layer saturating first, then the second, etc.";
    for softsign "the different layers saturate less and do so together"."""
    rows = []
    act = stats[stats["quantity"] == "activation"]
    for key, g in act.groupby([*by, "layer"], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("update")
        t = first_crossing(g["update"], g[column], level, below=False)
        rows.append(dict(zip([*by, "layer"], key)) | {"level": level, "update": t, "final": float(g[column].iloc[-1]),
                                                      "max": float(g[column].max())})
    out = pd.DataFrame(rows)
    out["epoch"] = out["update"].astype(float) / UPDATES_PER_EPOCH
    return out


def histogram_modes(hist: pd.DataFrame, by: Sequence[str] = ("activation", "layer"), exclude_ends: float = 0.05) -> pd.DataFrame:
    """Fig. 4's description: per network and layer, where the histogram peaks on each side of
    0 (the paper: softsign "modes of the activations around (-0.6,-0.8) and (0.6,0.8)"), the
    peak inside ``(-1 + exclude_ends, 1 - exclude_ends)`` so that the saturated ends do not
    hide a knee mode, and the density share in the end bins (|z| >= 1 - exclude_ends)."""
    rows = []
    for key, g in hist.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("center")
        width = float(np.diff(g["center"]).mean())
        inner = g[g["center"].abs() < 1 - exclude_ends]
        neg, pos = inner[inner["center"] < 0], inner[inner["center"] > 0]
        ends = g[g["center"].abs() >= 1 - exclude_ends]
        rows.append(dict(zip(by, key)) | {
            "mode_neg": float(neg["center"].iloc[int(neg["density"].argmax())]) if len(neg) else np.nan,
            "mode_pos": float(pos["center"].iloc[int(pos["density"].argmax())]) if len(pos) else np.nan,
            "peak_at": float(g["center"].iloc[int(g["density"].argmax())]),
            "share_at_ends": float(ends["density"].sum() * width),
            "share_near_zero": float(g.loc[g["center"].abs() < 0.2, "density"].sum() * width),
        })
    return pd.DataFrame(rows)



# --------------------------------------------------------------------------- registry

FULL_WIDTH_CPU = {"width": 1000, "updates": 60_000, "probe_every": 2_000, "eval_every": 10_000, "n_test": 2_000,
                  "hist_bins": 50, "learning_rates": [0.01, 0.03]}
"""Figs. 3-4 at the paper's width on a CPU: overrides of the quick profile (the paper's 1000
units; 60k updates = 3 epochs of 20k). Learning rates chosen on validation error (2,000
examples) after 15k updates at width 1000, from 0.01, 0.03 and the quick profile's 0.1: tanh
0.01 (validation error 80.9%, against 82.9% at 0.03; at 0.1 it stays on the 83% plateau for
100k updates), softsign 0.03 (70.6%, against 75.6% at 0.01). Two width-1000 nets train in
lockstep at about 120 model-updates/s on one thread of this project's 2-core CPU (100k updates
took 28 minutes with another run beside it), so 60k updates take about 17 minutes: chosen to fit
the session that made them, under the 30-minute limit of an unasked run. The paper trains 1.9M."""

LONG = {"width": 100, "probe_every": 20_000, "early_updates": 20_000, "early_probe_every": 1_000, "eval_every": 100_000,
        "n_test": 10_000, "cpu_threads": 1}
"""The ``long`` profile's shared part: the paper's updates at width 100, probed every epoch (20k
updates) and every 1k over the first, as the paper's figures are drawn, test error every 100k
updates on 10,000 examples. Each experiment adds its updates (Fig. 2: 140 epochs, Figs. 3-4:
95) and its learning rates: those the ``search`` profile of ``shapeset_curves`` chose for the
same networks (:data:`~glorot.experiments.search_rates.LONG_RATES`)."""

_SMOKE = {"width": 16, "updates": 200, "probe_every": 50, "eval_every": 100, "n_probe": 60, "n_test": 200, "cpu_threads": 1}

register(
    Experiment(
        name="sigmoid_saturation",
        paper="Fig. 2, §3.1",
        config_class=SigmoidSaturationConfig,
        profiles={
            "smoke": _SMOKE,
            "quick": {"width": 100, "learning_rates": [0.5, 0.5], "updates": 70_000, "probe_every": 1_000, "eval_every": 5_000,
                      "n_test": 2_000, "cpu_threads": 1},
            "long": LONG | {"updates": 2_800_000, "learning_rates": [LONG_RATES["sigmoid-4"], LONG_RATES["sigmoid-5"]]},
            "paper": {},
        },
        runner=sigmoid_saturation,
        module=__name__,
        stages=lambda cfg: stages(cfg, _sigmoid_specs(cfg)),
        note={"quick": "width 100 instead of 1000, 70k updates (3.5 epochs of 20k) instead of 2.8M (140 epochs), learning rate 0.5"},
    ),
    Experiment(
        name="activation_saturation",
        paper="Figs. 3 and 4, §3.2-3.3",
        config_class=ActivationSaturationConfig,
        profiles={
            "smoke": _SMOKE | {"hist_bins": 20},
            "quick": {"width": 100, "learning_rates": [0.1, 0.1], "updates": 80_000, "probe_every": 1_000, "eval_every": 5_000,
                      "n_test": 2_000, "hist_bins": 50, "cpu_threads": 1},
            "wide": {"width": 100, "learning_rates": [0.1, 0.1], "updates": 80_000, "probe_every": 1_000, "eval_every": 5_000,
                     "n_test": 2_000, "hist_bins": 50, "cpu_threads": 1} | FULL_WIDTH_CPU,
            "long": LONG | {"updates": 1_900_000, "learning_rates": [LONG_RATES["tanh"], LONG_RATES["softsign"]], "hist_bins": 50},
            "paper": {},
        },
        runner=activation_saturation,
        module=__name__,
        stages=lambda cfg: stages(cfg, _saturation_specs(cfg)),
        note={"quick": "width 100 instead of 1000, 80k updates (4 epochs of 20k) instead of 1.9M (95 epochs)",
              "wide": "the paper's width 1000, 60k updates (3 epochs of 20k) instead of 1.9M (95 epochs), rates chosen on "
                      "validation at that width (tanh 0.01, softsign 0.03)"},
    ),
)
