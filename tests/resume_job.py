"""Small checkpointed jobs for the resume tests of ``tests/test_checkpoints.py``.

``python tests/resume_job.py KIND CHECKPOINT`` runs one job (KIND: train, lockstep or
pretrain) with its checkpoints in CHECKPOINT; the tests run it with
``GLOROT_KILL_AFTER_CHECKPOINTS=2`` so that it dies by SIGKILL after its second checkpoint,
then call :func:`run` in-process to resume it, and again without a checkpoint for the
uninterrupted result. Every job is tiny (1024-16-16-9 networks, a few hundred updates on
an online Shapeset stream) and runs on one CPU thread, so results are bitwise reproducible.
"""

from __future__ import annotations

import sys

import pandas as pd
import torch

from glorot import nets, pretrain, shapeset, train

KINDS = ("train", "lockstep", "pretrain")
CHECKPOINT_KIND = {"train": "train", "lockstep": "train_lockstep", "pretrain": "pretrain"}
SECOND_CHECKPOINT_AT = {"train": 140, "lockstep": 140, "pretrain": 200}
"""The update count of each job's second checkpoint (where the killed run stops)."""

LOCKSTEP_CUTS = train.segments(300, 60, early_updates=20, early_probe_every=10)  # ends 10, 20, 80, 140, 200, 260, 300
PRETRAIN_UPDATES_PER_LAYER = 150


def mixed_probe(stack: nets.MLPStack) -> pd.DataFrame:
    """A probe whose frame has every kind of column a checkpoint stores: bool, int64, float64
    (with NaN), float32, str (with a missing value) and object."""
    w = stack.weights[0].double().sum((1, 2))
    m = stack.n_models
    return pd.DataFrame({
        "model": range(m),
        "active": stack.active.numpy().copy(),
        "w_sum": w.numpy(),
        "w_sum_or_nan": [float("nan")] + w.numpy()[1:].tolist(),
        "b_sum32": stack.biases[0].sum(1).numpy().copy(),
        "note": pd.Series(["first"] + [None] * (m - 1), dtype="str"),
        "mixed": pd.Series([1] + ["x"] * (m - 1), dtype=object),
    })


def _held_out() -> dict:
    return {"test": shapeset.generate(50, seed=99)}


def _run_train(checkpoint) -> dict:
    stack = nets.MLPStack([1024, 16, 16, 9], activations=["tanh", "softsign"], learning_rates=0.05, seeds=[0, 1])
    res = train.train(stack, shapeset.ShapesetStream(seed=1, chunk=128), 300, eval_every=50, eval_sets=_held_out(),
                      probe=mixed_probe, probe_every=100, checkpoint=checkpoint, checkpoint_every=70)
    frames = {"curves": res.curves, "probes": res.probes, "diverged": res.diverged}
    return {"frames": frames, "tensors": stack.weights + stack.biases}


def _run_lockstep(checkpoint) -> dict:
    stacks = [nets.MLPStack([1024, 16, 16, 9], activations=["tanh", "sigmoid"], learning_rates=[0.05, 0.5], seeds=[2, 2]),
              nets.MLPStack([1024, 16, 9], activations="softsign", learning_rates=0.05, seeds=3)]
    # Blocks of 300 and chunks of 128 put the second checkpoint (1400 examples) mid-block and mid-chunk.
    results = train.train_lockstep(stacks, shapeset.ShapesetStream(seed=2, chunk=128), LOCKSTEP_CUTS,
                                   [mixed_probe, mixed_probe], eval_every=100, eval_sets=_held_out(), block=300,
                                   checkpoint=checkpoint, checkpoint_every=50)
    frames = {f"{name}_{i}": df for i, res in enumerate(results) for name, df in res.items()}
    return {"frames": frames, "tensors": [t for s in stacks for t in s.weights + s.biases]}


def _run_pretrain(checkpoint) -> dict:
    stack = nets.MLPStack([1024, 16, 16, 9], activations=["tanh", "sigmoid"], seeds=[4, 5])
    log = pretrain.pretrain(stack, shapeset.ShapesetStream(seed=3, chunk=128), PRETRAIN_UPDATES_PER_LAYER, lr=0.02,
                            record_every=40, checkpoint=checkpoint, checkpoint_every=100)
    return {"frames": {"log": log}, "tensors": stack.weights + stack.biases + [stack.active]}


def run(kind: str, checkpoint=None) -> dict:
    """Run job ``kind`` (resuming from ``checkpoint`` if that file exists): its ``frames``
    (name -> DataFrame) and final ``tensors`` (weights, biases)."""
    return {"train": _run_train, "lockstep": _run_lockstep, "pretrain": _run_pretrain}[kind](checkpoint)


def progress(kind: str, state: dict) -> int:
    """The update count a checkpoint ``state`` of job ``kind`` was saved at."""
    if kind == "train":
        return int(state["update"])
    if kind == "lockstep":
        return sum(LOCKSTEP_CUTS[: state["segments_done"]])
    return state["layer"] * PRETRAIN_UPDATES_PER_LAYER + state["layer_run"]["done"]


if __name__ == "__main__":
    torch.set_num_threads(1)
    run(sys.argv[1], sys.argv[2])
