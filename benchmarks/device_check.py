"""One short, time-boxed GPU job: environment, correctness of the fast paths, throughput.

    python benchmarks/device_check.py OUT_DIR                       # CUDA, the paper's net, <= 4 min
    python benchmarks/device_check.py OUT_DIR --device cpu --small  # the very same steps, small, on a CPU

Writes into ``OUT_DIR``:

* ``env.json`` -- GPU name, driver (from ``nvidia-smi`` if present), CUDA, torch and triton
  versions, compute capability (on a CPU: the CPU's name and thread count);
* ``<device-slug>.json`` -- everything (the slug rule of ``benchmarks/throughput.py``, so the
  file can be copied into ``benchmarks/results/``);
* ``summary.txt`` -- one screen, also printed.

Phases, each time-boxed by one global deadline (``--budget-s``) and wrapped so that a failure
(a Triton compile error, say) is recorded and the rest still runs; the exit status is 1 if
anything failed or the correctness check did not pass, else 0. Measurements that no longer fit
before the deadline are skipped and listed under ``skipped`` in the JSON. A watchdog
(``SIGALRM`` at the deadline plus a grace period) interrupts a phase that overruns; the JSON
is rewritten after every item, so whatever was measured survives even a hard kill.

1. **env**.
2. **correctness**: the same initial stack (the paper's net at M = 3, activations tanh /
   softsign / sigmoid, learning rates 0.01 / 0.03 / 0.1; ``--small``: a net of widths
   ``SMALL_SIZES``) trained for 100 SGD steps on the same 100 minibatches of Shapeset by:

   - ``eager``: ``MLPStack._sgd_step_batched`` step by step (the torch path, the reference);
   - ``graph``: :class:`glorot.cuda_step.GraphedSteps`, one block of 100 steps, as a CUDA graph
     (on a CPU the block's body runs eagerly);
   - ``triton``: the same block with ``kernels="triton"`` (the fused backward-and-update
     kernel; on a CPU under Triton's interpreter);
   - ``triton_eager`` (CUDA only): ``kernels="triton"`` without the graph (on a CPU it would be
     the ``triton`` run again);
   - ``float64``: the eager path in float64 from the same float32 initial weights, the
     accuracy reference.

   Compared, per layer, weights and biases: ``max |a - b| / max |W_b|``; and the 100 x M
   minibatch costs: ``max |a - b| / max(1, max |cost_b|)``. Tolerances (float32, unit roundoff
   ``u = 2**-24 = 6e-8``), see :data:`TOLERANCES`.
3. **throughput**: copy bandwidth; Shapeset images/s on the device; for each M,
   ``GraphedSteps`` blocks at steady state (``graph_block``: what a long ``train`` run spends its
   time in) and one :func:`glorot.train.train` call (``train``: its set-up, graph capture
   included) with torch kernels and with Triton kernels; the naive loop (one ``nn.Sequential``
   per model, autograd, ``torch.optim.SGD``). Each rate with ``roofline_fraction_16B`` and
   ``roofline_fraction_12B``: the bytes/s the rate implies at 16 or 12 bytes per parameter per
   model-update (``measure.BYTES_PER_PARAM``), over the measured copy bandwidth.

With ``--device cpu`` the script sets ``TRITON_INTERPRET=1`` before anything imports triton.
``--small`` timings measure the plumbing only (the interpreter is ~1000x slower than a GPU).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PAPER_SIZES = [1024, 1000, 1000, 1000, 1000, 1000, 9]
SMALL_SIZES = [1024, 48, 40, 9]
"""``--small``: a net the Triton interpreter steps through in ~0.1 s; widths that are not
powers of two, so the kernel's masked tiles are exercised."""

CORRECTNESS_ACTIVATIONS = ["tanh", "softsign", "sigmoid"]
CORRECTNESS_LRS = [0.01, 0.03, 0.1]

