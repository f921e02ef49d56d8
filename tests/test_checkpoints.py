"""glorot.checkpoints: files that cannot run code, clear refusals, exact frames, and jobs that
are SIGKILLed mid-run and resume to exactly the uninterrupted result."""

from __future__ import annotations

import importlib.util
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from glorot import checkpoints
from glorot.checkpoints import CheckpointError

torch.set_num_threads(1)

JOB_SCRIPT = Path(__file__).with_name("resume_job.py")
_spec = importlib.util.spec_from_file_location("resume_job", JOB_SCRIPT)
job = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(job)


class Planter:
    """Unpickling this runs code: it creates the file ``marker``."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"import pathlib; pathlib.Path({self.marker!r}).touch()",)


def crafted_torch_file(path: Path, marker: Path) -> None:
    """A torch file that looks like a checkpoint but holds code."""
    torch.save({"checkpoint": {"format": "glorot-checkpoint", "version": 1, "kind": "train"},
                "state": {"update": 3, "payload": Planter(marker)}}, path)


def crafted_pickle_file(path: Path, marker: Path) -> None:
    path.write_bytes(pickle.dumps({"state": Planter(marker)}))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # torch's note on the plain pickle's protocol
@pytest.mark.parametrize("craft", [crafted_torch_file, crafted_pickle_file])
def test_a_checkpoint_holding_code_is_refused_without_running_it(tmp_path, craft):
    ckpt, marker = tmp_path / "run.pt", tmp_path / "code-ran"
    craft(ckpt, marker)
    with pytest.raises(CheckpointError, match="nothing in it was executed") as e:
        checkpoints.load(ckpt, "train")
    assert str(ckpt) in str(e.value) and "Delete it to start the run afresh" in str(e.value)
    assert not marker.exists()
    # The file is armed: an unsafe load does run its code (so the refusal above is meaningful).
    pickle.loads(ckpt.read_bytes()) if craft is crafted_pickle_file else torch.load(ckpt, weights_only=False)
    assert marker.exists()


def test_a_truncated_checkpoint_is_reported_as_corrupt(tmp_path):
    ckpt = tmp_path / "run.pt"
    checkpoints.save({"w": torch.randn(50, 50), "update": 7}, ckpt, "train")
    assert checkpoints.load(ckpt, "train")["update"] == 7
    ckpt.write_bytes(ckpt.read_bytes()[:1500])
    with pytest.raises(CheckpointError, match="corrupt or truncated") as e:
        checkpoints.load(ckpt, "train")
    assert str(ckpt) in str(e.value) and "Delete it" in str(e.value)


def test_a_foreign_torch_file_and_another_kind_are_refused(tmp_path):
    foreign = tmp_path / "weights.pt"
    torch.save({"update": 7, "stack": {"weights": [torch.zeros(2)]}}, foreign)
    with pytest.raises(CheckpointError, match="without the 'glorot-checkpoint' marker") as e:
        checkpoints.load(foreign, "train")
    assert str(foreign) in str(e.value)
    other = tmp_path / "pre.pt"
    checkpoints.save({"layer": 0}, other, "pretrain")
    with pytest.raises(CheckpointError, match="'pretrain' checkpoint, and this is a 'train' run"):
        checkpoints.load(other, "train")


def test_save_refuses_state_that_is_not_plain_data(tmp_path):
    with pytest.raises(TypeError, match=r"state\['curves'\] is a pandas.*frame_state"):
        checkpoints.save({"curves": pd.DataFrame({"a": [1]})}, tmp_path / "run.pt", "train")
    assert list(tmp_path.iterdir()) == []  # neither the checkpoint nor a temporary file


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path):
    ckpt = tmp_path / "deep" / "run.pt"
    checkpoints.save({"update": 1}, ckpt, "train")
    checkpoints.save({"update": 2}, ckpt, "train")
    assert [p.name for p in ckpt.parent.iterdir()] == ["run.pt"]
    assert checkpoints.load(ckpt, "train") == {"update": 2}


def frames_to_round_trip() -> dict[str, pd.DataFrame]:
    full = pd.DataFrame({
        "flag": [True, False, True],
        "count": np.array([1, -2, 2**40], dtype="int64"),
        "x": [0.1, float("nan"), -1e300],
        "x32": np.array([0.1, 2.5, float("nan")], dtype="float32"),
        "name": ["a", None, "ccc"],
        "mixed": pd.Series([1, "b", None], dtype=object),
    })
    return {
        "every dtype": full,
        "filtered (non-range index)": full[full["flag"]],
        "reordered columns": full[["name", "x", "flag"]],
        "no rows": full.iloc[:0],
        "empty": pd.DataFrame(),
    }


@pytest.mark.parametrize("name", list(frames_to_round_trip()))
def test_frames_round_trip_exactly_through_a_checkpoint(tmp_path, name):
    df = frames_to_round_trip()[name]
    checkpoints.save({"frame": checkpoints.frame_state(df)}, tmp_path / "f.pt", "test")
    back = checkpoints.frame_from_state(checkpoints.load(tmp_path / "f.pt", "test")["frame"])
    pd.testing.assert_frame_equal(df, back, check_exact=True)
    assert list(back.dtypes) == list(df.dtypes) and list(back.columns) == list(df.columns)


@pytest.fixture(scope="module")
def killed_jobs(tmp_path_factory):
    """Every job of tests/resume_job.py started at once (two cores), each told to SIGKILL
    itself after its second checkpoint: kind -> (process, checkpoint path)."""
    folder = tmp_path_factory.mktemp("killed")
    env = os.environ | {checkpoints.KILL_ENV: "2"}
    jobs = {}
    for kind in job.KINDS:
        ckpt = folder / f"{kind}.pt"
        jobs[kind] = (subprocess.Popen([sys.executable, str(JOB_SCRIPT), kind, str(ckpt)], env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), ckpt)
    yield jobs
    for proc, _ in jobs.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("kind", job.KINDS)
def test_a_sigkilled_job_resumes_to_exactly_the_uninterrupted_result(kind, killed_jobs):
    proc, ckpt = killed_jobs[kind]
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, output
    state = checkpoints.load(ckpt, job.CHECKPOINT_KIND[kind])
    assert job.progress(kind, state) == job.SECOND_CHECKPOINT_AT[kind]

    resumed = job.run(kind, ckpt)
    full = job.run(kind)
    assert resumed["frames"].keys() == full["frames"].keys()
    for name, df in full["frames"].items():
        pd.testing.assert_frame_equal(resumed["frames"][name], df, check_exact=True, obj=f"{kind} {name}")
    assert len(resumed["tensors"]) == len(full["tensors"])
    for a, b in zip(resumed["tensors"], full["tensors"]):
        assert torch.equal(a, b)


def test_a_resume_checks_the_saved_settings_in_one_place(tmp_path):
    """pretrain and train_lockstep resume through checkpoints.load_matching: the same check, the
    same message naming the settings that differ."""
    path = tmp_path / "run.pt"
    checkpoints.save({"run": {"lr": 0.1, "cuts": [1, 2]}, "x": 1}, path, "train_lockstep")
    assert checkpoints.load_matching(path, "train_lockstep", "run", {"lr": 0.1, "cuts": [1, 2]}, "a lockstep run")["x"] == 1
    with pytest.raises(CheckpointError, match=r"of a lockstep run with other settings \(its cuts differ") as e:
        checkpoints.load_matching(path, "train_lockstep", "run", {"lr": 0.1, "cuts": [1, 3]}, "a lockstep run")
    assert "Delete it" in str(e.value)
    with pytest.raises(CheckpointError, match="its lr, cuts differ"):
        checkpoints.load_matching(path, "train_lockstep", "settings", {"lr": 0.1, "cuts": [1, 2]}, "a lockstep run")
