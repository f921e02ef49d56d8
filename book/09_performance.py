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
# The experiments of {cite:t}`glorot2010understanding` are many small steps: minibatches of 10 examples through a
# 1024-1000×5-9 network ({glue:text}`n_params_m:.2f` million parameters),
# {glue:text}`paper_updates:,d` updates per curve, {glue:text}`fig11_curves` curves for Fig. 11
# alone, plus the learning-rate search. This page shows what our code achieves on each device
# we measured, against the limit the device itself sets, and what the paper's experiments
# therefore cost.
#
# **Two bounds.** A batch-10 update does about $2 \cdot 3 \cdot 10 = 60$ floating-point
# operations per weight but must read every weight (forward), read it again (backward, for
# $\partial C/\partial z$) and read and write it (the update): {glue:text}`bytes_per_param`
# bytes per parameter per model-update in float32. Where the weights do not stay in cache (a
# GPU training $M$ models side by side: $M$ × {glue:text}`net_mb:.0f` MB of weights against an
# H100's or H200's 50 MB of L2), the device's **copy bandwidth** $B$ bounds the rate at
# $B / (16 \cdot N)$ model-updates/s for a net of $N$ parameters. A CPU is different: its
# caches are large next to its arithmetic, and the matrix products themselves are slow at
# these skinny shapes ($[10, 1000] \times [1000, 1000]$). There the bound is the **GEMM-only
# bound**: the matrix products one update cannot do without, timed with nothing else, in the
# order a step runs them. Training $M$ configurations side by side in one stack
# (`glorot.nets.MLPStack`) lets one pass over the data serve them all.
#
# The numbers come from `benchmarks/throughput.py` (CPU tables) and
# `benchmarks/device_check.py` (one short GPU job), which write one JSON file per device into
# `benchmarks/results/`; this page only reads them (nothing here is timed live, so the page
# renders the same on any machine). Re-measure with `make bench`. Files read:
# {glue:md}`files_read`.
#
# **Parameters.** `results_dir` is the folder of JSON files; `plan_profile` the profile whose
# plan of GPU jobs is costed at the end; `profile` (the book's smoke run sets it) changes
# nothing here, since no cell trains or times anything.

# %% tags=["parameters"]
profile = "quick"
results_dir = "../benchmarks/results"
plan_profile = "paper"

# %% tags=["remove-cell"]
import json
from pathlib import Path

import pandas as pd

from glorot import budget, experiments, pages, paper, plots_perf, train
from glorot.experiments import plan as plans

experiments.config("shapeset_frequencies", profile)  # validates the profile name
experiments.config("shapeset_frequencies", plan_profile)  # and the plan's
if not isinstance(results_dir, str) or not Path(results_dir).is_dir():
    raise FileNotFoundError(f"results_dir must name a folder of benchmark JSON files; {results_dir!r} is not one "
                            "(run `make bench` to write benchmarks/results/)")
runs = [json.loads(f.read_text()) | {"file": f.name} for f in sorted(Path(results_dir).glob("*.json"))]
cpu_runs = sorted((r for r in runs if r["device"].startswith("CPU") and "targets" in r), key=lambda r: r["date"])
gpu_runs = [r for r in runs if not r["device"].startswith("CPU")]
older = [r for r in runs if r["device"].startswith("CPU") and "targets" not in r]
if not cpu_runs:
    raise FileNotFoundError(f"{results_dir!r} holds no CPU measurement with targets (benchmarks/throughput.py writes "
                            "one; run `make bench`)")
cpu = cpu_runs[-1]  # the newest CPU measurement; the others are listed below
n_params = cpu["nets"]["paper"]["n_parameters"]
pages.glue_all(n_params_m=n_params / 1e6, paper_updates=paper.PAPER_EXAMPLES // 10, fig11_curves=len(paper.PAPER_FIG11_FINAL),
               bytes_per_param=cpu["bytes_per_param_update"], net_mb=4 * n_params / 1e6)