PROFILES = {
    "full": dict(sizes=PAPER_SIZES, corr_models=3, corr_steps=100, graph_models=[1, 7, 32, 128],
                 triton_models=[1, 7, 32, 128], naive_models=[1, 7], repeats=3, target_s=0.4, train_min_updates=1000,
                 copy_mbytes=2048, shapeset_chunk=10_000, block_steps=None, budget_s=190),
    "small": dict(sizes=SMALL_SIZES, corr_models=3, corr_steps=100, graph_models=[1, 3], triton_models=[1],
                  naive_models=[1], repeats=2, target_s=0.05, train_min_updates=100, copy_mbytes=64,
                  shapeset_chunk=1000, block_steps=20, budget_s=150),
}

TOLERANCES = {
    # Same kernels in the same order on the same data: a graph replays exactly the eager
    # launches, so the result is expected bit-identical; 1e-6 (~16 u) only guards against a
    # library choosing another GEMM algorithm under capture.
    "graph_vs_eager": 1e-6,
    "triton_eager_vs_triton": 1e-6,
    # Another summation order inside each product (tl.dot vs cuBLAS/MKL): each product's
    # result differs by ~sqrt(K) u relative (K <= 1024: ~2e-6), and 100 steps add such
    # differences up through the updates. Observed on a CPU (interpreter vs MKL): ~1e-7 to 1e-6
    # of max |W|. 1e-4 leaves a margin of 100x, while the bugs this is for are far larger: eq. (2)
    # with the new instead of the old weights, a wrong tile or a wrong model's learning rate or
    # activation change the top layer by ~lr |z^T delta| per step, ~1e-3 to 1e-2 of max |W| over
    # 100 steps (the JSON records each layer's displacement max |W_100 - W_0| / max |W| beside).
    "triton_vs_eager": 1e-4,
    # As accurate as torch: the Triton run's error against float64 at most 4x torch's + 8 u.
    "triton_vs_float64_over_eager_vs_float64": 4.0,
}
U32 = 2.0**-24


class Deadline(BaseException):
    """Raised by the watchdog; a BaseException so that no ``except Exception`` swallows it."""


def _alarm(signum, frame):  # pragma: no cover - timing dependent
    raise Deadline("the global deadline (plus grace) passed during this item")


class Job:
    """The report, the deadline, and the wrapper every item runs in."""

    def __init__(self, out_dir: Path, budget_s: float, base: dict):
        self.out_dir = out_dir
        self.t0 = time.monotonic()
        self.budget_s = budget_s
        self.deadline = self.t0 + budget_s
        self.report = dict(base, budget_s=budget_s, items=[], skipped=[], failures=[], rows=[], notes=[])
        self.json_path: Path | None = None

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def item(self, name: str, fn, need_s: float = 0.0):
        """Run ``fn()`` unless less than ``need_s`` seconds are left; record ok / failed / skipped."""
        if self.left() < need_s:
            note = f"{name}: skipped, {max(self.left(), 0):.0f} s left of the {self.budget_s:.0f} s budget (needs ~{need_s:.0f} s)"
            self.report["skipped"].append(note)
            self.report["items"].append({"item": name, "status": "skipped"})
            print(f"  SKIP {note}", flush=True)
            self.save()
            return None
        t = time.monotonic()
        rec = {"item": name}
        try:
            out = fn()
            rec["status"] = "ok"
            return out
        except Deadline as e:
            rec.update(status="failed", error=f"Deadline: {e}")
            self.report["failures"].append(f"{name}: {e}")
            print(f"  FAIL {name}: {e}", flush=True)
        except Exception as e:  # noqa: BLE001 - recorded, and the job goes on
            rec.update(status="failed", error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc(limit=8))
            self.report["failures"].append(f"{name}: {type(e).__name__}: {e}")
            print(f"  FAIL {name}: {type(e).__name__}: {e}", flush=True)
        finally:
            rec["seconds"] = round(time.monotonic() - t, 3)
            self.report["items"].append(rec)
            self.save()
        return None

    def save(self) -> None:
        self.report["wall_s"] = round(time.monotonic() - self.t0, 2)
        if self.json_path is not None:
            tmp = self.json_path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(self.report, indent=2, default=_jsonable) + "\n")
            tmp.replace(self.json_path)


def _jsonable(v):
    if isinstance(v, float):
        return v
    return str(v)


