"""Throughput of batch-10 SGD on one device, against the GEMM-only bound and the naive loop.

Measures, in one run, for each torch thread count (CPU: 1 and 2), for the paper's net
``[1024, 1000 x 5, 9]`` at M = 1, 7 and a width-100 net ``[1024, 100 x 5, 9]`` at M = 1, 7, 32:

* ``gemm_bound``: the GEMM-only bound (``measure.GemmBound``): the matrix products of one update
  of one model and nothing else, in the order a step runs them -- forward ``[10,n]x[n,m]`` per
  layer, then per layer top-down ``dC/dh`` ``[10,m]x[m,n]`` (not for the first layer: no update
  needs ``dC/dx``) and the rank-10 in-place update. Its "hot-cache" figure (each product timed
  alone, on a weight that stays in cache) is recorded too, as information;
* ``train``: :func:`glorot.train.train`, which takes the path the stack chooses
  (:func:`glorot.nets.cpu_step_path` on a CPU);
* ``loop`` and ``batched``: the two CPU step paths called directly;
* ``naive``: one ``nn.Sequential`` per model, autograd, ``torch.optim.SGD``, one model after
  another.

All five are measured alternately, repeat after repeat (default 5 repeats of about 1 s each),
so that a slow spell of a shared machine hits them alike; the table gives medians and min-max.
Rates are model-updates/s (M models stepping once = M model-updates). Also measured per thread
count: the copy bandwidth and Shapeset images/s.

Targets (stated, and checked per thread count, on the medians; the paired per-repeat ratios'
min-max are printed beside them):

* ``train`` >= 85% of the GEMM-only bound at M = 1 and M = 7 at width 1000;
* ``train`` >= 3x the naive loop at width 100 (each M).

Other processes' CPU use during each case is measured (``measure.CpuMeter``, the ``others``
column, in cores); a case where it plus the torch threads exceeds the cores is marked
``CONTENDED`` and its verdict is not valid (with 2 threads on 2 cores, one busy neighbour makes
every parallel GEMM wait for a preempted thread: rates drop 10-100x).

Prints the tables and writes ``benchmarks/results/<device-slug>.json`` (``--quick``:
``<device-slug>-quick.json``). The slug is that of :func:`glorot.archive.device_name` at the
process's default thread count, e.g. ``cpu-amd-epyc-2-cores-2-torch-threads``.

    python benchmarks/throughput.py              # CPU, threads 1 and 2, ~6 min
    python benchmarks/throughput.py --quick      # ~1 min: 3 repeats of ~0.3 s
    python benchmarks/throughput.py --device cuda
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import measure as me  # noqa: E402
from glorot import archive, shapeset  # noqa: E402

NETS = {
    "paper": [1024, 1000, 1000, 1000, 1000, 1000, 9],
    "w100": [1024, 100, 100, 100, 100, 100, 9],
}
CASES = [("paper", 1), ("paper", 7), ("w100", 1), ("w100", 7), ("w100", 32)]
IMPLS = ("gemm_bound", "train", "loop", "batched", "naive")
BOUND_TARGET = 0.85
NAIVE_TARGET = 3.0


def build(impl: str, sizes, m: int, x, y, device):
    if impl == "gemm_bound":
        return me.GemmBound(sizes, device).bench()
    if impl == "train":
        return me.train_bench(sizes, m, x, y, device)
    if impl in ("loop", "batched"):
        return me.path_bench(sizes, m, x, y, device, impl)
    return me.naive_bench(sizes, m, x, y, device)


def measure_case(net: str, m: int, x, y, device, repeats: int, target_s: float) -> dict:
    sizes = NETS[net]
    benches = {impl: build(impl, sizes, m, x, y, device) for impl in IMPLS}
    steps = {impl: me.calibrate(b, target_s) for impl, b in benches.items()}
    meter = me.CpuMeter()
    rates = me.measure_alternating(benches, steps, repeats)
    return {"rates": rates, "steps": steps, "chosen": benches["train"].info["path"], "cpu": meter.stop()}


def contended(cpu: dict, threads: int | None) -> bool:
    """Whether other processes left fewer free cores than the torch threads wanted during a case
    (more than a quarter of a core short): a verdict measured so is about the neighbours."""
    f = cpu.get("foreign_cores")
    if f is None or threads is None:
        return False
    return threads + f > (cpu.get("cores") or os.cpu_count() or 1) + 0.25


def _cores(cpu: dict) -> str:
    """Other processes' CPU use during a case, in cores (the table's ``others`` column)."""
    f = cpu.get("foreign_cores")
    return "-" if f is None else f"{f:.2f}"


def fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, nargs="+", default=None, help="torch thread counts (CPU; default 1 2)")
    p.add_argument("--repeats", type=int, default=None, help="alternating repeats (default 5; --quick 3)")
    p.add_argument("--target-s", type=float, default=None, help="seconds per measurement (default 1.0; --quick 0.3)")
    p.add_argument("--quick", action="store_true", help="a ~1-minute run: 3 repeats of ~0.3 s")
    p.add_argument("--out", default=None, help="JSON file (default benchmarks/results/<device-slug>[-quick].json)")
    args = p.parse_args(argv)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    repeats = args.repeats or (3 if args.quick else 5)
    target = args.target_s or (0.3 if args.quick else 1.0)
    thread_counts = [None] if cuda else (args.threads or [1, 2])
    name = archive.device_name(device)
    default_threads = torch.get_num_threads()
    load_before = os.getloadavg()
    t_start = time.monotonic()

    print(f"device: {name}; torch {torch.__version__}; load average {load_before[0]:.2f}")
    print(f"{repeats} alternating repeats of ~{target:g} s per measurement; rates in model-updates/s, "
          "median (min-max)")
    x, y = shapeset.generate(10_000 if cuda else 4000, seed=123, device=device)

    rows, results = [], {}
    for th in thread_counts:
        if th is not None:
            torch.set_num_threads(th)
        tlabel = th if th is not None else "-"
        bw = me.copy_bandwidth(device, 2048 if cuda else 256)
        img = me.shapeset_rate(device, 10_000 if cuda else 5000)
        print(f"\n== threads {tlabel}: copy {bw / 1e9:.1f} GB/s (read + write), Shapeset {img:,.0f} images/s")
        rows.append({"impl": "copy", "threads": th, "M": None, "model_updates_per_s": None, "bytes_per_s": bw,
                     "roofline_fraction": 1.0})
        rows.append({"impl": "shapeset", "threads": th, "M": None, "images_per_s": img, "model_updates_per_s": None,
                     "roofline_fraction": None})
        hot = {}
        for net in NETS:
            gb = me.GemmBound(NETS[net], device)
            hot[net] = gb.hot_cache_rate()
        print(f"{'net':>6} {'M':>3} {'GEMM bound':>19} {'hot':>6} {'train':>19} {'of bound':>16} {'loop':>19} "
              f"{'batched':>19} {'naive':>17} {'train/naive':>17} {'chosen':>8} {'best':>8} {'others':>6}")
        for net, m in CASES:
            sizes = NETS[net]
            n_params = me.n_parameters(sizes)
            res = measure_case(net, m, x, y, device, repeats, target)
            res["contended"] = contended(res["cpu"], th)
            results[(th, net, m)] = res
            r = res["rates"]
            med = {k: statistics.median(v) for k, v in r.items()}
            fb = me.paired_ratios(r["train"], r["gemm_bound"])
            fn = me.paired_ratios(r["train"], r["naive"])
            best = max(("loop", "batched"), key=lambda k: med[k])
            res.update(med=med, frac_bound=med["train"] / med["gemm_bound"], ratio_naive=med["train"] / med["naive"],
                       paired_bound=fb, paired_naive=fn, best=best, hot=hot[net]["model_updates_per_s"])
            cell = lambda k: f"{fmt(med[k])} ({fmt(min(r[k]))}-{fmt(max(r[k]))})"  # noqa: E731
            print(f"{net:>6} {m:>3} {cell('gemm_bound'):>19} {fmt(res['hot']):>6} {cell('train'):>19} "
                  f"{res['frac_bound']:>5.0%} ({fb['min']:.0%}-{fb['max']:.0%}) {cell('loop'):>19} {cell('batched'):>19} "
                  f"{cell('naive'):>17} {res['ratio_naive']:>5.2f}x ({fn['min']:.2f}-{fn['max']:.2f}) "
                  f"{res['chosen']:>8} {best:>8} {_cores(res['cpu']):>6}{' CONTENDED' if res['contended'] else ''}",
                  flush=True)
            for impl in IMPLS:
                s = me.summary(r[impl])
                traffic = s["median"] * me.BYTES_PER_PARAM["16B"] * n_params
                row = {"impl": impl, "threads": th, "net": net, "sizes": sizes, "M": m,
                       "model_updates_per_s": s["median"], "min": s["min"], "max": s["max"], "samples": s["samples"],
                       "steps_per_sample": res["steps"][impl], "repeats": len(s["samples"]),
                       "bytes_per_s": traffic, "roofline_fraction": traffic / bw,
                       "fraction_of_gemm_bound": s["median"] / med["gemm_bound"],
                       "ratio_to_naive": s["median"] / med["naive"], "cpu_during_case": res["cpu"], "contended": res["contended"]}
                if impl == "gemm_bound":
                    row["hot_cache_model_updates_per_s"] = hot[net]["model_updates_per_s"]
                    row["hot_cache_seconds_per_product"] = hot[net]["seconds"]
                    row["products"] = me.GemmBound(sizes, "cpu", lr=0).describe()
                    row["note"] = ("matrix products of one batch-10 update, step order; no dC/dx for the first "
                                   "layer; per model-update the same for any M")
                if impl == "train":
                    row["path"] = res["chosen"]
                    row["paired_fraction_of_bound"] = fb
                    row["paired_ratio_to_naive"] = fn
                if impl in ("loop", "batched"):
                    row["path"] = impl
                rows.append(row)
        if th is not None:
            torch.set_num_threads(default_threads)

    # ---------------------------------------------------------------- choice and targets
    print("\n== path choice: cpu_step_path's against the faster measured path (medians)")
    choice = []
    for net, m in CASES:
        per = {th: results[(th, net, m)] for th in thread_counts}
        chosen = next(iter(per.values()))["chosen"]
        best_th, best_path = max(((th, k) for th in thread_counts for k in ("loop", "batched")),
                                 key=lambda tk: per[tk[0]]["med"][tk[1]])
        best_rate = per[best_th]["med"][best_path]
        rec = {"net": net, "M": m, "chosen_path": chosen, "best_path": best_path, "best_threads": best_th,
               "best_model_updates_per_s": best_rate,
               "chosen_is_best_at_threads": {str(th): per[th]["best"] == chosen for th in thread_counts},
               "chosen_over_best_at_threads": {str(th): per[th]["med"][chosen] / per[th]["med"][per[th]["best"]]
                                               for th in thread_counts}}
        rec["contended_at_threads"] = {str(th): per[th]["contended"] for th in thread_counts}
        choice.append(rec)
        at = ", ".join(f"{th} thr: best {per[th]['best']} (chosen at {rec['chosen_over_best_at_threads'][str(th)]:.0%} "
                       f"of it)" for th in thread_counts)
        bad = [str(th) for th in thread_counts if per[th]["contended"]]
        print(f"  {net:>6} M={m:<3} chosen {chosen:>8}; fastest overall {best_path} at {best_th} thread(s) "
              f"({fmt(best_rate)}/s); {at}{'; CONTENDED at ' + ', '.join(bad) + ' thread(s)' if bad else ''}")

    print(f"\n== targets: train >= {BOUND_TARGET:.0%} of the GEMM-only bound (width 1000, M = 1, 7); "
          f"train >= {NAIVE_TARGET:g}x naive (width 100)")
    targets = []
    for th in thread_counts:
        for net, m in CASES:
            res = results[(th, net, m)]
            if net == "paper":
                what, value, goal, paired = "fraction_of_gemm_bound", res["frac_bound"], BOUND_TARGET, res["paired_bound"]
                text = f"train at {value:.0%} of the GEMM-only bound (paired {paired['min']:.0%}-{paired['max']:.0%})"
            else:
                what, value, goal, paired = "ratio_to_naive", res["ratio_naive"], NAIVE_TARGET, res["paired_naive"]
                text = f"train {value:.2f}x naive (paired {paired['min']:.2f}-{paired['max']:.2f})"
            met = value >= goal
            targets.append({"threads": th, "net": net, "M": m, "measure": what, "target": goal, "median": value,
                            "paired_min": paired["min"], "paired_max": paired["max"], "met": met,
                            "met_in_every_repeat": paired["min"] >= goal,
                            "other_processes_cores": res["cpu"].get("foreign_cores"), "contended": res["contended"]})
            print(f"  threads {th if th is not None else '-'} {net:>6} M={m:<3} {text}: "
                  f"{'MET' if met else 'NOT MET'}{'' if met == (paired['min'] >= goal) else ' (not in every repeat)'}"
                  f"; other processes used {_cores(res['cpu'])} cores meanwhile"
                  f"{' -- CONTENDED, not a valid verdict' if res['contended'] else ''}")

    load_after = os.getloadavg()
    wall = time.monotonic() - t_start
    print(f"\nwall time {wall:.0f} s; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    slug = me.slug(name) + ("-quick" if args.quick else "")
    out = Path(args.out) if args.out else HERE / "results" / f"{slug}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "device": name, "date": dt.date.today().isoformat(), "torch_version": torch.__version__,
        "n_parameters": me.n_parameters(NETS["paper"]), "bytes_per_param_update": me.BYTES_PER_PARAM["16B"],
        "nets": {k: {"sizes": v, "n_parameters": me.n_parameters(v)} for k, v in NETS.items()},
        "batch_size": me.BATCH, "threads": thread_counts, "repeats": repeats, "target_s_per_sample": target,
        "quick": bool(args.quick), "load_average_before": load_before, "load_average_after": load_after,
        "wall_s": wall, "targets": targets, "choice": choice, "rows": rows,
    }, indent=2) + "\n")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