pages.glue("files_read", "; ".join(f"`{r['file']}` ({r['device']}, {r['date']})" for r in runs))

# %% [markdown]
# ## The CPU: the matrix products are the bound
#
# `throughput.py` measures, in one run and alternating them repeat after repeat (so that a slow
# spell of this shared machine hits all alike), five things for each thread count: the
# GEMM-only bound; `glorot.train.train`, which steps the stack along the path it chooses; the
# two CPU paths called directly (`loop`: one model after another with plain `mm`/`addmm`;
# `batched`: one `bmm` for all models); and the loop a reader would write (`naive`: one
# `nn.Sequential` per model, autograd, `torch.optim.SGD`). Rates are model-updates/s, medians
# of the repeats; {numref}`tbl-perf-cpu` lists them and {numref}`fig-perf-cpu` draws the
# training rates against the bounds. `paper` is the 1024-1000×5-9 net, `w100` the
# 1024-100×5-9 net of the quick profiles.
#
# The copy-bandwidth (DRAM) bound of the paper's net on this CPU is {glue:md}`dram_bounds`:
# out of reach, and not the ceiling here, because the products themselves run at only a
# fraction of the core's arithmetic peak at these shapes.

# %% tags=["remove-cell"]
rows = pd.DataFrame(cpu["rows"])


def dram_bound(threads: int, net: str) -> float:
    """Copy bandwidth over the bytes one model-update moves, for ``net`` at ``threads``."""
    copy = rows[(rows["impl"] == "copy") & (rows["threads"] == threads)]["bytes_per_s"].iloc[0]
    return copy / (cpu["bytes_per_param_update"] * cpu["nets"][net]["n_parameters"])


impls = ["gemm_bound", "train", "loop", "batched", "naive"]
timed = rows[rows["impl"].isin(impls)]
wide = timed.pivot_table(index=["threads", "net", "M"], columns="impl", values="model_updates_per_s")[impls]
wide["path"] = timed[timed["impl"] == "train"].set_index(["threads", "net", "M"])["path"]
wide = wide.reset_index()
wide["M"] = wide["M"].astype(int)
wide["train / bound"] = wide["train"] / wide["gemm_bound"]
wide["train / naive"] = wide["train"] / wide["naive"]

shown = wide[["threads", "net", "M"]].copy()
for col, name in [("gemm_bound", "GEMM-only bound"), ("train", "train")]:
    shown[name] = wide[col].map("{:,.0f}".format)
shown["train / bound"] = wide["train / bound"].map("{:.0%}".format)
for col in ["loop", "batched", "naive"]:
    shown[col] = wide[col].map("{:,.0f}".format)
shown["train / naive"] = wide["train / naive"].map("{:.2f}×".format)
shown["path of train"] = wide["path"]

others = max(t["other_processes_cores"] or 0 for t in cpu["targets"])
cpu_scale = (f"Measured by `benchmarks/throughput.py` on {cpu['device']}, {cpu['date']}, torch {cpu['torch_version']}, "
             f"batch {cpu['batch_size']}: medians of {cpu['repeats']} alternating repeats (load average "
             f"{cpu['load_average_before'][0]:.1f} before, {cpu['load_average_after'][0]:.1f} after; other processes used "
             f"up to {others:.1f} cores meanwhile); read from `{cpu['file']}`, not timed while this page executed")
no_paper = "The paper reports no timings"
dram = {(th, net): dram_bound(th, net) for th in cpu["threads"] for net in cpu["nets"]}
pages.glue("dram_bounds", ", ".join(f"{dram[(th, 'paper')]:,.0f} model-updates/s at {th} thread{'s' if th > 1 else ''}"
                                    for th in cpu["threads"]))
pages.glue("tbl_cpu", shown)
pages.glue("tbl_cpu_caption", pages.caption(
    "Model-updates/s; `train / bound` is the training rate over the GEMM-only bound, `path of train` the CPU path "
    "that `train` chose (`glorot.nets.cpu_step_path`).", cpu_scale, no_paper))
