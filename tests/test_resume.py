"""Every kind of experiment runner, killed mid-way by SIGKILL and run again, ends with exactly
the tables of an uninterrupted run (compared through the sha256 of every archived table).

The runs go through the CLI (``python -m glorot run ... --profile smoke``) in subprocesses
with their own archive and checkpoint folders; ``GLOROT_KILL_AFTER_CHECKPOINTS=N`` makes the
first attempt die by SIGKILL right after its N-th checkpoint (:mod:`glorot.checkpoints`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

CASES = [
    ("gradient_dynamics", 2),   # the lockstep multi-stack trainer (saturation, gradients, cost comparison)
    ("shapeset_curves", 2),     # inside greedy pre-training, mid-layer
    ("shapeset_curves", 9),     # later: pre-trained weights kept, supervised training under way
    ("svm_baseline", 1),        # the single-stack trainer on a finite sample
]


def _cli(args, results, checkpoints, kill_after=None):
    env = os.environ | {"GLOROT_RESULTS": str(results), "GLOROT_CHECKPOINTS": str(checkpoints), "PYTHONHASHSEED": "0"}
    env.pop("GLOROT_KILL_AFTER_CHECKPOINTS", None)
    if kill_after is not None:
        env["GLOROT_KILL_AFTER_CHECKPOINTS"] = str(kill_after)
    return subprocess.run([sys.executable, "-m", "glorot", "run", *args], env=env, capture_output=True, text=True, timeout=300)


def _table_hashes(results, name):
    (prov,) = (results / name).glob("*/provenance.json")
    return json.loads(prov.read_text())["frame_sha256"]


@pytest.mark.parametrize("name, kill_after", CASES)
def test_a_killed_run_resumes_to_the_uninterrupted_tables(name, kill_after, tmp_path):
    args = [name, "--profile", "smoke", "--force"]
    whole = _cli(args, tmp_path / "whole", tmp_path / "ck-whole")
    assert whole.returncode == 0, whole.stderr
    killed = _cli(args, tmp_path / "resumed", tmp_path / "ck", kill_after=kill_after)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list((tmp_path / "ck").rglob("*.pt")), "the killed run left its checkpoint"
    assert not (tmp_path / "resumed").exists() or not list((tmp_path / "resumed").rglob("provenance.json"))
    resumed = _cli(args, tmp_path / "resumed", tmp_path / "ck")
    assert resumed.returncode == 0, resumed.stderr
    assert _table_hashes(tmp_path / "resumed", name) == _table_hashes(tmp_path / "whole", name)
    assert not list((tmp_path / "ck").rglob("*.pt")), "checkpoints are removed once the run is archived"
