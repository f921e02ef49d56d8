"""A long run cut into chunks (:class:`glorot.run_settings.WorkBudget`,
:func:`glorot.experiments.registry.run_chunk`, ``python -m glorot plan`` / ``run-chunk``):
each chunk resumes from the checkpoints, stops once its share of the work is done, and saves;
the chunks run separately, one process each, merge into exactly the archive entry of the
unchunked run (the sha256 of every table), with every chunk in the provenance."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
import torch

from glorot import checkpoints, experiments, nets, pretrain, shapeset
from glorot.experiments import plan as plans
from glorot.run_settings import Execution, RunSettings, WorkBudget
from glorot.train import ArrayStream, segments, train, train_lockstep

SIZES = [20, 12, 12, 3]


def _data(n=1000):
    g = torch.Generator().manual_seed(0)
    return torch.rand(n, SIZES[0], generator=g), torch.randint(0, SIZES[-1], (n,), generator=g)


def _stack():
    return nets.MLPStack(SIZES, activations=["tanh", "softsign"], learning_rates=[0.1, 0.05], seeds=[0, 1])


def _budget(model_updates: int) -> RunSettings:
    """The run settings of one chunk of ``model_updates`` model-updates."""
    return RunSettings(budget=WorkBudget(model_updates=model_updates))


def _until_done(step):
    """Call ``step()`` until it stops raising ChunkPaused; the number of chunks it took."""
    for n in range(1, 100):
        try:
            out = step()
        except checkpoints.ChunkPaused:
            continue
        return n, out
    raise AssertionError("never finished")


def test_train_paused_by_its_budget_resumes_to_the_uninterrupted_run(tmp_path):
    x, y = _data()
    whole = _stack()
    ref = train(whole, ArrayStream(x, y, seed=2), 300, eval_every=50, eval_sets={"t": (x[:100], y[:100])})
    stack = _stack()
    stream = ArrayStream(x, y, seed=2)

    def chunk():
        # 37 updates of 2 models: cuts between events
        return train(stack, stream, 300, eval_every=50, eval_sets={"t": (x[:100], y[:100])},
                     checkpoint=tmp_path / "c.pt", checkpoint_every=100, settings=_budget(2 * 37))

    n, res = _until_done(chunk)
    assert n == 9  # ceil(300 / 37)
    pd.testing.assert_frame_equal(res.curves, ref.curves)
    assert all(torch.equal(a, b) for a, b in zip(stack.weights, whole.weights))


def test_lockstep_and_pretraining_pause_and_resume(tmp_path):
    x, y = _data()
    cuts = segments(200, 40)

    def lockstep(stacks, path, **kw):
        return train_lockstep(stacks, ArrayStream(x, y, seed=1), cuts, checkpoint=path, checkpoint_every=1000, **kw)

    ref_stacks = [_stack(), _stack()]
    ref = lockstep(ref_stacks, tmp_path / "ref.pt")
    stacks = [_stack(), _stack()]

    def chunk():
        return lockstep(stacks, tmp_path / "l.pt", settings=_budget(150))

    n, res = _until_done(chunk)
    assert n > 2
    for a, b in zip(res, ref):
        pd.testing.assert_frame_equal(a["curves"], b["curves"])
    assert all(torch.equal(p, q) for s, r in zip(stacks, ref_stacks) for p, q in zip(s.weights, r.weights))

    ref_pre = _stack()
    rows_ref = pretrain.pretrain(ref_pre, ArrayStream(x, y, seed=4), 60)
    pre, stream = _stack(), ArrayStream(x, y, seed=4)

    def pchunk():
        return pretrain.pretrain(pre, stream, 60, checkpoint=tmp_path / "p.pt", settings=_budget(45))

    n, rows = _until_done(pchunk)
    assert n == 6  # 2 layers x 60 updates x 2 models / 45, rounded up
    pd.testing.assert_frame_equal(rows, rows_ref)
    assert all(torch.equal(p, q) for p, q in zip(pre.weights, ref_pre.weights))


def test_a_budget_without_a_checkpoint_never_pauses():
    x, y = _data()
    settings = _budget(1)
    res = train(_stack(), ArrayStream(x, y), 20, settings=settings)
    assert res.updates == 20 and settings.budget.spent_updates == 40


def test_only_the_loops_given_a_budget_count_against_it(tmp_path):
    # the budget travels in the settings passed down, not in the process: a run beside the
    # chunk (no settings given) neither spends it nor is paused by it
    x, y = _data()
    settings = _budget(10)
    with pytest.raises(checkpoints.ChunkPaused):
        train(_stack(), ArrayStream(x, y), 20, checkpoint=tmp_path / "a.pt", settings=settings)
    spent = settings.budget.spent_updates
    assert settings.budget_spent() and spent == 10
    res = train(_stack(), ArrayStream(x, y), 20, checkpoint=tmp_path / "b.pt")
    assert res.updates == 20 and settings.budget.spent_updates == spent
    # a time budget: spent once its seconds have passed
    assert not RunSettings(budget=WorkBudget(seconds=3600)).budget_spent()
    assert RunSettings(budget=WorkBudget(seconds=0)).budget_spent()
    assert not RunSettings().budget_spent()


# --------------------------------------------------------------------------- the settings arrive

TRAINING = sorted(n for n, e in experiments.EXPERIMENTS.items() if e.stages is not None)


@pytest.mark.parametrize("name", TRAINING)
def test_every_training_runner_hands_its_settings_to_its_loops(name, tmp_path):
    # the runner -> run_dynamics -> train_lockstep -> train / pretrain chain, explicit: a
    # budget of one model-update pauses the run at its first checkpoint, and the Triton
    # kernels (or TF32) reach the trainer, which refuses them on the CPU's step engine
    exp = experiments.experiment(name)
    cfg = exp.defaults("smoke")
    with pytest.raises(checkpoints.ChunkPaused):
        exp.runner(cfg, "cpu", tmp_path / "paused", settings=_budget(1))
    for how in (Execution(kernels="triton"), Execution(tf32=True)):
        with pytest.raises(ValueError, match="need the graph engine"):
            exp.runner(cfg, "cpu", tmp_path / "refused", settings=RunSettings(how))


def test_run_chunk_hands_its_budget_to_the_runner_and_none_to_its_probe(tmp_path, monkeypatch):
    from glorot import behaviour

    monkeypatch.setattr(experiments.registry, "CHECKPOINT_ROOT", tmp_path / "ck")
    monkeypatch.setattr(behaviour, "_MEMORY", {})
    monkeypatch.setattr(behaviour, "CACHE_DIR", tmp_path / "cache")
    exp = experiments.experiment("gradient_dynamics")
    given = []

    def runner(cfg, device, checkpoint_dir, *, settings):
        given.append(settings)
        return exp.runner(cfg, device, checkpoint_dir, settings=settings)

    monkeypatch.setitem(experiments.EXPERIMENTS, exp.name, dataclasses.replace(exp, runner=runner))
    assert experiments.registry.run_chunk(exp.name, "smoke", 1, model_updates=30, save=False) is None
    probe, run = given
    assert probe == behaviour.PROBE_SETTINGS
    assert run.budget is not None and run.budget.model_updates == 30 and run.budget_spent() and run.fault_injection
    assert run.execution == Execution()
    (entry,) = experiments.registry.read_ledger(experiments.registry.checkpoint_dir(exp.name, "smoke", exp.defaults("smoke")))
    assert entry["status"] == "paused" and entry["model_updates"] == run.budget.spent_updates


# --------------------------------------------------------------------------- through the CLI


def _cli(args, tmp_path, timeout=300):
    env = os.environ | {"GLOROT_RESULTS": str(tmp_path / "results"), "GLOROT_CHECKPOINTS": str(tmp_path / "ck"),
                        "PYTHONHASHSEED": "0"}
    env.pop("GLOROT_KILL_AFTER_CHECKPOINTS", None)
    return subprocess.run([sys.executable, "-m", "glorot", *args], env=env, capture_output=True, text=True, timeout=timeout)


def _provenance(results, name):
    (prov,) = (results / name).glob("*/provenance.json")
    return json.loads(prov.read_text())


def _model_updates(name):
    exp = experiments.experiment(name)
    return sum(s.n_models * s.updates for s in exp.stages(exp.defaults("smoke")))


@pytest.mark.parametrize("name", ["gradient_dynamics", "shapeset_curves"])
def test_chunks_run_separately_merge_into_the_unchunked_entry(name, tmp_path):
    whole = _cli(["run", name, "--profile", "smoke", "--force"], tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    share = _model_updates(name) // 4 + 1
    for k in range(1, 20):
        out = _cli(["run-chunk", f"{name}.{k}", "--profile", "smoke", "--device", "cpu", "--model-updates", str(share)],
                   tmp_path / "chunked")
        assert out.returncode == 0, out.stderr
        if "done; the run goes on" not in out.stdout:
            break
    assert k >= 2, "the run was cut into chunks"
    a, b = _provenance(tmp_path / "whole" / "results", name), _provenance(tmp_path / "chunked" / "results", name)
    assert a["frame_sha256"] == b["frame_sha256"]
    assert [c["chunk"] for c in b["chunks"]] == list(range(1, k + 1))
    assert [c["status"] for c in b["chunks"]] == ["paused"] * (k - 1) + ["finished"]
    assert all(c["device"].startswith("CPU") and c["worker"] for c in b["chunks"])
    assert b["wall_time_s"] == pytest.approx(sum(c["wall_time_s"] for c in b["chunks"]), abs=0.2)
    # the checkpoint folder (with its ledger) is gone once the run is archived; a further chunk has nothing to do
    assert not list((tmp_path / "chunked" / "ck").rglob("*.pt"))
    again = _cli(["run-chunk", f"{name}.{k + 1}", "--profile", "smoke", "--device", "cpu", "--model-updates", "5"],
                 tmp_path / "chunked")
    assert again.returncode == 0 and "archived already" in again.stdout


def test_chunks_must_go_in_order(tmp_path):
    args = ["--profile", "smoke", "--device", "cpu", "--model-updates", "50"]
    out = _cli(["run-chunk", "gradient_dynamics.2", *args], tmp_path)
    assert out.returncode == 2 and "the next is chunk 1" in out.stderr
    assert _cli(["run-chunk", "gradient_dynamics.1", *args], tmp_path).returncode == 0
    out = _cli(["run-chunk", "gradient_dynamics.1", *args], tmp_path)
    assert out.returncode == 2 and "done already" in out.stderr
    for bad, why in [("gradient_dynamics", "EXPERIMENT.K"), ("nosuch.1", "unknown experiment")]:
        out = _cli(["run-chunk", bad, *args], tmp_path)
        assert out.returncode == 2 and why in out.stderr, out.stderr
    out = _cli(["run-chunk", "gradient_dynamics.2", "--profile", "smoke", "--device", "cpu", "--model-updates", "0"], tmp_path)
    assert out.returncode == 2 and "model_updates" in out.stderr


def test_run_chunk_refuses_bad_budgets_and_tf32():
    with pytest.raises(ValueError, match="needs a budget"):
        experiments.registry.run_chunk("gradient_dynamics", "smoke", 1)
    with pytest.raises(ValueError, match="seconds"):
        experiments.registry.run_chunk("gradient_dynamics", "smoke", 1, seconds=float("nan"))
    with pytest.raises(ValueError, match="chunk"):
        experiments.registry.run_chunk("gradient_dynamics", "smoke", 0, model_updates=10)
    with pytest.raises(ValueError, match="TF32"):
        experiments.registry.run_chunk("gradient_dynamics", "smoke", 1, model_updates=10, tf32=True)
    with pytest.raises(ValueError, match="CUDA"):
        experiments.run("gradient_dynamics", "smoke", kernels="triton")


# --------------------------------------------------------------------------- the plan


def test_plan_of_the_paper_profile_fits_nine_minute_chunks():
    plan = plans.make_plan("paper", "h200")
    assert {c.experiment for c in plan.chunks} == {n for n, e in experiments.EXPERIMENTS.items() if e.stages}
    assert all(c.minutes <= 9 * plans.MARGIN + 1e-9 for c in plan.chunks)
    for name, total in plan.run_minutes.items():
        chunks = [c for c in plan.chunks if c.experiment == name]
        assert [c.index for c in chunks] == list(range(1, len(chunks) + 1))
        assert sum(c.minutes for c in chunks) == pytest.approx(total)
        exp = experiments.experiment(name)
        updates = sum(s.n_models * s.updates for s in exp.stages(exp.defaults("paper")))
        assert sum(c.model_updates for c in chunks) == pytest.approx(updates, abs=len(chunks))
    # the fused kernels' 12 B/param plan is shorter; the bandwidth bound shorter still than cuBLAS's rate
    assert plans.make_plan("paper", "h200:triton").total_minutes() < plan.total_minutes()
    assert plans.make_plan("paper", "h200:bound").total_minutes() < plan.total_minutes()
    assert "not a measurement" in plan.method and "sigmoid_saturation.1" in plan.table()


def test_plan_cli_and_its_errors(tmp_path):
    out = _cli(["plan", "--profile", "paper", "--device", "h100", "shapeset_curves"], tmp_path)
    assert out.returncode == 0 and "shapeset_curves.1" in out.stdout and "run-chunk shapeset_curves.1" in out.stdout
    for args, why in [(["--profile", "huge"], "profile"), (["--chunk-minutes", "0"], "chunk_minutes"),
                      (["nosuch"], "unknown experiment")]:
        out = _cli(["plan", *args], tmp_path)
        assert out.returncode == 2 and why in out.stderr, out.stderr
    with pytest.raises(ValueError, match="no chunk"):
        plans.find_chunk(plans.make_plan("paper", "h200", experiments=["svm_baseline"]), "svm_baseline.7")


def test_shapeset_stream_serves_the_same_examples_in_blocks():
    # the graph engine and the chunked runs ask a stream for blocks: the examples must not depend on that
    a, b = shapeset.ShapesetStream(seed=5, chunk=300), shapeset.ShapesetStream(seed=5, chunk=300)
    xa = torch.cat([a.next_batch(10)[0] for _ in range(70)])
    xb = torch.cat([b.next_batch(350)[0], b.next_batch(350)[0]])
    assert torch.equal(xa, xb)


@pytest.mark.parametrize("device, why", [("tpu", "unknown device 'tpu'"), ("h200:fast", "named GPU takes no suffix"),
                                         (5, "device must be a string"), ("cuda:0" if not torch.cuda.is_available() else "tpu", "device")])
def test_plan_refuses_a_device_it_cannot_plan_for(device, why):
    with pytest.raises(ValueError, match=why):
        plans.make_plan("paper", device)