pages.glue("fig_cpu_caption", pages.caption(
    "Bars: the rates of `glorot.train.train` and of the naive loop; black: the GEMM-only bound; dashed grey: the "
    "copy-bandwidth bound of each net (log scale).", cpu_scale, no_paper))

# %% tags=["remove-cell"]
pages.glue("fig_cpu", plots_perf.cpu_throughput(wide, dram))

# %% [markdown]
# :::{table} Training rates on this CPU beside the GEMM-only bound and the naive loop. {glue:md}`tbl_cpu_caption`
# :name: tbl-perf-cpu
#
# ```{glue:md} tbl_cpu
# :format: myst
# ```
# :::
#
# ```{glue:figure} fig_cpu
# :name: fig-perf-cpu
# :figwidth: 100%
#
# Training rates on this CPU against its bounds. {glue:md}`fig_cpu_caption`
# ```
#
# The GEMM-only bound is the right ceiling for the paper's net on this CPU: its last-level
# cache could hold the {glue:text}`net_mb:.0f` MB net, so the DRAM bound above is far out of
# reach. How the bound is timed: {glue:md}`gemm_note`. Each product timed alone on a weight
# that stays in cache would allow {glue:text}`hot_cache:,.0f` model-updates/s at
# {glue:text}`hot_threads` thread(s), against {glue:text}`step_order:,.0f` in step order: in a
# real step the {glue:text}`n_big_weights` weight matrices of about {glue:text}`big_mb:.0f` MB
# take turns, and (we take it) do not all stay in the cache this virtual machine really has.
# {glue:md}`bound_per_model`

# %% tags=["remove-cell"]
gb = rows.query("impl == 'gemm_bound' and net == 'paper'").sort_values("threads").iloc[0]
sizes = cpu["nets"]["paper"]["sizes"]
big = [a * b for a, b in zip(sizes[:-1], sizes[1:]) if a * b >= 1e6]
pages.glue_all(hot_cache=gb["hot_cache_model_updates_per_s"], step_order=gb["model_updates_per_s"], hot_threads=int(gb["threads"]),
               n_big_weights=len(big), big_mb=4 * min(big) / 1e6)
pages.glue("gemm_note", str(gb["note"]))
over = wide[wide["train / bound"] > 1]
pages.glue("bound_per_model", (
    "The bound is timed on one model's products, the same per model-update for any M, so a stack that does all its "
    "models' products in one batched product can pass it: at width 100, where `train` takes the batched path, it reaches "
    + ", ".join(f"{r['train / bound']:.0%} of the bound ({r['net']}, M = {r['M']}, {r['threads']} thread{'s' if r['threads'] > 1 else ''})"
                for _, r in over.iterrows())
    + ". On the paper's net `train` takes the loop path, one model after another, and the bound holds."
    if not over.empty else
    "Every measured training rate stays under the bound."))

# %% [markdown]
# ### The targets, and whether they are met
#
# The performance issue set two targets for `train`: at least {glue:text}`target_bound:.0%` of
# the GEMM-only bound at M = 1 and M = 7 on the paper's net (per-step overhead small next to
# the products), and at least {glue:text}`target_naive:g`× the naive loop at width 100 (where
# per-operation overhead dominates). {numref}`tbl-perf-targets` gives the medians, with the
# range of the per-repeat ratios. {glue:md}`targets_summary`
#
# :::{table} The performance targets on this CPU. {glue:md}`tbl_targets_caption`
# :name: tbl-perf-targets
#
# ```{glue:md} tbl_targets
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
t = pd.DataFrame(cpu["targets"])
is_bound = t["measure"] == "fraction_of_gemm_bound"
t["target"] = [f"≥ {v:.0%} of bound" if b else f"≥ {v:g}× naive" for b, v in zip(is_bound, t["target"])]
t["measured (range)"] = [f"{v:.0%} ({lo:.0%}–{hi:.0%})" if b else f"{v:.2f}× ({lo:.2f}–{hi:.2f})"
                         for b, v, lo, hi in zip(is_bound, t["median"], t["paired_min"], t["paired_max"])]