def _parse(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir", type=Path)
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--small", action="store_true", help="small net and stacks (for a CPU dry run)")
    p.add_argument("--budget-s", type=float, default=None,
                   help="global deadline in seconds (default: 190 full, 150 --small: ~25 s on an idle 2-core CPU); measurements that do not fit are skipped")
    p.add_argument("--cpu-threads", type=int, default=1, help="torch and BLAS threads with --device cpu (default 1)")
    p.add_argument("--grace-s", type=float, default=20.0, help="the watchdog interrupts an item this long after the deadline")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = _parse(argv)
    if args.device == "cpu":
        os.environ["TRITON_INTERPRET"] = "1"  # before anything imports triton
        # A dry run: one thread for torch and for numpy (the interpreter's BLAS), so that a busy
        # neighbour on a small shared machine slows it down in proportion, not 100-fold
        # (parallel GEMMs waiting for a preempted thread).
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, str(args.cpu_threads))
    import torch

    if args.device == "cpu":
        torch.set_num_threads(args.cpu_threads)

    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(HERE))
    import measure as me

    if args.device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: run with --device cpu (--small) for a dry run", file=sys.stderr)
        return 2
    profile = "small" if args.small else "full"
    cfg = PROFILES[profile]
    budget = args.budget_s if args.budget_s is not None else cfg["budget_s"]
    device = torch.device(args.device)
    args.out_dir.mkdir(parents=True, exist_ok=True)

    from glorot import archive

    name = archive.device_name(device)
    job = Job(args.out_dir, budget, {
        "device": name, "date": dt.date.today().isoformat(), "torch_version": torch.__version__,
        "profile": profile, "sizes": cfg["sizes"], "n_parameters": me.n_parameters(cfg["sizes"]),
        "batch_size": me.BATCH, "bytes_per_param_update": me.BYTES_PER_PARAM,
    })
    job.json_path = args.out_dir / f"{me.slug(name)}.json"
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(budget + args.grace_s))
    print(f"device_check: {name}, profile {profile}, budget {budget:.0f} s -> {args.out_dir}", flush=True)

    env = job.item("env", lambda: _env(device, torch))
    if env is not None:
        job.report["env"] = env
        job.report["triton_version"] = env.get("triton_version")
        (args.out_dir / "env.json").write_text(json.dumps(env, indent=2) + "\n")

    corr = job.item("correctness", lambda: _correctness(job, cfg, device, torch, me), need_s=5)
    job.report.setdefault("correctness", corr or {"passed": False, "note": "did not run to the end (see items)"})
    _throughput(job, cfg, device, torch, me)

    signal.alarm(0)
    ok = not job.report["failures"] and bool(job.report["correctness"].get("passed"))
    job.report["ok"] = ok
    job.save()
    text = _summary(job.report)
    (args.out_dir / "summary.txt").write_text(text + "\n")
    print(text)
    return 0 if ok else 1


# --------------------------------------------------------------------------- env


def _env(device, torch) -> dict:
    env = {"python": platform.python_version(), "platform": platform.platform(), "torch_version": torch.__version__,
           "torch_cuda": torch.version.cuda, "cpu_threads": torch.get_num_threads(),
           "TRITON_INTERPRET": os.environ.get("TRITON_INTERPRET")}
    try:
        import triton

        env["triton_version"] = triton.__version__
    except Exception as e:  # noqa: BLE001
        env["triton_version"] = None
        env["triton_error"] = f"{type(e).__name__}: {e}"
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        env.update(gpu_name=props.name, compute_capability=".".join(map(str, torch.cuda.get_device_capability(device))),
                   gpu_memory_gib=round(props.total_memory / 2**30, 1), multiprocessors=props.multi_processor_count,
                   cudnn=torch.backends.cudnn.version())
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run([smi, "--query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit",
                                  "--format=csv,noheader"], capture_output=True, text=True, timeout=15)
            env["nvidia_smi"] = out.stdout.strip()
            env["driver"] = out.stdout.strip().splitlines()[0].split(",")[1].strip() if out.stdout.strip() else None
        except Exception as e:  # noqa: BLE001
            env["nvidia_smi"] = f"failed: {type(e).__name__}: {e}"
    else:
        env["nvidia_smi"] = None
        env["driver"] = None
    from glorot import archive

    env["device_name"] = archive.device_name(device)
    return env


# --------------------------------------------------------------------------- correctness


