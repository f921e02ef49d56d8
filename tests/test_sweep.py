"""Sweeps on a real Dask cluster (``python -m glorot sweep``, :mod:`glorot.sweep`,
:mod:`glorot.clusters`, :mod:`glorot.locks`): no mocks.

Each cluster test runs the sweep command in its own process against a real scheduler and
real worker processes on this machine, at the smoke profile cut into chunks of a fixed
number of model-updates, and compares the archive it writes with the serial run's: the
sha256 of every archived table must be the same. (The chunked training itself is compared
with the uninterrupted one to the last bit of every weight in ``tests/test_chunks.py``; here
what is compared is the archive, whose tables are CSV at 8 significant digits.)

* a sweep on a ``LocalCluster`` of 2 workers equals the serial runs; run again, it skips;
* a worker SIGKILLed mid-chunk (fault injection after its 3rd checkpoint): the chunk is
  re-run on the other worker, resumes from the dead worker's checkpoint, and the result
  still equals the serial one;
* the scheduler SIGKILLed mid-sweep: the sweep stops with a clear error (exit code 3),
  nothing half-written is in the archive, and the next sweep resumes from the ledgers;
* two sweeps of the same runs at once on one archive: each run is written once, by one of
  them; the other reports it as archived by another run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glorot import archive, budget, clusters, locks, sweep
from glorot.configs import ConfigError

pytestmark = pytest.mark.slow

RUNS = ("gradient_dynamics", "sigmoid_saturation")
"""Two training experiments whose smoke runs take about a second each."""
CHUNK = "100"
"""Model-updates per chunk: four chunks per run (each run is 400 model-updates at smoke)."""


def _env(root: Path, **extra) -> dict:
    env = os.environ | {"GLOROT_RESULTS": str(root / "results"), "GLOROT_CHECKPOINTS": str(root / "checkpoints"),
                        "PYTHONHASHSEED": "0", "TQDM_DISABLE": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("GLOROT_KILL_AFTER_CHECKPOINTS", None)
    return env | extra


def _sweep_args(cluster: str, *runs: str, chunk: str = CHUNK) -> list[str]:
    return [sys.executable, "-m", "glorot", "sweep", *(runs or RUNS), "--profile", "smoke", "--device", "cpu",
            "--plan-device", "h200", "--chunk-updates", chunk, "--no-progress", "--cluster", cluster]


def _sweep(root: Path, cluster: str = "local", *extra: str, timeout: float = 240, **env):
    args = _sweep_args(cluster) + list(extra)
    return subprocess.run(args, env=_env(root, **env), capture_output=True, text=True, timeout=timeout)


def _sums(root: Path) -> dict:
    """{experiment: (entry folder, {table: sha256})} of every archived run under ``root``."""
    out = {}
    for prov in sorted((root / "results").glob("*/*/provenance.json")):
        p = json.loads(prov.read_text())
        out[prov.parent.parent.name] = (prov.parent.name, p["frame_sha256"])
    return out


def _provenance(root: Path, name: str) -> dict:
    (prov,) = (root / "results" / name).glob("*/provenance.json")
    return json.loads(prov.read_text())


def _statuses(stdout: str) -> dict:
    """{run: status} from the sweep's final table."""
    out = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\w+)\s{2,}(archived elsewhere|archived before|archived|failed|stale|pending)\b", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def _archive_ok(root: Path) -> None:
    table = archive.check_all(root / "results")
    assert (table["status"] == "ok").all(), table.to_string()


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The serial runs of RUNS at the smoke profile, archived, each in one piece."""
    root = tmp_path_factory.mktemp("serial")
    code = ("from glorot import experiments\n"
            f"for name in {list(RUNS)!r}:\n"
            "    experiments.run(name, 'smoke', use_archive=False, save=True)\n")
    subprocess.run([sys.executable, "-c", code], env=_env(root), check=True, capture_output=True, timeout=240)
    sums = _sums(root)
    assert set(sums) == set(RUNS)
    return sums


def _wait_for(predicate, timeout: float, what: str, poll: float = 0.05):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _ledger_lengths(root: Path) -> int:
    return sum(len(json.loads(f.read_text())) for f in (root / "checkpoints").glob("*/*/chunks.json"))


# --------------------------------------------------------------------------- on a cluster


def test_a_smoke_sweep_on_a_local_cluster_equals_the_serial_runs_and_a_second_skips(tmp_path, serial):
    t0 = time.monotonic()
    done = _sweep(tmp_path, "local", "--workers", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    assert _sums(tmp_path) == serial
    _archive_ok(tmp_path)
    for name in RUNS:
        chunks = _provenance(tmp_path, name)["chunks"]
        assert [c["chunk"] for c in chunks] == [1, 2, 3, 4]
        assert [c["status"] for c in chunks] == ["paused"] * 3 + ["finished"]
        assert all(c["worker"] and c["device"].startswith("CPU") and c["wall_time_s"] > 0 for c in chunks)
    assert _statuses(done.stdout) == {n: "archived" for n in RUNS}
    assert not any((tmp_path / "checkpoints").glob("*/*/chunks.json"))  # complete runs leave no checkpoints

    again = _sweep(tmp_path, "local", "--workers", "2")
    assert again.returncode == 0, again.stderr[-3000:]
    assert _statuses(again.stdout) == {n: "archived before" for n in RUNS}
    assert _sums(tmp_path) == serial
    print(f"local sweep and re-run: {time.monotonic() - t0:.1f} s")


def _worker(address: str, root: Path, name: str, *, nanny: bool = True, **env) -> subprocess.Popen:
    args = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--name", name,
            "--no-dashboard", "--death-timeout", "20"] + ([] if nanny else ["--no-nanny"])
    return subprocess.Popen(args, env=_env(root, **env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _kill_group(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait(timeout=30)


def test_a_worker_killed_mid_chunk_is_replaced_and_its_chunk_resumes_from_the_checkpoint(tmp_path, serial):
    from distributed import Client, LocalCluster

    t0 = time.monotonic()
    env = _env(tmp_path)
    with LocalCluster(n_workers=0, threads_per_worker=1, processes=True, dashboard_address=":0",
                      env={k: env[k] for k in ("GLOROT_RESULTS", "GLOROT_CHECKPOINTS", "PYTHONHASHSEED")}) as cluster, \
            Client(cluster) as client:
        # The first worker dies by SIGKILL right after its 3rd checkpoint: update 30 of chunk 1
        # (gradient_dynamics checkpoints every 10 updates; chunks are 100 model-updates of 2 models).
        doomed = _worker(cluster.scheduler_address, tmp_path, "doomed", nanny=False, GLOROT_KILL_AFTER_CHECKPOINTS="3")
        try:
            client.wait_for_workers(1, timeout=60)
            run = subprocess.Popen(_sweep_args(cluster.scheduler_address, "gradient_dynamics", chunk="200"), env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            _wait_for(lambda: any(client.processing().values()), 120, "the doomed worker to start chunk 1")
            cluster.scale(1)  # the other worker joins while the first one trains
            assert doomed.wait(timeout=120) == -signal.SIGKILL
            out, err = run.communicate(timeout=240)
        finally:
            _kill_group(doomed)
    assert run.returncode == 0, err[-3000:]
    assert "chunk 1 resumed a half-done chunk from its checkpoint" in out
    assert _sums(tmp_path)["gradient_dynamics"] == serial["gradient_dynamics"]
    chunks = _provenance(tmp_path, "gradient_dynamics")["chunks"]
    assert chunks[-1]["status"] == "finished" and len(chunks) >= 2
    _archive_ok(tmp_path)
    print(f"killed-worker sweep: {time.monotonic() - t0:.1f} s")


def test_the_scheduler_gone_mid_sweep_stops_it_cleanly_and_the_next_sweep_resumes(tmp_path, serial):
    t0 = time.monotonic()
    scheduler_file = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--scheduler-file",
                                  str(scheduler_file), "--port", "0", "--no-dashboard"], env=_env(tmp_path),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    workers = []
    try:
        _wait_for(lambda: scheduler_file.exists() and scheduler_file.read_text().strip(), 60, "the scheduler")
        address = json.loads(scheduler_file.read_text())["address"]
        workers = [_worker(address, tmp_path, f"w{i}") for i in range(2)]
        run = subprocess.Popen(_sweep_args(address, chunk="50"), env=_env(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        _wait_for(lambda: _ledger_lengths(tmp_path) >= 2, 180, "two chunks to finish")
        os.killpg(scheduler.pid, signal.SIGKILL)
        t_kill = time.monotonic()
        out, err = run.communicate(timeout=120)
        stopped_after = time.monotonic() - t_kill
    finally:
        for p in [scheduler, *workers]:
            _kill_group(p)
    assert run.returncode == 3, (out[-2000:], err[-3000:])
    assert "lost the connection to the Dask scheduler" in err and "re-run the same sweep command" in err
    assert "Traceback" not in err
    # Nothing half-written: every entry there is complete and checks out; the rest is in the ledgers.
    _archive_ok(tmp_path)
    unfinished = [n for n in RUNS if n not in _sums(tmp_path)]
    assert unfinished, "the sweep finished before the scheduler was killed: nothing was tested"
    assert _ledger_lengths(tmp_path) >= 1

    resumed = _sweep(tmp_path, "local", "--workers", "2")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert _sums(tmp_path) == serial
    chunks_run = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s{2,}archived\s+(\d+)", resumed.stdout, re.M)}
    assert any(chunks_run[n] < 8 for n in unfinished), resumed.stdout  # went on from the ledger, not from the start
    _archive_ok(tmp_path)
    print(f"scheduler-gone sweep: stopped {stopped_after:.1f} s after the kill; whole test {time.monotonic() - t0:.1f} s")


def test_two_sweeps_at_once_write_each_entry_once_and_the_other_reports_it(tmp_path, serial):
    t0 = time.monotonic()
    env = _env(tmp_path)
    procs = [subprocess.Popen(_sweep_args("local") + ["--workers", "1"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
    statuses = [_statuses(out) for out, _ in outs]
    for name in RUNS:
        pair = sorted(s[name] for s in statuses)
        assert pair[0] == "archived" and pair[1] in ("archived before", "archived elsewhere"), (name, pair)
    assert any("archived elsewhere" in s.values() for s in statuses), statuses  # they did overlap
    assert "archived meanwhile by another run" in outs[0][0] + outs[1][0]
    assert _sums(tmp_path) == serial
    _archive_ok(tmp_path)
    assert not list((tmp_path / "results").glob("*/.*-tmp-*"))
    print(f"two concurrent sweeps: {time.monotonic() - t0:.1f} s")


# --------------------------------------------------------------------------- without a cluster


def test_a_lock_waits_for_its_holder_and_is_freed_when_the_holder_is_killed(tmp_path):
    path = tmp_path / "run.lock"
    code = ("import sys, time\nfrom glorot import locks\n"
            f"with locks.exclusive({str(path)!r}):\n    print('held', flush=True)\n    time.sleep(600)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert f"process {holder.pid}" in locks.holder_of(path)
        holder.kill()
        holder.wait(timeout=30)
        with locks.exclusive(path, poll_s=0.05) as held:
            assert held.waited_s < 5
            assert f"process {os.getpid()}" in locks.holder_of(path)
    finally:
        holder.kill()


def test_plan_sweep_makes_the_grid_dedupes_and_recuts():
    plan = sweep.plan_sweep("smoke", ["gradient_dynamics", "cost_surface"], "h200", chunk_updates=150,
                            grid={"seed": [0, 1]})
    labels = [r.label for r in plan.runs]
    assert labels.count("gradient_dynamics [seed=0]") == 1 and "gradient_dynamics [seed=1]" in labels
    surface = [r for r in plan.runs if r.experiment == "cost_surface"]
    gd = [r for r in plan.runs if r.experiment == "gradient_dynamics"][0]
    assert gd.chunk_updates == (150, 150, 100) and abs(sum(gd.chunk_minutes) - gd.minutes) < 1e-12
    assert all(not r.chunk_updates and r.n_chunks == 1 for r in surface)  # nothing trained: one task, whole
    assert len({r.key for r in plan.runs}) == len(plan.runs)
    assert "all runs" in plan.table()


def test_plan_sweep_rejects_bad_input_before_any_compute():
    with pytest.raises(ConfigError, match="none of"):
        sweep.plan_sweep("smoke", ["gradient_dynamics"], "h200", colour="red")
    with pytest.raises(ConfigError, match="non-empty list"):
        sweep.plan_sweep("smoke", ["gradient_dynamics"], "h200", grid={"seed": 3})
    with pytest.raises(ConfigError, match="twice"):
        sweep.plan_sweep("smoke", ["gradient_dynamics"], "h200", grid={"seed": [1, 1]})
    with pytest.raises(ConfigError, match="chunk_updates"):
        sweep.plan_sweep("smoke", ["gradient_dynamics"], "h200", chunk_updates=0)
    with pytest.raises(ValueError, match="unknown experiment"):
        sweep.plan_sweep("smoke", ["no_such"], "h200")


def test_the_schedule_is_bounded_by_the_longest_run_and_the_share_per_device():
    plan = sweep.plan_sweep("paper", None, "h200")
    total, longest = plan.total_minutes(), max(r.minutes for r in plan.runs)
    assert sweep.schedule_minutes(plan, 1) == pytest.approx(total)
    for n in (2, 4, 16):
        t = sweep.schedule_minutes(plan, n)
        assert max(total / n, longest) - 1e-9 <= t <= total / n + longest
    assert sweep.schedule_minutes(plan, 64) == pytest.approx(longest)
    with pytest.raises(ConfigError):
        sweep.schedule_minutes(plan, 0)


def test_a_sweep_longer_than_the_limit_on_its_devices_needs_allow_long():
    plan = sweep.plan_sweep("paper", None, "h200")
    assert plan.total_minutes() * 60 > budget.LIMIT_S  # hours on one GPU
    with pytest.raises(ConfigError, match=r"--allow-long.*") as refused:
        sweep.check_duration(plan, 1)
    assert "device-hours" in str(refused.value)
    assert sweep.check_duration(plan, 1, allow_long=True) == pytest.approx(plan.total_minutes())
    with pytest.raises(ConfigError, match="allow_long must be True or False"):
        sweep.check_duration(plan, 1, allow_long="yes")
    short = sweep.plan_sweep("paper", ["gradient_dynamics"], "h200")
    assert short.total_minutes() * 60 < budget.LIMIT_S
    assert sweep.check_duration(short, 1) == pytest.approx(short.total_minutes())


# plan_printed: refused only once the plan is built (the scheduler answers nothing; the plan is too long)
@pytest.mark.parametrize("args, message, plan_printed", [
    (["--workers", "0"], "workers must be a whole number", False),
    (["--device", "tpu"], "--device must be cpu or cuda", False),
    (["--grid", "seed=3"], "non-empty list", False),
    (["--device", "cpu", "--gpus-per-worker", "1"], "--gpus-per-worker is for --device cuda", False),
    (["--cluster", "nowhere"], "scheduler's address", False),
    (["--cluster", "tcp://127.0.0.1:9"], "no Dask scheduler answers", True),
    (["--walltime", "ten hours", "--cluster", "slurm"], "walltime must be", False),
    (["--device", "cuda", "--workers", "2"], "--cluster local --device cuda takes --workers 1", False),
    (["--chunk-minutes", "nan"], "chunk_minutes must be", False),
    (["--set", "width=1e12"], "width must be an integer", False),
    (["--profile", "paper", "--grid", "seed=[0,1,2,3,4,5,6,7,8,9]"], "pass --allow-long", True),
])
def test_the_sweep_command_refuses_bad_options_with_a_clear_error(tmp_path, args, message, plan_printed):
    base = [sys.executable, "-m", "glorot", "sweep", "gradient_dynamics", "--profile", "smoke", "--device", "cpu",
            "--plan-device", "h200", "--cluster", "local"]
    done = subprocess.run(base + args, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and message in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "results").exists()
    if plan_printed:
        assert "chunks" in done.stdout, "the plan is printed before the refusal that needs it"
    else:
        assert "chunks" not in done.stdout, "the options are checked before the plan is built and printed"


def test_slurm_jobs_ask_for_the_partition_account_walltime_and_gpus(tmp_path):
    from dask_jobqueue import SLURMCluster

    options = clusters.slurm_options(4, 2, partition="gpu", account="proj42", walltime="04:00:00",
                                     job_options=("--qos=short",), env=sweep.worker_env())
    with SLURMCluster(**options) as cluster:
        script = cluster.job_script()
    for line in ("#SBATCH -p gpu", "#SBATCH -A proj42", "#SBATCH -t 04:00:00", "#SBATCH --gres=gpu:2",
                 "#SBATCH --qos=short", "#SBATCH --cpus-per-task=8", "--resources GPU=2", "--nthreads 2 ",
                 "export GLOROT_RESULTS=", sys.executable):
        assert line in script, (line, script)
    assert script.count("--nthreads") == 1, script
    with pytest.raises(ConfigError, match="walltime"):
        clusters.slurm_options(walltime="2h")
    with pytest.raises(ConfigError, match="partition"):
        clusters.slurm_options(partition="gpu; rm -rf /")
    with pytest.raises(ConfigError, match="SLURM option"):
        clusters.slurm_options(job_options=("--qos=short\nrm -rf /",))
