"""Training runs that are watched as they learn (paper §3.1, §4.3): several stacks trained side
by side on one online Shapeset-3x2 stream, probed every ``probe_every`` updates on a fixed
set of 300 test examples ("These statistics along with histograms are computed at different
times during learning, by looking at activation values for a fixed set of 300 test
examples", §3.1). Used by the saturation, cost and gradient experiments alike.

:class:`MonitoredConfig` holds the knobs these runs share; :func:`run_dynamics` trains and
probes the stacks (with checkpoints: an interrupted run resumes bit-identically on the CPU);
:func:`stages` tells :mod:`glorot.budget` how much work a run is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import torch

from . import data, nets, shapeset
from .budget import Stage
from .configs import Config, check_at_most, knob
from .probes import DynamicsProbe
from .run_settings import DEFAULT, RunSettings
from .train import cpu_threads, segments, train_lockstep

MAX_UPDATES = 100_000_000
"""The most updates a run may ask for (40x the paper's 2.5M): beyond it is a typo."""
SEED_MAX = 2**31 - 1


def updates_knob(default: int) -> object:
    return knob(default, "int", lo=1, hi=MAX_UPDATES, unit="minibatch updates of 10 examples")


def interval_knob(default: int, what: str) -> object:
    return knob(default, "int", lo=1, hi=MAX_UPDATES, unit=f"updates between {what}")


def seed_knob(default: int, doc: str) -> object:
    return knob(default, "int", lo=0, hi=SEED_MAX, doc=doc)


def width_knob(default: int) -> object:
    return knob(default, "int", lo=1, hi=10_000, unit="units per hidden layer")


def depth_knob(default: int) -> object:
    return knob(default, "int", lo=1, hi=20, unit="hidden layers")


def learning_rates_knob(default, doc: str) -> object:
    return knob(default, "float", lo=0.0, lo_open=True, hi=1e6, many=True, max_items=64, doc=doc)


def activation_knob(default, **kw) -> object:
    """A knob naming one activation (or, with ``many=True``, several) of :data:`glorot.nets.ACTIVATIONS`."""
    return knob(default, "str", choices=lambda: tuple(nets.ACTIVATIONS), **kw)


def init_knob(default, **kw) -> object:
    """A knob naming one initialization (or, with ``many=True``, several) of :data:`glorot.nets.INITS`."""
    return knob(default, "str", choices=lambda: tuple(nets.INITS), **kw)


def threads_knob() -> object:
    return knob(None, "int", lo=1, hi=256, optional=True, doc="torch threads on a CPU (None: the experiment's default)")


@dataclass(frozen=True)
class MonitoredConfig(Config):
    """The knobs every monitored run shares (defaults: the paper profile)."""

    dataset: str = knob("shapeset", "str", choices=lambda: ("shapeset",), doc="online Shapeset-3x2 (the only stream here)")
    width: int = width_knob(1000)
    updates: int = updates_knob(1_900_000)
    probe_every: int = interval_knob(20_000, "probes")
    early_updates: int = knob(0, "int", lo=0, hi=MAX_UPDATES, unit="updates probed densely at the start")
    early_probe_every: int = knob(0, "int", lo=0, hi=MAX_UPDATES, unit="updates between early probes (0: none)")
    eval_every: int = interval_knob(20_000, "test-error evaluations")
    n_probe: int = knob(300, "int", lo=1, hi=100_000, unit="fixed test examples probed (the paper: 300)")
    n_test: int = knob(10_000, "int", lo=1, hi=1_000_000, unit="test examples")
    n_valid: int = knob(0, "int", lo=0, hi=1_000_000, unit="validation examples")
    hist_bins: int = knob(0, "int", lo=0, hi=10_000, unit="histogram bins (0: no histograms)")
    hist_at: tuple = knob([1.0], "float", lo=0.0, hi=1.0, many=True, max_items=100, unit="fractions of training")
    seed: int = seed_knob(0, "initial weights")
    train_seed: int = seed_knob(1, "the training stream")
    cpu_threads: int | None = threads_knob()

    def check(self) -> None:
        for name in ("probe_every", "eval_every", "early_updates"):
            check_at_most(self, name, "updates")
        if self.early_probe_every:
            check_at_most(self, "early_probe_every", "early_updates")


@dataclass(frozen=True)
class Spec:
    """One stack of a monitored run: its depth, per-model activations, inits, learning rates
    and costs (one value for all, or one per model), and what its probe records."""

    depth: int
    activations: str | Sequence[str]
    inits: str | Sequence[str]
    learning_rates: float | Sequence[float]
    costs: str | Sequence[str] = "cross_entropy"
    quantities: tuple[str, ...] = ("activation",)
    output: bool = False
    output_grad: bool = False

    @property
    def n_models(self) -> int:
        seqs = [v for v in (self.activations, self.inits, self.learning_rates, self.costs) if not isinstance(v, (str, int, float))]
        return max((len(v) for v in seqs), default=1)


def stages(cfg: MonitoredConfig, specs: Sequence[Spec]) -> list[Stage]:
    """The work of a monitored run, for :func:`glorot.budget.estimate`."""
    n_in, n_out = data.input_dim("shapeset")
    cuts = segments(cfg.updates, cfg.probe_every, cfg.early_updates, cfg.early_probe_every)
    return [Stage(sizes=tuple([n_in] + [cfg.width] * s.depth + [n_out]), n_models=s.n_models, updates=cfg.updates,
                  n_evals=cfg.updates // cfg.eval_every + 2, eval_examples=cfg.n_test + cfg.n_valid,
                  n_probes=len(cuts) + 1, probe_examples=cfg.n_probe * len(s.quantities)) for s in specs]


def _hist_updates(all_updates: Sequence[int], fractions: Sequence[float], total: int) -> list[int]:
    """The probed updates nearest to the given fractions of training (for the histograms)."""
    ups = np.asarray(sorted(set(all_updates)))
    return sorted({int(ups[np.abs(ups - f * total).argmin()]) for f in fractions})


def build_runs(cfg: MonitoredConfig, device: str, specs: Sequence[Spec]) -> tuple[list[nets.MLPStack], list[DynamicsProbe], dict]:
    """The stacks, probes and held-out sets of a run, before any training; every model starts
    from ``cfg.seed``."""
    n_in, n_out = data.input_dim("shapeset")
    x, y = data.examples("shapeset", cfg.n_probe)
    x, y = x.to(device), y.to(device)
    stacks, probes_ = [], []
    for spec in specs:
        stacks.append(nets.MLPStack([n_in] + [cfg.width] * spec.depth + [n_out], activations=spec.activations,
                                    inits=spec.inits, learning_rates=spec.learning_rates, seeds=[cfg.seed] * spec.n_models,
                                    device=device, costs=spec.costs))
        probes_.append(DynamicsProbe(x, y, spec.quantities, hist_bins=cfg.hist_bins, output=spec.output,
                                     output_grad=spec.output_grad))
    # Held-out sets: the fixed test set (its first n_probe examples are the probe set) and a
    # validation set drawn with another seed; the training stream uses train_seed.
    eval_sets = {}
    eval_sets["test"] = tuple(t.to(device) for t in data.examples("shapeset", cfg.n_test))
    if cfg.n_valid:
        eval_sets["valid"] = tuple(t.to(device) for t in shapeset.generate(cfg.n_valid, seed=data.SHAPESET_TEST_SEED + 1))
    return stacks, probes_, eval_sets


def run_dynamics(cfg: MonitoredConfig, device: str, specs: Sequence[Spec], checkpoint_dir: Path | None = None, *,
                 settings: RunSettings = DEFAULT) -> tuple[dict[str, pd.DataFrame], list[nets.MLPStack]]:
    """Train the stacks of ``specs`` side by side on one online Shapeset stream (as in the
    paper: every example is new) and probe them as they learn.

    ``cfg``: see :class:`MonitoredConfig`. With ``checkpoint_dir`` the run checkpoints there
    about every twentieth of the run and resumes from the file it finds. ``settings``
    (:class:`glorot.run_settings.RunSettings`: execution, a chunk's work budget) go to
    :func:`glorot.train.train_lockstep`.
    Returns tidy frames ``stats``, ``curves``, ``diverged``, ``final_weights`` and, when
    recorded, ``hist`` and ``output`` (a ``depth`` column tells the stacks apart; every row
    carries ``update``, ``examples`` and ``epoch`` of 20k updates), and the trained stacks.
    """
    with cpu_threads(cfg.cpu_threads if torch.device(device).type == "cpu" else None):
        stacks, probes_, eval_sets = build_runs(cfg, device, specs)
        stream = shapeset.ShapesetStream(seed=cfg.train_seed, device=device)
        cuts = segments(cfg.updates, cfg.probe_every, cfg.early_updates, cfg.early_probe_every)
        ckpt = checkpoint_dir / "lockstep.pt" if checkpoint_dir is not None else None
        results = train_lockstep(stacks, stream, cuts, probes_, eval_every=cfg.eval_every, eval_sets=eval_sets, checkpoint=ckpt,
                                 settings=settings)
    parts: dict[str, list[pd.DataFrame]] = {}
    for spec, stack, res in zip(specs, stacks, results):
        p = res["probes"]
        frames = {"stats": _drop_empty(p[p["kind"] == "stats"]), "curves": res["curves"], "diverged": res["diverged"]}
        if cfg.hist_bins:
            h = _drop_empty(p[p["kind"] == "hist"])
            keep = _hist_updates(h["update"].unique(), cfg.hist_at, cfg.updates)
            frames["hist"] = h[h["update"].isin(keep)]
        if spec.output:
            frames["output"] = _drop_empty(p[p["kind"] == "output"])
        if spec.output_grad:
            frames["outgrad"] = _drop_empty(p[p["kind"] == "outgrad"])
        frames["final_weights"] = _weight_summary(stack)
        for name, df in frames.items():
            parts.setdefault(name, []).append(df.assign(depth=spec.depth))
    return {name: pd.concat(dfs, ignore_index=True) for name, dfs in parts.items()}, stacks


def _drop_empty(df: pd.DataFrame) -> pd.DataFrame:
    df = df.dropna(axis=1, how="all").drop(columns="kind").reset_index(drop=True)
    if "layer" in df:
        df["layer"] = df["layer"].astype(int)
    return df


def _weight_summary(stack: nets.MLPStack) -> pd.DataFrame:
    """Per model and layer: a checksum of the final weights (sum and sum of squares), so two
    runs can be compared for identical training without storing weights."""
    rows = []
    for i, (W, b) in enumerate(zip(stack.weights, stack.biases)):
        for rec, w, bb in zip(stack.describe(), W.double().cpu(), b.double().cpu()):
            rows.append(rec | {"layer": i + 1, "w_sum": float(w.sum()), "w_sumsq": float(w.square().sum()), "b_sum": float(bb.sum())})
    return pd.DataFrame(rows)


def first_crossing(t: Sequence[float], v: Sequence[float], threshold: float, below: bool = True, after: float | None = None) -> float:
    """The first time in ``t`` (at or after ``after``) at which ``v`` is below (or, with
    ``below=False``, above) ``threshold``; NaN if it never is. Times are probe times: the
    event happened between the previous probe and this one."""
    t, v = np.asarray(t, dtype=float), np.asarray(v, dtype=float)
    ok = (v < threshold) if below else (v > threshold)
    if after is not None:
        ok &= t >= after
    idx = np.flatnonzero(ok)
    return float(t[idx[0]]) if len(idx) else float("nan")