t["verdict"] = ["met" if ok else "not met" for ok in t["met"]]
pages.glue_all(target_bound=float(pd.DataFrame(cpu["targets"]).query("measure == 'fraction_of_gemm_bound'")["target"].iloc[0]),
               target_naive=float(pd.DataFrame(cpu["targets"]).query("measure == 'ratio_to_naive'")["target"].iloc[0]))
pages.glue("tbl_targets", t[["threads", "net", "M", "target", "measured (range)", "verdict"]])
missed = t[~t["met"]]
met_line = f"{len(t) - len(missed)} of {len(t)} targets met"
pages.glue("tbl_targets_caption", pages.caption(met_line, cpu_scale))
pages.glue("targets_summary", (
    "Every target is met." if missed.empty else
    f"**Not met: {len(missed)} of {len(t)}** ("
    + "; ".join(f"{r['net']} M = {r['M']} at {r['threads']} thread{'s' if r['threads'] > 1 else ''}: {r['measured (range)']}"
                for _, r in missed.iterrows())
    + "). At width 100 with one model, an update is dozens of small torch operations whose fixed cost of a few µs "
    "each is not small next to the products; batching models (M ≥ 7) spreads that over the stack, which is where the "
    "naive-loop target is reached. On the paper's net the gap to the bound is the element-wise work (tanh, its "
    "derivative, the biases, the softmax) and the products running slower inside a real step than back to back."))

# %% [markdown]
# ### Which path, and how many threads
#
# Two CPU paths do the same maths. The choice is made by measurement, once, and written into
# the code (so that a run's numbers never depend on a timing taken at run time):
#
# ```{literalinclude} ../src/glorot/nets.py
# :language: python
# :pyobject: cpu_step_path
# ```
#
# {numref}`tbl-perf-path` puts the chosen path beside the faster one at each thread count.
# {glue:md}`path_summary`
#
# :::{table} The CPU path `train` takes beside the faster one. {glue:md}`tbl_path_caption`
# :name: tbl-perf-path
#
# ```{glue:md} tbl_path
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
c = pd.DataFrame(cpu["choice"])
path = c[["net", "M"]].copy()
path["chosen"] = c["chosen_path"]
path["fastest"] = c["best_path"] + " at " + c["best_threads"].astype(str) + " thr."
path["fastest rate"] = c["best_model_updates_per_s"].map("{:,.0f}".format)
for th in cpu["threads"]:
    path[f"chosen / faster, {th} thr."] = [f"{d[str(th)]:.0%}" for d in c["chosen_over_best_at_threads"]]
pages.glue("tbl_path", path)
pages.glue("tbl_path_caption", pages.caption(
    "`chosen / faster`: the chosen path's rate over the faster path's at that thread count", cpu_scale))
worst = {th: min(d[str(th)] for d in c["chosen_over_best_at_threads"]) for th in cpu["threads"]}
pages.glue("path_summary", "The chosen path is never slower than " + ", ".join(
    f"{v:.0%} of the faster one at {th} thread{'s' if th > 1 else ''}" for th, v in worst.items())
    + " (the rule is made for the experiments' setting of one torch thread).")

