# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Appendix: Running the paper's grid on a cluster
#
# The results of {cite:t}`glorot2010understanding` rest on a grid of long runs. The learning rate is chosen per model on
# validation error "after a large number of updates (5 million)", and each network trains for
# {glue:text}`paper_updates:,d` updates of batch 10, for every activation and initialization,
# depth and dataset of §2 and §5. One GPU can run the book's `paper` profile. A reader who
# wants more (Table 1 with more seeds, the learning-rate search on all four datasets, other
# activations and depths) has a cluster, usually SLURM, and should be able to hand the grid to
# it. This page gives the commands for one GPU, for a SLURM cluster and for a Dask scheduler
# that is already running, and what the plan of each sweep costs in GPU-hours.
#
# **How a sweep runs.** `python -m glorot sweep` runs the plan of {doc}`09_performance` on
# [Dask](https://distributed.dask.org) workers:
#
# - The plan cuts every run into **chunks** of at most {glue:text}`chunk_minutes:g` minutes on
#   the planned device (`glorot.experiments.plan`). Each chunk is one Dask task that needs one
#   device (`resources={"GPU": 1}` on GPU workers).
# - The chunks of one run go one after another, because each resumes the run from the
#   checkpoints the previous one wrote. Different runs go side by side on as many workers as
#   there are.
# - A task first takes the run's lock, a file next to its archive entry
#   (`glorot.locks.exclusive`, `flock(2)`). It then trains its share of the run and saves.
# - The chunk that completes the run writes the archive entry. Its provenance lists every
#   chunk's worker, device and wall time.
# - A resumed run equals one that never stopped. The entry is therefore the one a single
#   uninterrupted run on one machine writes: the same configuration hash, the same tables, bit
#   for bit on the CPU.
#
# **Parameters.** `plan_profile` is the profile whose plan is costed and `plan_device` the
# device model it is costed on: `h200` or `h100` (roofline models), or `cpu` (calibrated live
# on the machine that runs the page). `gpu_counts` are the cluster sizes costed, and
# `extra_seeds` the number of seeds of the larger sweep below. `profile` (the book's smoke run
# sets it) changes nothing here: no cell of this page trains anything or starts a sweep.

# %% tags=["parameters"]
profile = "quick"
plan_profile = "paper"
plan_device = "h200"
gpu_counts = [1, 2, 4, 8, 16]
extra_seeds = 10

# %% tags=["remove-cell"]
import re

import pandas as pd

from glorot import budget, clusters, experiments, pages, paper, plots_perf, sweep
from glorot.experiments import plan as plans

experiments.config("shapeset_frequencies", profile)  # validates the profile name
experiments.config("shapeset_frequencies", plan_profile)  # and the plan's
if plan_device not in (*budget.GPU_MODELS, "cpu"):
    raise ValueError(f"plan_device must be one of {sorted(budget.GPU_MODELS) + ['cpu']}, got {plan_device!r}")
if (not isinstance(gpu_counts, (list, tuple)) or not gpu_counts
        or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 10_000 for n in gpu_counts)):
    raise ValueError(f"gpu_counts must be a non-empty list of whole numbers in [1, 10,000], got {gpu_counts!r}")
if isinstance(extra_seeds, bool) or not isinstance(extra_seeds, int) or not 1 <= extra_seeds <= 100:
    raise ValueError(f"extra_seeds must be a whole number in [1, 100], got {extra_seeds!r}")
