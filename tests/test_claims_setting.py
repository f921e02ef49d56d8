"""The claims of §2 (glorot.claims.setting): the class frequencies on synthetic and archived
runs, the splits, the initialization's draws and Fig. 1."""

from __future__ import annotations

import pandas as pd
import pytest

from glorot import claims, data, nets
from glorot.claims import setting as st
from glorot.experiments import registry


def _run(z=(0.5, -1.0, 2.0), majority=0.8334, seed=0):
    cfg = registry.config("shapeset_frequencies", "quick", seed=seed)
    names = [f"class {i}" for i in range(len(z))]
    freq = pd.DataFrame({"name": names, "z_score": list(z)})
    summary = pd.DataFrame([{"n_images": cfg["n_images"], "given_up_objects": 0, "majority_class_error": majority,
                             "theory_majority_class_error": 5 / 6}])
    return registry.Result("shapeset_frequencies", "quick", cfg, {"frequencies": freq, "summary": summary}, {}, "archived")


def test_class_frequencies_within_three_standard_errors():
    j = claims.judge("setting.class_frequencies", _run())
    assert j.kind == "agrees" and "within 2.0 standard errors" in j.reason and "(largest: class 2)" in j.reason
    off = claims.judge("setting.class_frequencies", _run(z=(0.5, -3.2, 1.0)))
    assert off.kind == "differs" and off.values["z_max_class"] == "class 1"


def test_the_archived_frequencies_agree():
    cfg = registry.config("shapeset_frequencies", "quick", seed=0)
    hit = registry.load_archived("shapeset_frequencies", "quick", cfg)
    if hit is None:
        pytest.skip("no archived shapeset_frequencies run at quick")
    run = registry.Result("shapeset_frequencies", "quick", cfg, hit.frames, hit.provenance, "archived")
    assert claims.judge("setting.class_frequencies", run).kind == "agrees"


def test_the_splits_are_the_papers(monkeypatch):
    assert claims.judge("setting.dataset_splits", _run()).kind == "agrees"
    monkeypatch.setitem(data.PAPER_SIZES, "cifar10", (45_000, 5_000, 10_000))
    j = claims.judge("setting.dataset_splits", _run())
    assert j.kind == "differs" and "CIFAR-10" in j.reason


@pytest.mark.parametrize("init", ["standard", "normalized"])
def test_the_initialization_draws_inside_its_bounds(init, monkeypatch):
    assert claims.judge(f"setting.init_draws.{init}", _run()).kind == "agrees"
    # weights drawn with the real bound, read against a bound 10% narrower (as if the draw had the wrong constant)
    drawn = nets.MLPStack(st.NET_SIZES, activations="tanh", inits=init, learning_rates=0.01, seeds=0)
    real = nets.init_bound
    monkeypatch.setattr(nets, "init_bound", lambda i, n_in, n_out: 0.9 * real(i, n_in, n_out))
    monkeypatch.setattr(nets, "MLPStack", lambda *a, **k: drawn)
    j = claims.judge(f"setting.init_draws.{init}", _run())
    assert j.kind == "differs" and not j.values["inside"] and j.values["z_max"] > st.Z_MAX


def test_fig1_is_partly_without_small_imagenet(monkeypatch):
    monkeypatch.setattr(data, "available", lambda name, root=None: False)
    j = claims.judge("fig1.examples", _run())
    assert j.kind == "partly" and j.values["same_labels"] == j.values["n"] == st.FIG1_N
    monkeypatch.setattr(data, "available", lambda name, root=None: True)
    assert claims.judge("fig1.examples", _run()).kind == "agrees"


def test_a_missing_run_is_not_archived():
    class Missing:
        experiment, why = "shapeset_frequencies", ""

    assert claims.judge("setting.class_frequencies", Missing()).kind == claims.NOT_ARCHIVED