# %% [markdown]
# ## On a GPU: the whole step as one CUDA graph, and a fused kernel
#
# On CUDA, `glorot.train.train` replays blocks of {glue:text}`graph_steps` updates captured
# once as a CUDA graph (`glorot.cuda_step.GraphedSteps`): static buffers for the minibatches
# (Shapeset is generated on the device), the weights updated in place, each model's learning
# rate on the device, the costs of every step written to a buffer that is read once per block,
# so the divergence check costs one synchronisation per block. Evaluation runs outside the
# graph. The block's body:
#
# ```{literalinclude} ../src/glorot/cuda_step.py
# :language: python
# :pyobject: GraphedSteps._body
# :dedent: 4
# ```
#
# `kernels="triton"` replaces each layer's backward product and update by one Triton kernel
# (`glorot.triton_kernels.backward_update`) that reads each weight tile once, computes
# $\delta W^\top$ with the old weights (eq. 2) and writes $W - \epsilon\, z^\top \delta$
# (eq. 3): 12 bytes per parameter per update (the forward's read, the kernel's read and write)
# instead of 16. Its correctness is tested on the CPU with Triton's interpreter against a
# float64 computation and against torch's path, for every activation, at small shapes and at
# the paper's (`tests/test_triton_kernels.py`), and the kernel is compiled for a Hopper GPU in
# the tests; its speed can only be measured on a GPU.
#
# ```{glue:md} gpu_section
# :format: myst
# ```

# %% tags=["remove-cell"]
pages.glue("graph_steps", train.GRAPH_STEPS)
if gpu_runs:
    parts = []
    for run in gpu_runs:
        g = pd.DataFrame(run.get("rows", []))
        g = g[g.get("model_updates_per_s", pd.Series(dtype=float)).notna()] if "model_updates_per_s" in g else g
        cols = [k for k in ["impl", "M", "model_updates_per_s", "roofline_fraction_16B", "roofline_fraction_12B"] if k in g]
        parts.append(f"**{run['device']}**, measured {run['date']} (`{run['file']}`; read, not timed here):\n\n"
                     + (pages.as_markdown_table(g[cols]) if cols and not g.empty else "no throughput rows in the file."))
    pages.glue("gpu_section", "\n\n".join(parts))
else:
    pages.glue("gpu_section", (
        "**No GPU has been measured yet.** `python benchmarks/device_check.py OUT --device cuda` (time-boxed to a few "
        "minutes on an H100 or H200) writes the GPU's table; its JSON, copied into `benchmarks/results/`, appears here. Until then "
        "every GPU number on this page is a model, said as such."))

# %% [markdown]
# ## What the paper's experiments cost: the plan of short jobs
#
# GPU time comes in short jobs, so the {glue:md}`plan_profile_name` profile is a plan of chunks
# of at most {glue:text}`chunk_minutes:g` minutes (`python -m glorot plan --profile paper
# --device h200`; each chunk runs with `python -m glorot run-chunk ID`, resumes from the
# checkpoints and saves, and the chunks merge into one archive entry). The minutes per
# experiment ({numref}`tbl-perf-plan-minutes`) and the chunks they take
# ({numref}`tbl-perf-plan-chunks`) come from the roofline models of an H200 and an H100 (the
# 16-byte bound; torch's kernels at the {glue:text}`cublas_fraction:.0%` of copy bandwidth a
# graph-captured step reached on an H100; the fused kernels at 80% of their 12-byte bound; in
# all, a step is never shorter than its kernels' launch latency, which is what limits small
# stacks), and from the rates measured on this CPU. {glue:md}`plan_summary`
#
# :::{table} Estimated minutes per experiment, per device. {glue:md}`tbl_plan_caption`
# :name: tbl-perf-plan-minutes
#
# ```{glue:md} tbl_plan_minutes
# :format: myst
# ```
# :::
#
# :::{table} Chunks per experiment, per device. {glue:md}`tbl_plan_caption`
# :name: tbl-perf-plan-chunks
#
# ```{glue:md} tbl_plan_chunks
# :format: myst
# ```
# :::
#
# The first chunks of the H200 plan, as `python -m glorot plan` lists them
# ({numref}`tbl-perf-plan-h200`):
#
# :::{table} The first chunks of the plan on an H200 with torch's kernels. {glue:md}`tbl_h200_caption`
# :name: tbl-perf-plan-h200
#
# ```{glue:md} tbl_h200
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
devices = {"H200, torch kernels (model)": "h200", "H200, fused kernels (model)": "h200:triton",
           "H200, 16-B bound": "h200:bound", "H100, torch kernels (model)": "h100"}
