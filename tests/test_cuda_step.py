"""The graph engine's block logic (:mod:`glorot.cuda_step`, ``train(engine="graph")``), run on
the CPU where the very same body runs eagerly: it must give exactly what the per-step engine
gives on the batched path (same products on the same examples, so bit for bit on a CPU),
report a diverged model at its first non-finite update, and serve each block's examples in the
order a stream serves them one batch at a time."""

import pandas as pd
import pytest
import torch

from glorot import nets, shapeset
from glorot.cuda_step import GraphedSteps
from glorot.run_settings import Execution, RunSettings
from glorot.train import GRAPH_STEPS, ArrayStream, train

SIZES = [20, 16, 16, 3]


def _stack(m=3, **kw):
    kw = {"activations": ["tanh", "softsign", "sigmoid"][:m], "inits": "normalized",
          "learning_rates": [0.05, 0.1, 0.2][:m], "seeds": list(range(m))} | kw
    return nets.MLPStack(SIZES, **kw)


def _data(n=2000, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, SIZES[0], generator=g), torch.randint(0, SIZES[-1], (n,), generator=g)


def _engine(engine):
    """Run settings with this engine, the rest by default."""
    return RunSettings(Execution(engine=engine))


def _run(engine, updates, **kw):
    stack = _stack()
    x, y = _data()
    res = train(stack, ArrayStream(x, y, seed=1), updates, eval_sets={"test": (x[:200], y[:200])}, settings=_engine(engine),
                **kw)
    return stack, res


@pytest.mark.parametrize("updates, eval_every", [(250, 100), (333, 70), (100, None)])
def test_graph_engine_equals_step_engine_bit_for_bit(updates, eval_every):
    # 333 updates every 70: blocks cut at every evaluation, and steps left over after the last block
    a, ra = _run("step", updates, eval_every=eval_every)
    b, rb = _run("graph", updates, eval_every=eval_every)
    assert a.step_path == "batched"
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        assert torch.equal(wa, wb)
    pd.testing.assert_frame_equal(ra.curves, rb.curves)
    assert rb.updates == updates


def test_block_serves_the_streams_examples_in_order():
    stack = _stack()
    ref = stack.select(range(stack.n_models))
    x, y = _data()
    block = GraphedSteps(stack, 10, 5)
    costs = block.run(x[:50], y[:50])
    for k in range(5):
        c = ref._sgd_step_batched(x[10 * k:10 * (k + 1)], y[10 * k:10 * (k + 1)])
        assert torch.equal(costs[k], c)
    assert all(torch.equal(p, q) for p, q in zip(stack.weights, ref.weights))
    with pytest.raises(ValueError, match="needs 50 examples"):
        block.run(x[:40], y[:40])


def test_graph_engine_reports_divergence_at_the_first_bad_update():
    # model 2's learning rate is absurd: its cost becomes non-finite after a few updates
    def run(engine):
        stack = _stack(learning_rates=[0.05, 0.1, 1e6])
        x, y = _data()
        res = train(stack, ArrayStream(x, y, seed=1), 2 * GRAPH_STEPS, settings=_engine(engine))
        return stack, res

    a, ra = run("step")
    b, rb = run("graph")
    assert list(ra.diverged["model"]) == [2] and list(rb.diverged["model"]) == [2]
    assert int(ra.diverged["update"].iloc[0]) == int(rb.diverged["update"].iloc[0])
    assert not a.active[2] and not b.active[2]
    # the others are untouched by their neighbour's divergence, in both engines alike
    for wa, wb in zip(a.weights, b.weights):
        assert torch.equal(wa[:2], wb[:2])


def test_stopped_model_keeps_its_weights_in_a_block():
    stack = _stack()
    stack.active[1] = False
    before = [w[1].clone() for w in stack.weights]
    block = GraphedSteps(stack, 10, 4)
    x, y = _data()
    block.run(x[:40], y[:40])
    assert all(torch.equal(w[1], b) for w, b in zip(stack.weights, before))


def test_triton_and_tf32_need_the_graph_engine():
    stack = _stack()
    x, y = _data()
    for how in (Execution(engine="step", kernels="triton"), Execution(tf32=True)):  # on the CPU: the step engine
        with pytest.raises(ValueError, match="graph engine"):
            train(stack, ArrayStream(x, y), 10, settings=RunSettings(how))
    with pytest.raises(ValueError, match="engine must be one of"):
        Execution(engine="fast")
    with pytest.raises(ValueError, match="kernels must be"):
        Execution(kernels="cuda")
    with pytest.raises(ValueError, match="tf32 must be True or False"):
        Execution(tf32="yes")
    with pytest.raises(ValueError, match="kernels"):
        GraphedSteps(stack, 10, 4, kernels="cuda")


def test_graph_engine_on_a_shapeset_stream():
    # Shapeset is generated where the stream is (the device), in blocks of 100 batches
    def run(engine):
        stack = nets.MLPStack([shapeset.INPUT_DIM, 12, shapeset.N_CLASSES], activations=["tanh", "softsign"],
                              learning_rates=0.1, seeds=[0, 1])
        train(stack, shapeset.ShapesetStream(seed=3, chunk=500), 150, settings=_engine(engine))
        return stack

    a, b = run("step"), run("graph")
    assert all(torch.equal(p, q) for p, q in zip(a.weights, b.weights))


def test_one_block_serves_every_train_call_of_a_stack():
    # the lockstep trainer calls train once per segment: the block (a CUDA graph on a GPU) is
    # made once per stack and settings, and two calls equal one call of the same length
    x, y = _data()
    one, two = _stack(), _stack()
    graph = _engine("graph")
    train(one, ArrayStream(x, y, seed=1), 300, settings=graph)
    stream = ArrayStream(x, y, seed=1)
    train(two, stream, 150, settings=graph)
    (block,) = two._graphed_steps.values()
    two.active[0] = False  # a model stopped between calls keeps its weights in the next
    before = [w[0].clone() for w in two.weights]
    train(two, stream, 150, settings=_engine("graph"))  # equal settings, made anew: the same block
    assert list(two._graphed_steps.values()) == [block]
    assert all(torch.equal(w[0], b) for w, b in zip(two.weights, before))
    assert all(torch.equal(p[1:], q[1:]) for p, q in zip(one.weights, two.weights))
