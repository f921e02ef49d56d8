# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Performance: how fast can batch-10 SGD go?
#
# The paper's experiments are many small steps: minibatches of 10 examples through a
# 1024-1000×5-9 network (5 million parameters), 2.5 million updates per curve, seven curves
# for Fig. 11 alone, plus the learning-rate search. This page shows what our code achieves on
# each device we measured, against the limit the device itself sets, and what the paper's
# experiments therefore cost.
#
# **Two bounds.** A batch-10 update does about 2·3·10 = 60 floating-point operations per
# weight but must read every weight (forward), read it again (backward, for
# $\partial C/\partial z$) and read and write it (the update): 16 bytes per parameter per
# model-update in float32. Where the weights do not stay in cache (a GPU training $M$ models
# side by side: $M \times 20$ MB of weights against an H100's or H200's 50 MB of L2), the
# device's **copy bandwidth** $B$ bounds the rate at $B / (16 \cdot 5.04\text{M})$
# model-updates/s. A CPU is different: its caches are
# large next to its arithmetic, and the matrix products themselves are slow at these skinny
# shapes ($[10, 1000] \times [1000, 1000]$). There the bound is the **GEMM-only bound**: the
# matrix products one update cannot do without, timed with nothing else, in the order a step
# runs them. Training $M$ configurations side by side in one stack
# (`glorot.nets.MLPStack`) lets one pass over the data serve them all.
#
# The numbers come from `benchmarks/throughput.py` (CPU tables) and
# `benchmarks/device_check.py` (one short GPU job), which write one JSON file per device into
# `benchmarks/results/`; this page only reads them (nothing here is timed live, so the page
# renders the same on any machine). Re-measure with `make bench`.

# %% tags=["parameters"]
profile = "quick"
results_dir = "../benchmarks/results"

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from glorot import budget, experiments, nets
from glorot.experiments import plan as plans

experiments.config("shapeset_frequencies", profile)  # validates the profile name
if not isinstance(results_dir, str) or not Path(results_dir).is_dir():
    raise FileNotFoundError(f"results_dir must name a folder of benchmark JSON files; {results_dir!r} is not one "
                            "(run `make bench` to write benchmarks/results/)")
runs = [json.loads(f.read_text()) | {"file": f.name} for f in sorted(Path(results_dir).glob("*.json"))]
cpu_runs = [r for r in runs if r["device"].startswith("CPU") and "targets" in r]
gpu_runs = [r for r in runs if not r["device"].startswith("CPU")]
older = [r for r in runs if r["device"].startswith("CPU") and "targets" not in r]
print(f"{len(runs)} file(s): " + "; ".join(f"{r['device']} ({r['date']})" for r in runs))

# %% [markdown]
# ## The CPU: the matrix products are the bound
#
# `throughput.py` measures, in one run and alternating them repeat after repeat (so that a slow
# spell of this shared machine hits all alike), five things for each thread count: the
# GEMM-only bound; `glorot.train.train`, which steps the stack along the path it chooses; the
# two CPU paths called directly (`loop`: one model after another with plain `mm`/`addmm`;
# `batched`: one `bmm` for all models); and the loop a reader would write (`naive`: one
# `nn.Sequential` per model, autograd, `torch.optim.SGD`). Rates are model-updates/s, medians
# of the repeats.

# %%
def cpu_table(run: dict) -> pd.DataFrame:
    rows = pd.DataFrame(run["rows"])
    rows = rows[rows["impl"].isin(["gemm_bound", "train", "loop", "batched", "naive"])]
    wide = rows.pivot_table(index=["threads", "net", "M"], columns="impl", values="model_updates_per_s")
    wide["train / bound"] = wide["train"] / wide["gemm_bound"]
    wide["train / naive"] = wide["train"] / wide["naive"]
    chosen = rows[rows["impl"] == "train"].set_index(["threads", "net", "M"])["path"]
    wide["path chosen"] = chosen
    wide.index = wide.index.set_levels(wide.index.levels[2].astype(int), level=2)
    return wide[["gemm_bound", "train", "train / bound", "loop", "batched", "naive", "train / naive", "path chosen"]]