train_rows = rows.query("impl == 'train' and net == 'paper'")
best = int(train_rows.groupby("threads")["model_updates_per_s"].median().idxmax())
cpu_label = f"this CPU, measured ({best} thread{'s' if best > 1 else ''})"
devices[cpu_label] = budget.rates_from_record(cpu, best, cpu["device"], cpu["file"])  # every net it measured
made = {label: plans.make_plan(plan_profile, dev) for label, dev in devices.items()}
minutes = pd.DataFrame({label: pd.Series(p.run_minutes) for label, p in made.items()})
chunks = pd.DataFrame({label: pd.Series({n: sum(c.experiment == n for c in p.chunks) for n in p.run_minutes})
                       for label, p in made.items()})
minutes.loc["all"], chunks.loc["all"] = minutes.sum(), chunks.sum()
for df in (minutes, chunks):
    df.index.name = "experiment"
pages.glue("tbl_plan_minutes", minutes.round(0).astype(int).map("{:,}".format).reset_index())
pages.glue("tbl_plan_chunks", chunks.astype(int).map("{:,}".format).reset_index())
h200 = made["H200, torch kernels (model)"]
pages.glue("plan_profile_name", f"`{plan_profile}`")
pages.glue_all(chunk_minutes=plans.CHUNK_MINUTES, cublas_fraction=budget.GPU_MODELS["h100"].cublas_fraction)
pages.glue("tbl_plan_caption", pages.caption(
    f"Profile `{plan_profile}`; chunks of at most {plans.CHUNK_MINUTES:g} minutes, {plans.MARGIN:.0%} of each planned "
    "as work; GPU columns are roofline models, not measurements; the CPU column uses the training rates of "
    f"the CPU table above (`{cpu['file']}`, {best} thread{'s' if best > 1 else ''}).",
    f"Paper: §2 and Fig. 11 ({paper.PAPER_EXAMPLES // 10:,} updates of batch 10 per curve); it reports no times"))
cpu_days = minutes.loc["all", cpu_label] / 60 / 24
pages.glue("plan_summary", (
    f"On an H200 with torch's kernels, the whole `{plan_profile}` profile is about "
    + (f"{h200.total_minutes() / 60:.1f} GPU-hours" if h200.total_minutes() >= 60 else f"{h200.total_minutes():.1f} GPU-minutes")
    + f" in {len(h200.chunks)} chunk{'s' if len(h200.chunks) > 1 else ''} (a model, not a measurement); on this CPU it would take "
    + (f"{cpu_days:.0f} days" if cpu_days >= 2 else f"{minutes.loc['all', cpu_label] / 60:.1f} hours")
    + ". The models' figures are estimates for planning; a device check on the GPU replaces them with measured rates "
    "(`--device cuda` calibrates on the device itself)."))
first = pd.DataFrame([{"chunk": c.id, "model-updates": f"{c.model_updates:,}", "est. minutes": round(c.minutes, 1)}
                      for c in h200.chunks[:10]])
pages.glue("tbl_h200", first)
pages.glue("tbl_h200_caption", pages.caption(
    f"{min(10, len(h200.chunks))} of {len(h200.chunks)} chunks; estimates from the {h200.method}"))