def _correctness(job: Job, cfg: dict, device, torch, me) -> dict:
    from glorot import cuda_step, nets, shapeset

    sizes, m, steps, b = cfg["sizes"], cfg["corr_models"], cfg["corr_steps"], me.BATCH
    acts = [CORRECTNESS_ACTIVATIONS[k % 3] for k in range(m)]
    lrs = [CORRECTNESS_LRS[k % 3] for k in range(m)]
    x, y = shapeset.generate(steps * b, seed=20100513, device=device)

    def fresh():
        return nets.MLPStack(sizes, activations=acts, learning_rates=lrs, seeds=list(range(m)), device=device)

    init = fresh()
    runs: dict[str, tuple] = {}

    def eager(stack):
        costs = [stack._sgd_step_batched(x[k * b:(k + 1) * b], y[k * b:(k + 1) * b]) for k in range(steps)]
        return stack, torch.stack(costs).float()

    def block(kernels, graph=None):
        stack = fresh()
        blk = cuda_step.GraphedSteps(stack, b, steps, kernels=kernels, graph=graph)
        costs = blk.run(x, y).clone()
        return stack, costs

    variants = {
        "eager": lambda: eager(fresh()),
        "graph": lambda: block("torch"),
        "triton": lambda: block("triton"),
        "float64": lambda: eager(fresh().to(device, torch.float64)),
    }
    if device.type == "cuda":
        variants["triton_eager"] = lambda: block("triton", graph=False)
    for key, fn in variants.items():
        out = job.item(f"correctness: {key} run ({steps} steps, M={m})", fn, need_s=2)
        if out is not None:
            me.sync(device)
            runs[key] = out

    def compare(a: str, bname: str, tol: float | None) -> dict:
        sa, ca = runs[a]
        sb, cb = runs[bname]
        layers = []
        for i in range(len(sizes) - 1):
            wa, wb = sa.weights[i].double(), sb.weights[i].double()
            ba, bb = sa.biases[i].double(), sb.biases[i].double()
            w0 = init.weights[i].double()
            scale = wb.abs().max().item()
            err = max((wa - wb).abs().max().item(), (ba - bb).abs().max().item())
            disp = (wb - w0).abs().max().item()
            layers.append({"layer": i, "max_abs": err, "max_abs_W": scale, "rel": err / scale,
                           "displacement_rel": disp / scale,
                           "finite": bool(torch.isfinite(wa).all() and torch.isfinite(ba).all())})
        cerr = (ca.double() - cb.double()).abs().max().item()
        cscale = max(1.0, cb.double().abs().max().item())
        rel = max(r["rel"] for r in layers)
        res = {"a": a, "b": bname, "weights_rel": rel, "cost_max_abs": cerr, "cost_rel": cerr / cscale,
               "bit_identical": all(torch.equal(p, q) for p, q in zip(sa.weights + sa.biases, sb.weights + sb.biases))
               and torch.equal(ca, cb),
               "finite": all(r["finite"] for r in layers) and bool(torch.isfinite(ca).all()), "layers": layers,
               "tolerance": tol}
        if tol is not None:
            res["passed"] = res["finite"] and rel <= tol and res["cost_rel"] <= tol
        return res

    comps, missing = [], []
    for a, bname, key in (("graph", "eager", "graph_vs_eager"), ("triton", "eager", "triton_vs_eager"),
                          ("triton_eager", "triton", "triton_eager_vs_triton"),
                          ("eager", "float64", None), ("triton", "float64", None)):
        if a in runs and bname in runs:
            comps.append(compare(a, bname, TOLERANCES.get(key) if key else None))
        elif a in variants:
            missing.append(f"{a} vs {bname}")
    acc = {}
    e64 = next((c for c in comps if c["a"] == "eager" and c["b"] == "float64"), None)
    t64 = next((c for c in comps if c["a"] == "triton" and c["b"] == "float64"), None)
    if e64 and t64:
        factor = TOLERANCES["triton_vs_float64_over_eager_vs_float64"]
        limit = factor * e64["weights_rel"] + 8 * U32
        acc = {"check": f"triton's error vs float64 <= {factor:g} x torch's + 8u", "triton_rel": t64["weights_rel"],
               "torch_rel": e64["weights_rel"], "limit": limit, "passed": t64["weights_rel"] <= limit}
    elif "float64" in variants:
        missing.append("accuracy vs float64")
    passed = not missing and all(c.get("passed", True) for c in comps) and bool(acc.get("passed"))
    return {"passed": passed, "sizes": sizes, "models": m, "steps": steps, "activations": acts, "learning_rates": lrs,
            "tolerances": TOLERANCES, "comparisons": comps, "accuracy_vs_float64": acc, "missing": missing,
            "note": ("graph: a CUDA graph" if device.type == "cuda" else "graph and triton run eagerly on the CPU "
                     "(triton under TRITON_INTERPRET=1)")}