gpu_counts = sorted(set(gpu_counts))
pages.glue_all(paper_updates=paper.PAPER_EXAMPLES // 10, chunk_minutes=plans.CHUNK_MINUTES)

# %% [markdown]
# ## The plan of the paper profile
#
# `python -m glorot sweep --profile paper --dry-run` prints the sweep's plan and stops. The
# plan has one line per run, with its chunks and its estimated minutes on the planned device
# ({numref}`tbl-cluster-plan`). {glue:md}`plan_summary:myst`
#
# :::{table} The sweep of the paper profile: its runs, their chunks and estimated minutes. {glue:md}`tbl_plan_caption`
# :name: tbl-cluster-plan
#
# ```{glue:md} tbl_plan
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
plan = sweep.plan_sweep(plan_profile, None, plan_device)
is_model = plan_device in budget.GPU_MODELS
device_words = (f"an {budget.GPU_MODELS[plan_device].name}" if is_model else "this machine's CPU")


def plan_frame(p: sweep.SweepPlan) -> pd.DataFrame:
    """One row per run of ``p``, and a total."""
    rows = [{"run": f"`{r.label}`", "chunks": r.n_chunks,
             "model-updates": f"{sum(r.chunk_updates):,}" if r.chunk_updates else "–",
             "est. minutes": f"{r.minutes:.1f}"} for r in p.runs]
    rows.append({"run": "**all runs**", "chunks": p.n_chunks, "model-updates": "",
                 "est. minutes": f"**{p.total_minutes():.1f}**"})
    return pd.DataFrame(rows)


def hours(minutes: float) -> str:
    return f"{minutes / 60:.1f} GPU-hours" if is_model else f"{minutes / 60:.1f} CPU-hours"


pages.glue("tbl_plan", plan_frame(plan))
longest = max(plan.runs, key=lambda r: r.minutes)
pages.glue("plan_summary", (
    f"The `{plan_profile}` profile is {len(plan.runs)} training runs in {plan.n_chunks} chunks, about "
    f"**{hours(plan.total_minutes())}** on {device_words}"
    + (" by the roofline model of {doc}`09_performance`: an estimate for planning, not a measurement. "
       if is_model else ", from a calibration of a few real SGD steps on it. ")
    + f"The longest run, `{longest.label}` ({longest.minutes:.0f} minutes in {longest.n_chunks} chunks), holds "
    f"{longest.minutes / plan.total_minutes():.0%} of it. The experiments that train nothing (the class "
    "frequencies, the cost surface, the initialization statistics and the variance propagation) are not part of the "
    "plan: `python -m glorot run NAME --profile paper` computes each in seconds to minutes."))
pages.glue("tbl_plan_caption", pages.caption(
    f"Plan of profile `{plan_profile}` on {device_words}, from `glorot.sweep.plan_sweep` as `python -m glorot sweep "
    f"--profile {plan_profile} --dry-run` prints it",
    f"Estimates from the {plan.method}" + ("" if plan.method.endswith("measurement") or not is_model else
                                           ", not a measurement"),
    f"Paper: the same runs (§2, §5; {paper.PAPER_EXAMPLES // 10:,} updates of batch 10 per curve); it reports no times",
    "Nothing on this page has been run on a cluster: these are the plan's numbers"))

# %% [markdown]
# ## How long on how many GPUs
#
# The runs of a sweep are independent, but the chunks of one run are not. More GPUs shorten a
# sweep only until its longest run is the whole of it.
# {numref}`fig-cluster-schedule` shows the wall time of two sweeps as the number of GPUs
# grows:
#
# - the paper profile above;
# - a larger sweep of Table 1, with {glue:text}`extra_seeds` seeds instead of the paper
#   profile's {glue:text}`paper_seeds` and the finite datasets' learning-rate search on MNIST,
#   CIFAR-10 and Small-ImageNet ({numref}`tbl-cluster-grid`).
#
# The wall times come from `glorot.sweep.schedule_minutes`: the runs are taken longest first,
# and each goes to the GPU that frees up first. {glue:md}`schedule_summary`
#
# ```{glue:figure} fig_schedule
# :name: fig-cluster-schedule
#
# Estimated wall time of two sweeps against the number of GPUs. {glue:md}`fig_schedule_caption`
# ```
#
# :::{table} The larger sweep: Table 1 with more seeds, on every dataset. {glue:md}`tbl_grid_caption`
# :name: tbl-cluster-grid
#
# ```{glue:md} tbl_grid
# :format: myst
# ```
# :::

# %% tags=["remove-cell"]
datasets = ["mnist", "cifar10", "small-imagenet"]
shapeset_more = sweep.plan_sweep(plan_profile, ["shapeset_curves"], plan_device, n_seeds=extra_seeds)
finite_more = sweep.plan_sweep(plan_profile, ["finite_curves"], plan_device, grid={"dataset": datasets},
                               n_seeds=extra_seeds)
larger = sweep.SweepPlan(plan_profile, plan_device, plan.method, shapeset_more.runs + finite_more.runs)
sweeps = {f"paper profile ({hours(plan.total_minutes())})": plan,
          f"Table 1, {extra_seeds} seeds, 4 datasets ({hours(larger.total_minutes())})": larger}
schedule = pd.DataFrame([
    {"sweep": name, "gpus": n, "hours": sweep.schedule_minutes(p, n) / 60, "ideal_hours": p.total_minutes() / n / 60,
     "longest_run_hours": max(r.minutes for r in p.runs) / 60}
    for name, p in sweeps.items() for n in gpu_counts])
pages.glue("fig_schedule", plots_perf.sweep_schedule(schedule))
pages.glue("tbl_grid", plan_frame(larger))
pages.glue_all(extra_seeds=extra_seeds, paper_seeds=experiments.config("shapeset_curves", plan_profile).n_seeds)


def saturation_point(p: sweep.SweepPlan) -> str:
    """The fewest GPUs of ``gpu_counts`` at which the sweep takes as long as its longest run."""
    floor = max(r.minutes for r in p.runs)
    at = [n for n in gpu_counts if sweep.schedule_minutes(p, n) <= floor * 1.0001]
    return (f"from {at[0]} GPUs on it takes as long as its longest run, {floor / 60:.1f} hours" if at else
            f"even on {gpu_counts[-1]} GPUs it is still {sweep.schedule_minutes(p, gpu_counts[-1]) / floor:.1f}× "
            "its longest run")


pages.glue("schedule_summary", (
    f"The paper profile takes {sweep.schedule_minutes(plan, gpu_counts[0]) / 60:.1f} hours on {gpu_counts[0]} "
    f"GPU{'s' if gpu_counts[0] > 1 else ''}, and {saturation_point(plan)}: beyond that, GPUs wait. The larger sweep "
    f"takes {sweep.schedule_minutes(larger, gpu_counts[0]) / 60:.1f} hours on {gpu_counts[0]} and "
    f"{sweep.schedule_minutes(larger, gpu_counts[-1]) / 60:.1f} on {gpu_counts[-1]}; "
    f"{saturation_point(larger)}. A run's stack trains all its configurations and seeds side by side "
    "(`glorot.monitoring`), so more seeds make one run longer, not more runs. To spread seeds over GPUs, "
    "give each run its own first seed with `--grid seed='[0,3,6]'`, which makes separate archive entries."))
pages.glue("fig_schedule_caption", pages.caption(
    "Solid: `glorot.sweep.schedule_minutes` (longest run first, onto the GPU that frees first); dashed: the perfect "
    "split, total / GPUs; dotted: the sweep's longest run, whose chunks go in order",
    f"Scale: the plans of profile `{plan_profile}` on {device_words}"
    + (", a roofline model, not measured" if is_model else ", calibrated on this CPU")
    + f"; Table 1's larger sweep with {extra_seeds} seeds per configuration",
    "Paper: reports no times",
    "No sweep of this size has been run: the figure is the plan's arithmetic, not a measurement"))
pages.glue("tbl_grid_caption", pages.caption(
    f"`shapeset_curves` with `n_seeds={extra_seeds}`, and `finite_curves` at each of "
    + pages.and_list(datasets, "`{}`") + f" with `n_seeds={extra_seeds}`; plan on {device_words}",
    f"Estimates from the {plan.method}",
    "Paper: Table 1 and Fig. 12 (§5) over the same datasets; the number of seeds behind its table is not given"))

# %% [markdown]
# ## One GPU: a `LocalCluster`
#
# On a machine with one GPU or several, `--cluster local` starts a Dask `LocalCluster` of one
# worker process with `--gpus-per-worker` GPUs (default 1). It runs that many chunks at once,
# each on a GPU of its own:
#
# ```bash
# python -m glorot sweep --profile paper --dry-run                                  # the plan above; nothing runs
# python -m glorot sweep --profile paper --cluster local --allow-long               # the whole profile on this GPU
# python -m glorot sweep --profile paper --cluster local --gpus-per-worker 4 --allow-long   # 4 GPUs: cuda:0 ... cuda:3
# ```
#
# A sweep whose estimated wall time on its workers is over 30 minutes (the plan's estimate,
# spread over the GPUs it is given) prints its plan and stops, saying so, unless it is given
# `--allow-long`; the same limit holds for one run, `python -m glorot run`.
#
# More than one worker process on one machine (`--workers 2`) is refused on a GPU, because
# processes on one machine would all share its first GPU. On the CPU, `--device cpu
# --workers N` runs N chunks side by side, one core each.
#
# One or more experiment names restrict the sweep to those experiments. `--set KEY=VALUE`
# changes one knob of every run, and `--grid KEY='[...]'` makes one run per value (a
# cartesian product over several `--grid`s). `--chunk-minutes` and `--chunk-updates` cut the
# chunks differently, which does not change the result:
#
# ```bash
# python -m glorot sweep --profile paper finite_curves --grid dataset='["mnist","cifar10"]' --set n_seeds=10 --allow-long
# ```
#
# A bar over the chunks shows what is done and the plan's estimate of the time left. At the
# end, a table gives each run's status (`archived`, `archived before`, `archived elsewhere`,
# `paused`, `failed`), its chunks and the workers that ran them. The exit code is 0 when
# every run is archived, 1 when one failed, 2 for bad input (refused before anything starts)
# and 3 when the scheduler was lost.
#
# ## A SLURM cluster
#
# `--cluster slurm` builds a `dask_jobqueue.SLURMCluster`. Every SLURM job is one Dask worker
# with `--gpus-per-worker` GPUs, and `--workers` jobs are submitted. These options are all it
# takes:
#
# | option | SLURM | default |
# |---|---|---|
# | `--partition NAME` | `#SBATCH -p` | the cluster's default |
# | `--account NAME` | `#SBATCH -A` | none |
# | `--walltime [D-]HH:MM[:SS]` | `#SBATCH -t` | `02:00:00` |
# | `--gpus-per-worker N` | `#SBATCH --gres=gpu:N`, and `N` Dask `GPU` resources | 1 |
# | `--cores N`, `--memory 32GB` | `--cpus-per-task`, `--mem` | 8, 32GB |
# | `--slurm-option '--qos=short'` (repeatable) | any other `#SBATCH` line | none |
#
# ```bash
# python -m glorot sweep --profile paper --cluster slurm --workers 8 \
#     --partition gpu --account myproject --walltime 04:00:00 --allow-long
# ```
#
# Every option is checked before any job is submitted: a walltime of `2h`, a partition name
# holding a `;`, or zero workers each stop the command with what is allowed. For these
# options, dask-jobqueue writes the job script below. {glue:md}`job_script_note`
#
# ```{glue:md} job_script
# ```

# %% tags=["remove-cell"]
example_env = sweep.worker_env() | {"GLOROT_RESULTS": "/shared/glorot/results",
                                    "GLOROT_CHECKPOINTS": "/shared/glorot/checkpoints", "GLOROT_DATA": "/shared/glorot/data"}
try:
    from dask_jobqueue import SLURMCluster
except ImportError:
    pages.glue("job_script", "*(dask-jobqueue is not installed here: `pip install -e \".[cluster]\"` shows the script.)*")
    pages.glue("job_script_note", "It is not shown on this build.")
else:
    options = clusters.slurm_options(8, 1, partition="gpu", account="myproject", walltime="04:00:00",
                                     env=example_env) | {"python": "python", "scheduler_options": {"dashboard_address": ":0"}}
    with SLURMCluster(**options) as example:  # starts a scheduler on this machine; submits nothing
        script = example.job_script()
    script = re.sub(r"tcp://[^\s]+", "tcp://SCHEDULER:PORT", script)
    pages.glue("job_script", f"```bash\n{script.strip()}\n```")
    pages.glue("job_script_note", (
        "It is made here by `clusters.slurm_options` and dask-jobqueue's own `SLURMCluster.job_script()`; nothing "
        "is submitted. For this page, the folders are an example shared filesystem, the Python is `python`, and "
        "the scheduler's address is a placeholder. A real sweep puts in its own: the folders it writes to, its "
        "`sys.executable`, and the address of the scheduler it started."))

# %% [markdown]
# The job script exports the sweep's archive, checkpoint and data folders, so every worker
# writes where the sweep reads. They must be on a filesystem that every node sees and that supports
# `flock` (NFS v4, Lustre mounted with `-o flock`, GPFS). Set them before the command:
# `GLOROT_RESULTS=/shared/glorot/results GLOROT_CHECKPOINTS=/shared/glorot/checkpoints
# GLOROT_DATA=/shared/glorot/data python -m glorot sweep ...`. A worker that writes anywhere else refuses the task and says which
# variable to set. So does a worker running other code (its fingerprint of the experiment's
# module differs from the planner's). The finite datasets' files go into the shared data
# folder ({doc}`08_finite_datasets` says where to get them).
#
# A job that reaches its walltime, or is pre-empted, takes its worker with it. Dask gives the
# task to another worker, which resumes from the last checkpoint the dead one wrote. A
# walltime of a few chunks is enough, and it matches short or pre-emptible queues.
#
# ## A scheduler that is already running
#
# Given an address, `sweep` connects to a running Dask scheduler instead of starting one:
#
# ```bash
# dask scheduler --port 8786                                   # on the head node
# GLOROT_RESULTS=/shared/glorot/results GLOROT_CHECKPOINTS=/shared/glorot/checkpoints \
#     dask worker tcp://head:8786 --nthreads 1 --resources GPU=1   # on each GPU (one per GPU)
# python -m glorot sweep --profile paper --cluster tcp://head:8786 --allow-long
# ```
#
# The workers need the same `GLOROT_DATA` as well when the sweep holds a finite dataset.
# Dask's other deployments (`dask_jobqueue.PBSCluster`, `SGECluster`, `LSFCluster`, Kubernetes)
# start workers the same way. Start the workers with `--resources GPU=1`: without it, a GPU
# chunk waits forever, because it asks for a resource that no worker has. A CPU sweep
# (`--device cpu`) asks for no resource.
#
# ## When something fails
#
# `tests/test_sweep.py` checks each of these on a real `LocalCluster` or a real scheduler and
# real worker processes, with no mocks, at the smoke profile on the CPU:
#
# - **A sweep equals the serial run.** Two workers give archive entries bit for bit equal
#   (sha256 of every table) to the same runs made one after another by `python -m glorot
#   run`. Re-running the command skips them all (`archived before`).
# - **A worker killed mid-chunk** (SIGKILL, as a pre-empted node). Dask re-runs its task on
#   the other worker, which resumes from the dead worker's last checkpoint. The merged entry
#   still equals the serial one.
# - **The scheduler gone mid-sweep.** The command stops within seconds with exit code 3 and
#   says what to do. Nothing is half-written: an archive entry is written whole (into a
#   temporary folder, then renamed) or not at all, and every finished chunk is in its run's
#   checkpoint ledger. The next `sweep` skips what is archived and resumes the rest.
# - **Two sweeps on the same archive at once.** The run's lock lets one of them train it. The
#   other waits, then finds the entry written and reports `archived elsewhere` (or
#   `archived before`, if it looks only after the entry is written). The entry is written
#   once.
#
# ## What is not tested here
#
# - Sweeps have run only on the CPU, on one machine, at the smoke profile. No sweep has run on
#   a GPU or on a real SLURM cluster: the SLURM path is checked up to the job script that
#   dask-jobqueue writes. The GPU-hours above are the plan's estimates, not measurements.
# - A run's provenance names the host of each chunk. The Dask worker (name and address) that
#   ran it is in the sweep's report, not in the archive.
