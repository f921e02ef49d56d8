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
# each device we measured, against the limit the device's memory bandwidth sets.
#
# **The roofline.** A batch-10 update does about 2·3·10 = 60 floating-point operations per
# weight but must read every weight (forward), read it again (backward, for
# $\partial C/\partial z$), and write it back (the update): it is limited by memory traffic,
# not arithmetic. Counting 16 bytes per parameter per model-update (three float32 accesses
# plus a gradient), a device that copies memory at $B$ bytes/s can do at most
# $B / (16 \cdot 5.04\text{M})$ model-updates per second, whatever the implementation. We
# measure $B$ with a large device-to-device copy in the same run and report each
# implementation's achieved traffic as a fraction of it. Training $M$ configurations side by
# side in one stack (`glorot.nets.MLPStack`) lets one pass over the data serve them all;
# on a GPU it also turns $M$ small matrix products into one batched product.
#
# The numbers come from `benchmarks/throughput.py`, which writes one JSON file per device
# into `benchmarks/results/`; this page only reads them (nothing here is timed live, so the
# page renders the same on any machine). Re-measure with `make bench`.

# %% tags=["parameters"]
profile = "quick"
results_dir = "../benchmarks/results"

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from glorot import experiments

experiments.config("shapeset_frequencies", profile)  # validates the profile name
files = sorted(Path(results_dir).glob("*.json"))
if not files:
    raise FileNotFoundError(f"no benchmark results in {Path(results_dir).resolve()}: run `make bench` first")
runs = [json.loads(f.read_text()) for f in files]
print(f"{len(runs)} device(s) measured: " + "; ".join(r["device"] for r in runs))

# %% [markdown]
# ## The measured table, per device

# %%
for run in runs:
    rows = pd.DataFrame(run["rows"])
    copy = rows[rows["impl"] == "copy"].iloc[0]
    img = rows[rows["impl"] == "shapeset"].iloc[0]
    train = rows[rows["impl"].isin(["glorot", "baseline"])].copy()
    train["M"] = train["M"].astype(int)
    table = train.pivot_table(index="M", columns="impl", values=["model_updates_per_s", "roofline_fraction"])
    table[("speed-up", "glorot / baseline")] = table[("model_updates_per_s", "glorot")] / table[("model_updates_per_s", "baseline")]
    if "repeats" in train and train["repeats"].notna().all():
        spread = ((train["max"] - train["min"]) / 2 / train["model_updates_per_s"]).max()
        method = (f"Each training rate is the median of {int(train['repeats'].max())} measurements, alternating the two "
                  f"implementations; half their min–max spread reaches {spread:.0%} of the median on this shared machine.")
    else:
        method = "Each training rate is a single measurement (this file predates repeated measurements)."
    display(Markdown(
        f"**{run['device']}**, measured {run['date']} with torch {run['torch_version']}: copy bandwidth "
        f"{copy['bytes_per_s'] / 1e9:.1f} GB/s (read + write), Shapeset-3×2 generation "
        f"{img['images_per_s']:,.0f} images/s, bound {copy['bytes_per_s'] / (run['bytes_per_param_update'] * run['n_parameters']):,.0f} "
        f"model-updates/s. {method}"
    ))
    display(table.round(3))

# %% [markdown]
# ## Achieved against the bound

# %%
fig, axes = plt.subplots(1, len(runs), figsize=(5.5 * len(runs), 3.4), squeeze=False)
for ax, run in zip(axes[0], runs):
    rows = pd.DataFrame(run["rows"])
    bound = rows.loc[rows["impl"] == "copy", "bytes_per_s"].iloc[0] / (run["bytes_per_param_update"] * run["n_parameters"])
    for impl, g in rows[rows["impl"].isin(["glorot", "baseline"])].groupby("impl"):
        ax.plot(g["M"], g["model_updates_per_s"], "o-", label=impl)
    ax.axhline(bound, color="k", ls="--", lw=1, label="copy-bandwidth bound")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("models trained side by side, M")
    ax.set_ylabel("model-updates/s (all models)")
    ax.set_title(run["device"][:60], fontsize=9)
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What the paper-scale experiments cost
#
# From the measured rates, the time one device needs for the Fig. 11 grid at the paper's
# budget (7 curves × 2.5 million updates, without the learning-rate search and the periodic
# test evaluations): an estimate from the throughput above, not a timed run.

# %%
grid = 7 * 2_500_000
est = []
for run in runs:
    rows = pd.DataFrame(run["rows"])
    for impl in ("glorot", "baseline"):
        g = rows[(rows["impl"] == impl) & (rows["M"] == 7)]
        if len(g):
            est.append({"device": run["device"][:60], "impl": impl, "model-updates/s at M=7": round(g["model_updates_per_s"].iloc[0], 1),
                        "Fig. 11 grid, hours": round(grid / g["model_updates_per_s"].iloc[0] / 3600, 1)})
display(pd.DataFrame(est))

# %% [markdown]
# ## What is not measured yet

# %%
gpus = [r["device"] for r in runs if not r["device"].startswith("CPU")]
display(Markdown(
    f"GPU results in this build: {', '.join(gpus)}." if gpus else
    "**No GPU result in this build.** No GPU was available when these benchmarks were run, so the GPU "
    "rows (`python benchmarks/throughput.py --device cuda --models 1 7 32 128` on an H100 or H200) and the "
    "wall time of an actual paper-scale Fig. 11 run are missing. The design notes expect cuBLAS to reach "
    "about half the copy bandwidth on these skinny shapes, and fused kernels to go further."
))