# --------------------------------------------------------------------------- throughput


def _throughput(job: Job, cfg: dict, device, torch, me) -> None:
    from glorot import shapeset

    sizes, n_params, reps, target = cfg["sizes"], me.n_parameters(cfg["sizes"]), cfg["repeats"], cfg["target_s"]
    bw = job.item("copy bandwidth", lambda: me.copy_bandwidth(device, cfg["copy_mbytes"]), need_s=2)
    job.report["copy_bandwidth_bytes_per_s"] = bw
    job.report["rows"].append({"impl": "copy", "M": None, "bytes_per_s": bw, "mbytes": cfg["copy_mbytes"]})

    def with_roofline(row: dict) -> dict:
        r = row.get("model_updates_per_s")
        for key, nbytes in me.BYTES_PER_PARAM.items():
            row[f"bytes_per_s_{key}"] = None if r is None else r * nbytes * n_params
            row[f"roofline_fraction_{key}"] = None if (r is None or not bw) else r * nbytes * n_params / bw
        return row

    def add(row: dict) -> None:
        job.report["rows"].append(with_roofline(row))
        job.save()
        print("  " + _row_line(row), flush=True)

    img = job.item("shapeset", lambda: me.shapeset_rate(device, cfg["shapeset_chunk"]), need_s=2)
    job.report["rows"].append({"impl": "shapeset", "M": None, "images_per_s": img, "chunk": cfg["shapeset_chunk"]})
    x, y = job.item("data", lambda: shapeset.generate(10_000 if device.type == "cuda" else 2000, seed=123, device=device),
                    need_s=1) or (None, None)
    if x is None:
        return

    def rates_row(impl, m, kernels, samples, steps, extra=None):
        s = me.summary(samples)
        row = {"impl": impl, "kernels": kernels, "M": m, "model_updates_per_s": s["median"], "min": s["min"],
               "max": s["max"], "samples": s["samples"], "steps_per_sample": steps, "repeats": len(samples)}
        row.update(extra or {})
        return row

    for m in sorted(set(cfg["graph_models"]) | set(cfg["triton_models"])):
        kinds = [k for k, ms in (("torch", cfg["graph_models"]), ("triton", cfg["triton_models"])) if m in ms]
        benches, steps = {}, {}
        for k in kinds:
            bench = job.item(f"graph_block {k} M={m}: build",
                             lambda k=k: me.graph_bench(sizes, m, x, y, device, kernels=k,
                                                          steps=cfg["block_steps"]), need_s=10)
            if bench is None:
                continue
            n = job.item(f"graph_block {k} M={m}: warm-up", lambda b=bench: _warm_up(b, target, device, me), need_s=5)
            if n is not None:
                benches[k], steps[k] = bench, n
        if benches:
            rates = job.item(f"graph_block M={m}: {reps} alternating repeats",
                             lambda: me.measure_alternating(benches, steps, reps, deadline=job.deadline), need_s=5)
            for k, samples in (rates or {}).items():
                if samples:
                    add(rates_row("graph_block", m, k, samples, steps[k], {"setup_s": benches[k].info["setup_s"],
                                                                             "graph": benches[k].info["graph"]}))
        for k in kinds:
            if k not in benches:
                continue
            n = max(cfg["train_min_updates"], 2 * steps[k]) if device.type == "cuda" else cfg["train_min_updates"]

            def one_train(k=k, n=n):
                b = me.train_bench(sizes, m, x, y, device, engine="graph", kernels=k)
                return b.rate(n)

            r = job.item(f"train {k} M={m} ({n} updates)", one_train, need_s=10)
            if r is not None:
                add(rates_row("train", m, k, [r], n, {"engine": "graph", "note": "one train() call, graph capture included"}))
        benches.clear()
        if device.type == "cuda":
            torch.cuda.empty_cache()

    for m in cfg["naive_models"]:
        def naive(m=m):
            b = me.naive_bench(sizes, m, x, y, device)
            n = me.calibrate(b, target)
            return n, me.measure_alternating({"naive": b}, {"naive": n}, reps, deadline=job.deadline)["naive"]

        out = job.item(f"naive M={m}", naive, need_s=5)
        if out is not None:
            add(rates_row("naive", m, None, out[1], out[0], {"what": "nn.Sequential per model, autograd, torch.optim.SGD"}))


