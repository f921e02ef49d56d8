"""glorot.train: SGD over a stack, divergence handling, determinism, checkpoint/resume."""

import pandas as pd
import pytest
import torch

from glorot import checkpoints, nets, probes
from glorot.train import ArrayStream, train, train_lockstep

torch.set_num_threads(1)


def data(n=200, d=16, c=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    w = torch.randn(d, c, generator=g)
    return x, (x @ w).argmax(1)


def make_stack(**kw):
    kw = {"activations": "tanh", "inits": "normalized", "learning_rates": [0.1, 0.05], "seeds": [1, 2]} | kw
    return nets.MLPStack([16, 12, 12, 4], **kw)


def test_training_learns_and_records_curves():
    x, y = data()
    res = train(make_stack(), ArrayStream(x, y, seed=0), 600, eval_every=200, eval_sets={"train": (x, y)})
    c = res.curves
    assert list(c["update"].unique()) == [0, 200, 400, 600]
    assert set(c.columns) >= {"model", "activation", "init", "lr", "seed", "update", "examples", "epoch", "split", "error", "cost"}
    first, last = c[c["update"] == 0], c[c["update"] == 600]
    assert (last["error"].values < first["error"].values - 0.2).all()
    assert (c["examples"] == 10 * c["update"]).all()
    assert res.diverged.empty


def test_diverging_model_is_stopped_and_reported_while_others_go_on():
    x, y = data()
    stack = make_stack(learning_rates=[0.1, 1e30, 0.05], seeds=[1, 2, 3])
    res = train(stack, ArrayStream(x, y, seed=0), 300, eval_every=100, eval_sets={"train": (x, y)})
    assert list(res.diverged["model"]) == [1]
    assert res.diverged["update"].iloc[0] < 50
    assert not stack.active[1] and stack.active[0] and stack.active[2]
    final = res.curves[res.curves["update"] == 300].set_index("model")["error"]
    assert pd.isna(final[1]) and final[0] < 0.5 and final[2] < 0.6
    # The healthy models trained exactly as if the diverging one were absent.
    alone = make_stack(learning_rates=[0.1, 0.05], seeds=[1, 3])
    train(alone, ArrayStream(x, y, seed=0), 300)
    assert torch.equal(alone.weights[0][0], stack.weights[0][0])
    assert torch.equal(alone.weights[2][1], stack.weights[2][2])


def test_same_seed_same_results_on_cpu():
    x, y = data()
    runs = [train(make_stack(), ArrayStream(x, y, seed=3), 250, eval_every=50, eval_sets={"t": (x, y)}) for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0].curves, runs[1].curves)
    for a, b in zip(runs[0].stack.weights, runs[1].stack.weights):
        assert torch.equal(a, b)
    other = train(make_stack(), ArrayStream(x, y, seed=4), 250)
    assert not torch.equal(other.stack.weights[0], runs[0].stack.weights[0])


def test_probing_does_not_change_training():
    x, y = data()
    plain = train(make_stack(), ArrayStream(x, y, seed=0), 200)
    probed = train(make_stack(), ArrayStream(x, y, seed=0), 200, probe=probes.stats_probe(x[:30], y[:30], hist_bins=10), probe_every=50)
    for a, b in zip(plain.stack.weights + plain.stack.biases, probed.stack.weights + probed.stack.biases):
        assert torch.equal(a, b)
    assert sorted(probed.probes["update"].unique()) == [0, 50, 100, 150, 200]


def test_checkpoint_resume_equals_uninterrupted_run(tmp_path):
    x, y = data()
    ckpt = tmp_path / "run.pt"
    full = train(make_stack(), ArrayStream(x, y, seed=0), 400, eval_every=100, eval_sets={"t": (x, y)})
    part = train(make_stack(), ArrayStream(x, y, seed=0), 400, eval_every=100, eval_sets={"t": (x, y)}, checkpoint=ckpt, checkpoint_every=70, stop_after=230)
    assert part.updates == 230 and ckpt.exists()
    resumed = train(make_stack(), ArrayStream(x, y, seed=0), 400, eval_every=100, eval_sets={"t": (x, y)}, checkpoint=ckpt, checkpoint_every=70)
    assert resumed.resumed_from == 210  # the last periodic checkpoint before the 'kill' at 230
    for a, b in zip(full.stack.weights, resumed.stack.weights):
        assert torch.equal(a, b)
    pd.testing.assert_frame_equal(full.curves, resumed.curves)


def test_corrupt_checkpoint_is_reported(tmp_path):
    ckpt = tmp_path / "run.pt"
    ckpt.write_bytes(b"not a checkpoint")
    x, y = data()
    with pytest.raises(ValueError, match="corrupt"):
        train(make_stack(), ArrayStream(x, y), 10, checkpoint=ckpt)