# %% [markdown]
# ## How good is the estimate?
#
# Every wall-time estimate of the book (`glorot run` before it trains, `glorot plan`, the table
# above) comes from one estimator, `glorot.budget`: on a CPU, the rates `make bench` measured
# on the host (its record in `benchmarks/results/`, at the run's torch threads), else a
# calibration of a few real SGD steps. {numref}`tbl-perf-estimates` sets it beside the wall
# time of every archived CPU run: the estimate printed when the run started, and today's
# estimator from the benchmark record of the host the run was made on, where that host has a
# record of the present format. {glue:md}`estimate_summary`
#
# :::{table} Archived CPU runs: measured wall time beside the estimates (minutes). {glue:md}`tbl_estimates_caption`
# :name: tbl-perf-estimates
#
# ```{glue:md} tbl_estimates
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
checked = plans.estimates_against_runs()
if checked.empty:
    pages.glue("tbl_estimates", "No archived CPU run to compare with.")
    pages.glue("estimate_summary", "The archive holds no CPU run yet.")
else:
    shown = checked.assign(**{c: checked[c].round(1) for c in ("measured_min", "estimated_then_min", "estimated_today_min")},
                           ratio=checked["ratio"].round(2)).fillna("—")
    pages.glue("tbl_estimates", shown.rename(columns={
        "measured_min": "measured", "estimated_then_min": "estimated at its start", "estimated_today_min": "today's estimator",
        "ratio": "measured / today's"}))
    today = checked.dropna(subset=["ratio"])
    then = checked.dropna(subset=["estimated_then_min"])
    then_ratio = then["measured_min"] / then["estimated_then_min"]
    pages.glue("estimate_summary", (
        (f"Today's estimator, on the {len(today)} run{'s' if len(today) != 1 else ''} whose host has a record, comes within a "
         f"factor {max(today['ratio'].max(), 1 / today['ratio'].min()):.2f} of the measured time (measured over estimated "
         f"{today['ratio'].min():.2f} to {today['ratio'].max():.2f}); " if len(today) else
         "No run's host has a benchmark record of the present format yet, so today's estimator is not checked here; ")
        + f"for the estimates printed at the runs' starts (by the calibration this estimator replaced, on a shared machine) "
          f"measured over estimated ranged from {then_ratio.min():.2f} to {then_ratio.max():.2f}, the largest "
          f"{checked.loc[then_ratio.idxmax(), 'experiment']} ({checked.loc[then_ratio.idxmax(), 'entry']}). The measured times "
          "include data generation and, for the SVM baseline, the SVM's fits, which the estimate does not count (it counts "
          "training, evaluation and probes as SGD steps), and most were made with other work on the second core."))
pages.glue("tbl_estimates_caption", pages.caption(
    "From each run's provenance (`wall_time_s`, `estimated_wall_time_s`, `device`) and the benchmark records in "
    "`benchmarks/results/`; ratio: measured over today's estimate; — where the run's host has no record of the present format",
    "Paper: reports no times"))

# %% [markdown]
# ## What is not measured yet
#
# - The GPU rows: the CUDA-graph step, the Triton kernel's speed and the 12-byte roofline
#   fraction, and TF32's speed and its effect on a Fig. 11 curve need a GPU.
#   {glue:md}`gpu_status`
# - The CPU figures vary with the host (this shared machine's other tenants, its CPU model):
#   each table says where and when it was measured. {glue:md}`older_runs`

# %% tags=["remove-cell"]
pages.glue("gpu_status", (f"Measured so far on: {', '.join(r['device'] for r in gpu_runs)}." if gpu_runs else
                          f"No GPU measurement is in `{results_dir.removeprefix('../')}/` yet."))
elsewhere = (["earlier measurements, in the format of before the GEMM-only bound was measured ("
              + "; ".join(f"{r['device']}, {r['date']}" for r in older) + ")"] if older else []) + (
             ["older CPU runs in the present format (" + "; ".join(f"{r['device']}, {r['date']}" for r in cpu_runs[:-1]) + ")"]
             if len(cpu_runs) > 1 else [])
pages.glue("older_runs", (" and ".join(elsewhere)[:1].upper() + " and ".join(elsewhere)[1:] + " are in the same folder; "
                          "this page shows the newest CPU run." if elsewhere else "No other CPU measurement is in the folder."))
