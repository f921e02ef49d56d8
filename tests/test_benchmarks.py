"""The benchmark scripts run end to end (never asserting on speed): ``device_check.py`` at its
small CPU profile, the very steps the GPU job takes, so that GPU time is never spent on a typo;
and the GEMM-only bound of ``benchmarks/measure.py`` at a tiny size."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import measure  # noqa: E402


@pytest.fixture(scope="module")
def small_check(tmp_path_factory):
    out = tmp_path_factory.mktemp("device_check")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run([sys.executable, str(BENCH / "device_check.py"), str(out), "--device", "cpu", "--small"],
                          capture_output=True, text=True, timeout=240, env=env, cwd=ROOT)
    return out, proc


def test_device_check_small_cpu_runs_clean(small_check):
    out, proc = small_check
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    reports = [p for p in out.glob("*.json") if p.name != "env.json"]
    assert len(reports) == 1, [p.name for p in out.iterdir()]
    rep = json.loads(reports[0].read_text())
    assert reports[0].name == measure.slug(rep["device"]) + ".json"
    for key in ("device", "date", "torch_version", "triton_version", "n_parameters", "sizes", "env", "correctness",
                "rows", "items", "skipped", "failures", "ok", "copy_bandwidth_bytes_per_s"):
        assert key in rep, key
    assert rep["ok"] is True and rep["failures"] == [] and rep["skipped"] == []
    assert rep["env"]["TRITON_INTERPRET"] == "1"

    corr = rep["correctness"]
    assert corr["passed"] is True and corr["steps"] == 100 and corr["models"] == 3
    pairs = {(c["a"], c["b"]): c for c in corr["comparisons"]}
    assert {("graph", "eager"), ("triton", "eager"), ("eager", "float64"), ("triton", "float64")} <= set(pairs)
    assert all(c["passed"] for c in pairs.values() if c["tolerance"] is not None)
    assert pairs[("graph", "eager")]["bit_identical"]  # on a CPU the block's body is the eager step
    assert corr["accuracy_vs_float64"]["passed"]

    rates = [r for r in rep["rows"] if r.get("model_updates_per_s") is not None]
    assert {(r["impl"], r.get("kernels")) for r in rates} >= {("graph_block", "torch"), ("graph_block", "triton"),
                                                              ("train", "torch"), ("train", "triton"), ("naive", None)}
    for r in rates:
        assert r["model_updates_per_s"] > 0
        assert "roofline_fraction_16B" in r and "roofline_fraction_12B" in r
        assert r["roofline_fraction_12B"] == pytest.approx(r["roofline_fraction_16B"] * 12 / 16)
    assert any(r["impl"] == "shapeset" and r["images_per_s"] > 0 for r in rep["rows"])

    assert (out / "env.json").exists()
    summary = (out / "summary.txt").read_text()
    assert "correctness" in summary and "PASSED" in summary and summary.rstrip().splitlines()[-1].startswith("OK")


def test_gemm_bound_tiny_is_a_positive_finite_rate():
    sizes = [16, 8, 8, 3]
    rate = measure.gemm_bound(sizes, "cpu", steps=5, repeats=2)
    assert math.isfinite(rate) and rate > 0
    gb = measure.GemmBound(sizes)
    kinds = [(kind, i) for kind, i, _ in gb.products()]
    # forward bottom-up, then per layer top-down dC/dh (none for the first layer) and the update
    assert kinds == [("forward", 0), ("forward", 1), ("forward", 2), ("dC/dh", 2), ("update", 2),
                     ("dC/dh", 1), ("update", 1), ("update", 0)]
    hot = gb.hot_cache_rate(reps=2)
    assert math.isfinite(hot["model_updates_per_s"]) and hot["model_updates_per_s"] > 0
    assert len(hot["seconds"]) == len(kinds)