def test_a_finished_lockstep_run_is_read_back_from_its_checkpoint_and_another_layout_refused(tmp_path):
    x, y = data()
    ckpt = tmp_path / "lockstep.pt"
    first = [make_stack(), make_stack(seeds=[3, 4])]
    done = train_lockstep(first, ArrayStream(x, y), [5, 5], eval_sets={"t": (x, y)}, checkpoint=ckpt)
    again = [make_stack(), make_stack(seeds=[3, 4])]
    reread = train_lockstep(again, ArrayStream(x, y), [5, 5], eval_sets={"t": (x, y)}, checkpoint=ckpt)
    for a, b in zip(done, reread):
        for name in a:
            pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
    for s1, s2 in zip(first, again):
        assert all(torch.equal(u, v) for u, v in zip(s1.weights, s2.weights))
    with pytest.raises(checkpoints.CheckpointError, match="cuts differ"):
        train_lockstep([make_stack(), make_stack(seeds=[3, 4])], ArrayStream(x, y), [5, 6], checkpoint=ckpt)


def test_bad_arguments_fail_before_compute():
    x, y = data()
    with pytest.raises(ValueError, match="updates"):
        train(make_stack(), ArrayStream(x, y), -1)
    with pytest.raises(ValueError, match="eval_every"):
        train(make_stack(), ArrayStream(x, y), 10, eval_every=0)


def test_shapeset_stream_resumes_mid_chunk_with_the_same_batches():
    from glorot.shapeset import ShapesetStream

    a = ShapesetStream(seed=4, chunk=25)
    for _ in range(7):
        a.next_batch(10)
    state = a.state_dict()
    expected = [a.next_batch(10) for _ in range(4)]
    b = ShapesetStream(seed=4, chunk=25)
    b.load_state_dict(state)
    for (xe, ye), (xg, yg) in zip(expected, [b.next_batch(10) for _ in range(4)]):
        assert torch.equal(xe, xg) and torch.equal(ye, yg)
    with pytest.raises(ValueError, match="seed"):
        ShapesetStream(seed=5, chunk=25).load_state_dict(state)


def test_interrupted_shapeset_training_resumes_to_the_same_weights(tmp_path):
    """Kill a CPU run mid-way (stop_after), resume it from its checkpoint: the result equals an
    uninterrupted run, weights and curves alike."""
    from glorot.shapeset import ShapesetStream, generate

    x_test, y_test = generate(100, seed=99)

    def run(**kw):
        stack = nets.MLPStack([1024, 20, 20, 9], activations=["tanh", "softsign"], learning_rates=0.05, seeds=[0, 1])
        return train(stack, ShapesetStream(seed=1, chunk=64), 120, eval_every=40, eval_sets={"test": (x_test, y_test)}, **kw)

    full = run()
    ckpt = tmp_path / "ckpt.pt"
    run(checkpoint=ckpt, checkpoint_every=30, stop_after=75)
    resumed = run(checkpoint=ckpt, checkpoint_every=30)
    assert resumed.resumed_from == 60
    for a, b in zip(full.stack.weights + full.stack.biases, resumed.stack.weights + resumed.stack.biases):
        assert torch.equal(a, b)
    pd.testing.assert_frame_equal(full.curves, resumed.curves)


KILL_SCRIPT = """
import sys, torch
from glorot import nets
from glorot.train import ArrayStream, train
sys.path.insert(0, {tests!r})
from test_train import data, make_stack
x, y = data()
train(make_stack(), ArrayStream(x, y, seed=0), 100_000, eval_every=100, eval_sets={{"t": (x, y)}},
      checkpoint={ckpt!r}, checkpoint_every=100)
"""


def test_sigkilled_run_resumes_to_the_same_result(tmp_path):
    """A real kill (SIGKILL of a training process, at whatever update it has reached after
    its second checkpoint) and a resume give exactly the uninterrupted run's weights."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    ckpt = tmp_path / "run.pt"
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), ckpt=str(ckpt))
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            if ckpt.exists() and checkpoints.load(ckpt, "train")["update"] >= 200:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        proc.kill()
    saved = checkpoints.load(ckpt, "train")["update"]
    assert 200 <= saved < 100_000
    target = saved + 150
    x, y = data()
    resumed = train(make_stack(), ArrayStream(x, y, seed=0), target, eval_every=100, eval_sets={"t": (x, y)}, checkpoint=ckpt, checkpoint_every=100)
    full = train(make_stack(), ArrayStream(x, y, seed=0), target, eval_every=100, eval_sets={"t": (x, y)})
    assert resumed.resumed_from == saved
    for a, b in zip(full.stack.weights + full.stack.biases, resumed.stack.weights + resumed.stack.biases):
        assert torch.equal(a, b)
    pd.testing.assert_frame_equal(full.curves, resumed.curves)