def dram_bound(run: dict, threads) -> float:
    rows = pd.DataFrame(run["rows"])
    copy = rows[(rows["impl"] == "copy") & (rows["threads"] == threads)]["bytes_per_s"].iloc[0]
    return copy / (16 * run["nets"]["paper"]["n_parameters"])


for run in cpu_runs:
    table = cpu_table(run)
    display(Markdown(
        f"**{run['device']}**, measured {run['date']} with torch {run['torch_version']}, {run['repeats']} repeats "
        f"(load average {run['load_average_before'][0]:.1f} before, {run['load_average_after'][0]:.1f} after; "
        f"other processes used up to {max(t['other_processes_cores'] or 0 for t in run['targets']):.1f} cores "
        f"meanwhile). Copy-bandwidth (DRAM) bound of the paper's net: "
        + ", ".join(f"{dram_bound(run, th):,.0f} model-updates/s at {th} thread{'s' if th > 1 else ''}" for th in run["threads"])
        + f"; the GEMM-only bound is the `gemm_bound` column. `paper` is the 1024-1000×5-9 net, `w100` the "
        f"1024-100×5-9 net of the quick profiles."))
    shown = table.copy()
    for c in ["gemm_bound", "train", "loop", "batched", "naive"]:
        shown[c] = shown[c].map("{:,.0f}".format)
    shown["train / bound"] = shown["train / bound"].map("{:.0%}".format)
    shown["train / naive"] = shown["train / naive"].map("{:.2f}×".format)
    display(shown)

# %%
for run in cpu_runs:
    table = cpu_table(run)
    fig, axes = plt.subplots(1, len(run["threads"]), figsize=(6.4 * len(run["threads"]), 3.6), squeeze=False)
    for ax, th in zip(axes[0], run["threads"]):
        part = table.loc[th]
        labels = [f"{net}\nM={m}" for net, m in part.index]
        at = range(len(part))
        for j, (impl, color) in enumerate([("gemm_bound", "0.75"), ("train", "C0"), ("naive", "C3")]):
            ax.bar([a + (j - 1) * 0.27 for a in at], part[impl], width=0.27, color=color,
                   label={"gemm_bound": "GEMM-only bound", "train": "glorot train", "naive": "naive loop"}[impl])
        ax.set_yscale("log")
        ax.set_xticks(list(at), labels, fontsize=9)
        ax.set_ylabel("model-updates/s")
        ax.set_title(f"{th} torch thread{'s' if th > 1 else ''}", fontsize=10)
    axes[0][0].legend(fontsize=9, loc="upper left", bbox_to_anchor=(0, -0.18), ncol=3, frameon=False)
    fig.suptitle(f"{run['device']}, {run['date']}: medians of {run['repeats']} alternating repeats", fontsize=10)
    fig.tight_layout()
    plt.show()

# %% [markdown]
# The GEMM-only bound is the right ceiling on this CPU: its 32 MiB L3 could hold the paper's
# 20 MB net, so the DRAM bound above is far out of reach, and the products themselves run at
# only a fraction of the core's arithmetic peak at these shapes. How the bound is timed (the
# products of one update, with nothing in between, in step order; dC/dx of the first layer is
# left out, since no update needs it):

# %%
for run in cpu_runs[:1]:
    gb = pd.DataFrame(run["rows"]).query("impl == 'gemm_bound' and net == 'paper'").iloc[0]
    display(Markdown(f"{gb['note']}. Each product timed alone on a weight that stays in cache would allow "
                     f"{gb['hot_cache_model_updates_per_s']:,.0f} model-updates/s at {gb['threads']} thread(s), against "
                     f"{gb['model_updates_per_s']:,.0f} in step order: in a real step the five 4 MB weight matrices "
                     f"take turns, and (we take it) do not all stay in the cache this virtual machine really has."))