def _warm_up(bench, target_s: float, device, me) -> int:
    """One block (compilation, cuBLAS workspaces), then on a GPU the block count for a run of
    ``target_s``; on a CPU (``--small``: the interpreter) one block per run."""
    bench.run(bench.multiple)
    if device.type != "cuda":
        return bench.multiple
    return me.calibrate(bench, target_s)


# --------------------------------------------------------------------------- summary


def _row_line(row: dict) -> str:
    f16, f12 = row.get("roofline_fraction_16B"), row.get("roofline_fraction_12B")
    pct = (lambda v: "   -  " if v is None else f"{v:6.1%}")
    return (f"{row['impl']:>12} {str(row.get('kernels') or ''):>7} M={row['M']:<4} {row['model_updates_per_s']:>11,.0f} "
            f"({row['min']:,.0f}-{row['max']:,.0f})  16B {pct(f16)}  12B {pct(f12)}")


def _summary(rep: dict) -> str:
    env = rep.get("env") or {}
    lines = [f"device_check: {rep['device']} ({rep['profile']} profile, sizes {rep['sizes']}), {rep['date']}",
             f"  torch {rep['torch_version']} (CUDA {env.get('torch_cuda')}), triton {env.get('triton_version')}, "
             f"driver {env.get('driver')}, compute capability {env.get('compute_capability')}"]
    c = rep.get("correctness") or {}
    lines.append(f"correctness ({c.get('steps')} steps, M={c.get('models')}): {'PASSED' if c.get('passed') else 'FAILED'}")
    for comp in c.get("comparisons", []):
        tol = comp.get("tolerance")
        verdict = "" if tol is None else (" ok" if comp.get("passed") else " FAIL")
        lines.append(f"  {comp['a']:>12} vs {comp['b']:<8} W rel {comp['weights_rel']:.2e}  cost rel {comp['cost_rel']:.2e}"
                     f"  {'bit-identical' if comp['bit_identical'] else ''}"
                     f"{'' if tol is None else f'  tol {tol:.0e}'}{verdict}")
    acc = c.get("accuracy_vs_float64") or {}
    if acc:
        lines.append(f"  accuracy: triton {acc['triton_rel']:.2e} vs torch {acc['torch_rel']:.2e} of float64 "
                     f"(limit {acc['limit']:.2e}){' ok' if acc['passed'] else ' FAIL'}")
    for miss in c.get("missing", []):
        lines.append(f"  missing: {miss}")
    bw = rep.get("copy_bandwidth_bytes_per_s")
    img = next((r.get("images_per_s") for r in rep["rows"] if r["impl"] == "shapeset"), None)
    lines.append(f"copy bandwidth {bw / 1e9:,.1f} GB/s" if bw else "copy bandwidth: -")
    lines.append(f"Shapeset {img:,.0f} images/s" if img else "Shapeset: -")
    lines.append(f"{'impl':>12} {'kernels':>7} {'M':<6} {'model-upd/s':>11} (min-max)   fraction of copy bandwidth")
    for row in rep["rows"]:
        if row.get("model_updates_per_s") is not None:
            lines.append(_row_line(row))
    for note in rep["skipped"]:
        lines.append(f"SKIPPED {note}")
    for f in rep["failures"]:
        lines.append(f"FAILED {f}")
    lines.append(f"{'OK' if rep.get('ok') else 'NOT OK'} in {rep.get('wall_s', 0):.0f} s (budget {rep['budget_s']:.0f} s)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
