"""Throughput of the pieces the book's experiments spend their time in, on one device.

Measures, in one run:

* the device's copy bandwidth (a large device-to-device copy; bytes read + written);
* Shapeset-3x2 images/s (``glorot.shapeset.generate`` in chunks of 10,000);
* model-updates/s of ``glorot.train.train`` on the paper's network (1024-1000x5-9, batch 10)
  for M models trained side by side in one stack;
* the same for a plain baseline: one ``nn.Sequential`` per model, autograd,
  ``torch.optim.SGD``, eager, the M models trained one after another;
* for each, the achieved memory traffic as a fraction of the copy bandwidth, counting
  16 bytes per parameter per model-update (each weight read twice and written once in
  float32, plus the gradient: DESIGN.md, "Performance, by design").

Prints a table and writes ``benchmarks/results/<device-slug>.json``.

    python benchmarks/throughput.py                      # CPU, M in 1 7 32
    python benchmarks/throughput.py --device cuda --models 1 7 32 128
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from glorot import archive, nets, shapeset  # noqa: E402
from glorot.train import ArrayStream, train  # noqa: E402

PAPER_SIZES = [1024, 1000, 1000, 1000, 1000, 1000, 9]
BYTES_PER_PARAM_UPDATE = 16


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def copy_bandwidth(device: torch.device, mbytes: int, reps: int = 5) -> float:
    """Bytes moved per second (read + write) by a large tensor copy, best of ``reps``."""
    n = mbytes * 2**20 // 4
    src = torch.ones(n, device=device)
    dst = torch.empty_like(src)
    dst.copy_(src)
    best = float("inf")
    for _ in range(reps):
        sync(device)
        t = time.perf_counter()
        dst.copy_(src)
        sync(device)
        best = min(best, time.perf_counter() - t)
    return 2 * n * 4 / best


def shapeset_rate(device: torch.device, chunk: int = 10_000, reps: int = 3) -> float:
    shapeset.generate(chunk, seed=0, device=device)
    best = float("inf")
    for r in range(reps):
        sync(device)
        t = time.perf_counter()
        shapeset.generate(chunk, seed=r + 1, device=device)
        sync(device)
        best = min(best, time.perf_counter() - t)
    return chunk / best


def glorot_rate(m: int, updates: int, x, y, device: torch.device) -> float:
    stack = nets.MLPStack(PAPER_SIZES, activations="tanh", lrs=[0.01] * m, seeds=list(range(m)), device=device)
    stream = ArrayStream(x, y, seed=0)
    train(stack, stream, 3)  # warm-up
    sync(device)
    t = time.perf_counter()
    train(stack, stream, updates)
    sync(device)
    return m * updates / (time.perf_counter() - t)


def baseline_rate(m: int, updates: int, x, y, device: torch.device) -> float:
    """One nn.Sequential per model, autograd and torch.optim.SGD, models one after another."""
    models, opts = [], []
    for k in range(m):
        torch.manual_seed(k)
        layers = []
        for i, (a, b) in enumerate(zip(PAPER_SIZES[:-1], PAPER_SIZES[1:])):
            layers.append(torch.nn.Linear(a, b))
            if i < len(PAPER_SIZES) - 2:
                layers.append(torch.nn.Tanh())
        net = torch.nn.Sequential(*layers).to(device)
        models.append(net)
        opts.append(torch.optim.SGD(net.parameters(), lr=0.01))
    stream = ArrayStream(x, y, seed=0)

    def step():
        xb, yb = stream.next_batch(10)
        xb, yb = xb.to(device), yb.to(device)
        for net, opt in zip(models, opts):
            opt.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(net(xb), yb).backward()
            opt.step()

    for _ in range(3):
        step()
    sync(device)
    t = time.perf_counter()
    for _ in range(updates):
        step()
    sync(device)
    return m * updates / (time.perf_counter() - t)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cpu")
    p.add_argument("--models", type=int, nargs="+", default=None, help="stack sizes M (default: CPU 1 7 32; CUDA 1 7 32 128)")
    p.add_argument("--model-updates", type=int, default=None, help="model-updates per measurement (default CPU 300, CUDA 20000)")
    p.add_argument("--repeats", type=int, default=5,
                   help="measurements of each (impl, M), alternating the two impls; the median is reported (default 5)")
    p.add_argument("--out", default=None, help="JSON file (default benchmarks/results/<device-slug>.json)")
    args = p.parse_args(argv)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    ms = args.models or ([1, 7, 32, 128] if cuda else [1, 7, 32])
    budget = args.model_updates or (20_000 if cuda else 300)
    name = archive.device_name(device)
    n_params = sum(a * b + b for a, b in zip(PAPER_SIZES[:-1], PAPER_SIZES[1:]))

    print(f"device: {name}; torch {torch.__version__}; {torch.get_num_threads()} CPU threads")
    bw = copy_bandwidth(device, 2048 if cuda else 512)
    print(f"copy bandwidth: {bw / 1e9:.1f} GB/s (read + write)")
    img = shapeset_rate(device)
    print(f"Shapeset-3x2: {img:,.0f} images/s")
    x, y = shapeset.generate(10_000, seed=123, device=device)

    rows = [{"impl": "copy", "M": None, "model_updates_per_s": None, "bytes_per_s": bw, "roofline_fraction": 1.0},
            {"impl": "shapeset", "M": None, "images_per_s": img, "model_updates_per_s": None, "roofline_fraction": None}]
    print(f"\n{'impl':>10} {'M':>5} {'model-upd/s':>12} {'GB/s':>8} {'of copy':>8}   min-max of {args.repeats}")
    for m in ms:
        updates = max(5, budget // m)
        impls = (("glorot", glorot_rate), ("baseline", baseline_rate))
        # alternate the two, so that a slow spell of a shared machine hits both alike
        rates = {impl: [] for impl, _ in impls}
        for _ in range(args.repeats):
            for impl, fn in impls:
                rates[impl].append(fn(m, updates, x, y, device))
        for impl, _ in impls:
            rate = statistics.median(rates[impl])
            traffic = rate * BYTES_PER_PARAM_UPDATE * n_params
            rows.append({"impl": impl, "M": m, "model_updates_per_s": rate, "bytes_per_s": traffic, "roofline_fraction": traffic / bw,
                         "updates": updates, "repeats": args.repeats, "min": min(rates[impl]), "max": max(rates[impl])})
            print(f"{impl:>10} {m:>5} {rate:>12.1f} {traffic / 1e9:>8.2f} {traffic / bw:>8.1%}   "
                  f"{min(rates[impl]):.1f}-{max(rates[impl]):.1f}")
        g, b = rows[-2]["model_updates_per_s"], rows[-1]["model_updates_per_s"]
        print(f"{'':>10} {'':>5} glorot / baseline = {g / b:.2f}x (medians)")

    out = Path(args.out) if args.out else Path(__file__).resolve().parent / "results" / f"{slug(name)}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "device": name, "date": dt.date.today().isoformat(), "torch_version": torch.__version__,
        "n_parameters": n_params, "bytes_per_param_update": BYTES_PER_PARAM_UPDATE, "rows": rows,
    }, indent=2) + "\n")
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