# %% [markdown]
# ### The targets, and whether they are met
#
# The performance issue set two targets for `train`: at least 85% of the GEMM-only bound at
# M = 1 and M = 7 on the paper's net (per-step overhead small next to the products), and at
# least 3× the naive loop at width 100 (where per-operation overhead dominates). Medians, with
# the range of the per-repeat ratios:

# %%
for run in cpu_runs:
    t = pd.DataFrame(run["targets"])
    t["target"] = [f"≥ {v:.0%} of bound" if m == "fraction_of_gemm_bound" else f"≥ {v:g}× naive"
                   for m, v in zip(t["measure"], t["target"])]
    t["measured"] = [f"{v:.0%} ({lo:.0%}–{hi:.0%})" if m == "fraction_of_gemm_bound" else f"{v:.2f}× ({lo:.2f}–{hi:.2f})"
                     for m, v, lo, hi in zip(t["measure"], t["median"], t["paired_min"], t["paired_max"])]
    t["verdict"] = ["met" if ok else "not met" for ok in t["met"]]
    display(t[["threads", "net", "M", "target", "measured", "verdict"]])
    missed = t[~t["met"]]
    display(Markdown(
        "Every target is met." if missed.empty else
        f"**Not met: {len(missed)} of {len(t)}** ("
        + "; ".join(f"{r.net} M = {r.M} at {r.threads} thread{'s' if r.threads > 1 else ''}: {r.measured}" for r in missed.itertuples())
        + "). At width 100 with one model, an update is about 90 small torch operations of a few µs each on top of "
        "the products; batching models (M ≥ 7) spreads that over the stack, which is where the 3× is reached. "
        "On the paper's net the gap to the bound is the element-wise work (tanh, its derivative, the biases, "
        "the softmax) and the products running slower inside a real step than back to back."))

# %% [markdown]
# ### Which path, and how many threads
#
# Two CPU paths do the same maths. The choice is made by measurement, once, and written into
# the code (so that a run's numbers never depend on a timing taken at run time):

# %% [markdown]
# ```{literalinclude} ../src/glorot/nets.py
# :language: python
# :pyobject: cpu_step_path
# ```

# %%
for run in cpu_runs:
    c = pd.DataFrame(run["choice"])
    c["chosen at (per thread count)"] = [", ".join(f"{th} thr: {v:.0%} of the faster" for th, v in d.items())
                                         for d in c["chosen_over_best_at_threads"]]
    display(c[["net", "M", "chosen_path", "best_path", "best_threads", "best_model_updates_per_s",
               "chosen at (per thread count)"]].round(1))

# %% [markdown]
# ## On a GPU: the whole step as one CUDA graph, and a fused kernel
#
# On CUDA, `glorot.train.train` replays blocks of 100 updates captured once as a CUDA graph
# (`glorot.cuda_step.GraphedSteps`): static buffers for the minibatches (Shapeset is generated
# on the device), the weights updated in place, each model's learning rate on the device, the
# costs of every step written to a buffer that is read once per block, so the divergence check
# costs one synchronisation per 100 updates. Evaluation runs outside the graph. The block's body:

# %% [markdown]
# ```{literalinclude} ../src/glorot/cuda_step.py
# :language: python
# :pyobject: GraphedSteps._body
# ```

# %% [markdown]
# `kernels="triton"` replaces each layer's backward product and update by one Triton kernel
# (`glorot.triton_kernels.backward_update`) that reads each weight tile once, computes
# $\delta W^\top$ with the old weights (eq. 2) and writes $W - \epsilon\, z^\top \delta$
# (eq. 3): 12 bytes per parameter per update instead of 16. Its correctness is tested on the
# CPU with Triton's interpreter against a float64 computation and against torch's path, for
# every activation, at small shapes and at the paper's (`tests/test_triton_kernels.py`), and the
# kernel is compiled for a Hopper GPU in the tests; its speed can only be measured on a GPU.

