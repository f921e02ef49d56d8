"""glorot.budget: one estimator, stable from call to call, from this host's benchmark record
where there is one, else a calibration robust to a busy neighbour."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from glorot import budget, host
from glorot.experiments import config, experiment
from glorot.experiments import plan as plans

W100 = (1024, 100, 100, 100, 100, 100, 9)
PAPER = (1024, 1000, 1000, 1000, 1000, 1000, 9)


def _record(folder, device: str, rates: dict, date="2026-12-01", name="cpu-test.json"):
    """A benchmark record as benchmarks/throughput.py writes it (only the fields read)."""
    nets = {"paper": {"sizes": list(PAPER), "n_parameters": budget._n_parameters(PAPER)},
            "w100": {"sizes": list(W100), "n_parameters": budget._n_parameters(W100)}}
    rows = [{"impl": "train", "threads": th, "net": net, "M": m, "model_updates_per_s": r}
            for (th, net, m), r in rates.items()]
    (folder / name).write_text(json.dumps({"device": device, "date": date, "nets": nets, "rows": rows}))


def _this_host(threads=1):
    return f"CPU: {host.cpu_model()} ({os.cpu_count()} cores, {threads} torch thread{'s' if threads > 1 else ''})"


def test_this_hosts_record_gives_the_rates_at_the_runs_threads(tmp_path):
    _record(tmp_path, _this_host(2), {(1, "w100", 1): 3000.0, (1, "w100", 7): 6000.0, (1, "paper", 1): 150.0,
                                      (2, "w100", 1): 2500.0})
    _record(tmp_path, "CPU: Some Other CPU (2 cores, 2 torch threads)", {(1, "w100", 1): 1.0}, name="cpu-other.json")
    one = budget.host_rates(1, tmp_path)
    assert one.covers(W100) and one.covers(PAPER) and not one.covers((1024, 30, 9))
    assert one.step_seconds(W100, 1) == pytest.approx(1 / 3000) and one.step_seconds(W100, 8) == pytest.approx(1 / 6000)
    assert one.step_seconds(PAPER, 1) == pytest.approx(1 / 150)
    assert budget.host_rates(2, tmp_path).step_seconds(W100, 1) == pytest.approx(1 / 2500)
    assert budget.host_rates(4, tmp_path) is None  # nothing measured at 4 threads
    assert budget.host_rates(1, tmp_path, cpu="CPU: Some Other CPU (2 cores, 1 torch thread)").step_seconds(W100, 1) == 1.0
    assert budget.host_rates(1, tmp_path / "absent") is None


def test_the_estimate_is_the_same_at_every_call_and_says_where_it_comes_from(tmp_path, monkeypatch):
    _record(tmp_path, _this_host(1), {(1, "w100", 1): 3000.0, (1, "w100", 7): 6000.0})
    monkeypatch.setattr(budget, "RESULTS_DIR", tmp_path)
    stages = experiment("gradient_dynamics").stages(config("gradient_dynamics", "long"))
    a, method = budget.stage_seconds(stages, "cpu", 1)
    b, _ = budget.stage_seconds(stages, "cpu", 1)
    assert a == b and "rates measured on this host" in method and "cpu-test.json" in method
    updates = sum(s.n_models * s.updates for s in stages)
    assert sum(a) >= updates / 6000  # at least the training itself, at the measured rate


def test_without_a_record_the_calibration_is_cached_and_takes_the_fastest_round(tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "RESULTS_DIR", tmp_path)  # no record here
    monkeypatch.setattr(budget, "_CALIBRATED", {})
    stages = [budget.Stage((64, 16, 16, 9), 2, 1000)]
    a, method = budget.stage_seconds(stages, "cpu", 1)
    b, _ = budget.stage_seconds(stages, "cpu", 1)
    assert a == b and "calibrated now" in method and f"fastest of {budget.CALIBRATION_REPEATS} rounds" in method
    assert len(budget._CALIBRATED) == 1 and math.isfinite(a[0]) and a[0] > 0


def test_a_cpu_plan_states_each_runs_core_hours():
    plan = plans.make_plan("long", "cpu", experiments=["gradient_dynamics", "cost_comparison"])
    text = plan.summary()
    assert "core-hours" in text and "gradient_dynamics" in text
    for name, minutes in plan.run_minutes.items():
        assert plan.core_hours(name) == pytest.approx(minutes / 60 * plan.run_threads[name])
    assert plan.run_threads["gradient_dynamics"] == 1
    assert plans.make_plan("paper", "h200").core_hours() is None and "device-hours" in plans.make_plan("paper", "h200").summary()


def test_the_estimates_are_checked_against_the_archived_runs():
    table = plans.estimates_against_runs()
    if table.empty:
        pytest.skip("no archived CPU run here")
    assert (table["measured_min"] > 0).all() and set(table["threads"]) <= {1, 2}
    checked = table.dropna(subset=["ratio"])
    assert np.allclose(checked["ratio"], checked["measured_min"] / checked["estimated_today_min"], rtol=1e-9)