# %%
if gpu_runs:
    for run in gpu_runs:
        rows = pd.DataFrame(run.get("throughput", run.get("rows", [])))
        display(Markdown(f"**{run['device']}**, measured {run['date']} (`{run['file']}`)"))
        display(rows)
else:
    display(Markdown(
        "**No GPU has been measured yet.** `python benchmarks/device_check.py OUT --device cuda` (at most 4 minutes "
        "on an H100 or H200) writes the GPU's table; its JSON, copied into `benchmarks/results/`, appears here. "
        "Until then every GPU number on this page is a model, said as such."))

# %% [markdown]
# ## What the paper's experiments cost: the plan of short jobs
#
# GPU time comes in short jobs, so the paper profile is a plan of chunks of at most 9 minutes
# (`python -m glorot plan --profile paper --device h200`; each chunk runs with
# `python -m glorot run-chunk ID`, resumes from the checkpoints and saves, and the chunks merge
# into one archive entry). Minutes per experiment, from the roofline model of an H200 and an
# H100 (the 16-byte bound; torch's kernels at the ≈56% of copy bandwidth a graph-captured step
# reached on an H100; the fused kernels at 80% of their 12-byte bound; in all, a step is never
# shorter than its kernels' launch latency, which is what limits small stacks), and from the
# rates measured on this CPU:

# %%
devices = {"H200, torch kernels (model)": "h200", "H200, fused kernels (model)": "h200:triton",
           "H200, 16-B bound": "h200:bound", "H100, torch kernels (model)": "h100"}
for run in cpu_runs[:1]:
    rows = pd.DataFrame(run["rows"]).query("impl == 'train' and net == 'paper'")
    best = rows.groupby("threads")["model_updates_per_s"].median().idxmax()
    rates = {int(r.M): r.model_updates_per_s for r in rows[rows["threads"] == best].itertuples()}
    devices[f"this CPU, measured ({best} thread{'s' if best > 1 else ''})"] = budget.MeasuredRates(
        run["device"], rates, run["nets"]["paper"]["n_parameters"], run["file"])
plan_rows = {}
for label, dev in devices.items():
    p = plans.make_plan("paper", dev)
    per = pd.Series(p.run_minutes)
    chunks = pd.Series({name: sum(c.experiment == name for c in p.chunks) for name in per.index})
    plan_rows[(label, "minutes")] = per
    plan_rows[(label, "chunks")] = chunks
plan_table = pd.DataFrame(plan_rows)
plan_table.loc["all"] = plan_table.sum()
display(plan_table.round(0).astype(int))
h200 = plans.make_plan("paper", "h200")
display(Markdown(
    f"On an H200 with torch's kernels, the whole paper profile is about {h200.total_minutes() / 60:.1f} GPU-hours "
    f"in {len(h200.chunks)} chunks of at most 9 minutes (a model, not a measurement); on this CPU it would take "
    f"{plan_table.loc['all'].iloc[-2] / 60 / 24:.0f} days. The models' figures are estimates for planning; a "
    f"device check on the GPU replaces them with measured rates (`--device cuda` calibrates on the device itself)."))

# %% [markdown]
# The chunks of one experiment, as the plan lists them (the first lines):

# %%
print("\n".join(h200.table().splitlines()[:12]))

# %% [markdown]
# ## What is not measured yet
#
# - The GPU rows: the CUDA-graph step, the Triton kernel's speed and the 12-byte roofline
#   fraction, and TF32's speed and its effect on a Fig. 11 curve need a GPU; no GPU was at
#   hand when this page was built.
# - The CPU figures vary with the host (this shared machine's other tenants, its CPU model):
#   each table says where and when it was measured.

# %%
if older:
    display(Markdown("Earlier measurements, in the format of before the GEMM-only bound was measured ("
                     + "; ".join(f"{r['device']}, {r['date']}" for r in older) + "): in `benchmarks/results/`."))
