"""The Dask cluster a sweep runs on (:mod:`glorot.sweep`): one on this machine, a SLURM
allocation, or a scheduler already running.

* :func:`local_cluster`: a ``distributed.LocalCluster`` of worker processes on this machine,
  each running one chunk at a time (one thread; with GPUs, one thread and one ``GPU``
  resource per GPU it owns).
* :func:`slurm_cluster`: a ``dask_jobqueue.SLURMCluster`` whose jobs are the workers, from a
  small set of options: ``partition``, ``account``, ``walltime``, ``gpus_per_worker`` (a
  ``--gres=gpu:N`` request and ``N`` ``GPU`` resources per worker), ``cores`` and ``memory``
  per job, and any further ``#SBATCH`` lines (``job_options``). Every job exports ``env``
  (a sweep passes :func:`glorot.sweep.worker_env`: its archive, checkpoint and data folders,
  which must be on a filesystem the nodes share) and runs this Python (``sys.executable``).
* :func:`connect`: a client of the scheduler at ``ADDRESS`` (``tcp://host:8786``), whose
  workers were started elsewhere (``dask worker ADDRESS --nthreads 1 --resources GPU=1``).

A worker's walltime ending mid-chunk is a killed worker like any other: Dask re-runs the
chunk on another worker, which resumes from the last checkpoint.
"""

from __future__ import annotations

import re
import shlex
import sys

from .configs import ConfigError

KINDS = ("local", "slurm")
"""The clusters :func:`make` builds; anything else is taken as a scheduler's address."""

WALLTIME = re.compile(r"^(\d+-)?\d{1,3}:\d{2}(:\d{2})?\Z")


def _whole(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"{name} must be a whole number in [{lo}, {hi}], got {value!r}")
    return value


def _env(env) -> dict:
    if env is None:
        return {}
    if not isinstance(env, dict) or not all(isinstance(k, str) and re.match(r"^[A-Z_][A-Z0-9_]*\Z", k) for k in env):
        raise ConfigError(f"env must map environment variable names to values, got {env!r}")
    return {k: str(v) for k, v in env.items()}


def check_local(workers, gpus_per_worker) -> tuple[int, int]:
    """``(workers, gpus_per_worker)`` of a local cluster, checked (before any planning or compute)."""
    return _whole("workers", workers, 1, 512), _whole("gpus_per_worker", gpus_per_worker, 0, 16)


def local_cluster(workers: int = 2, gpus_per_worker: int = 0, env: dict | None = None):
    """``workers`` worker processes on this machine (each one thread, or one per GPU), with
    the environment variables ``env`` set (a sweep passes :func:`glorot.sweep.worker_env`)."""
    from distributed import LocalCluster

    workers, gpus = check_local(workers, gpus_per_worker)
    resources = {"GPU": gpus} if gpus else None
    return LocalCluster(n_workers=workers, threads_per_worker=max(1, gpus), processes=True, resources=resources,
                        dashboard_address=":0", env=_env(env))


def slurm_options(workers: int = 1, gpus_per_worker: int = 1, *, partition: str | None = None, account: str | None = None,
                  walltime: str = "02:00:00", cores: int = 8, memory: str = "32GB", job_options: tuple[str, ...] = (),
                  env: dict | None = None) -> dict:
    """The keyword arguments of ``dask_jobqueue.SLURMCluster`` for these options, checked;
    ``env`` is exported in every job script before the worker starts."""
    workers = _whole("workers", workers, 1, 10_000)
    gpus = _whole("gpus_per_worker", gpus_per_worker, 0, 16)
    cores = _whole("cores", cores, 1, 1024)
    if not isinstance(walltime, str) or not WALLTIME.match(walltime):
        raise ConfigError(f"walltime must be SLURM's [D-]HH:MM[:SS], e.g. 02:00:00 or 1-00:00:00, got {walltime!r}")
    if not isinstance(memory, str) or not re.match(r"^\d+(\.\d+)?\s*([KMGT]i?B)\Z", memory):
        raise ConfigError(f"memory must be an amount such as 32GB or 64GiB, got {memory!r}")
    for name, v in (("partition", partition), ("account", account)):
        if v is not None and (not isinstance(v, str) or not re.match(r"^[\w.,-]+\Z", v)):
            raise ConfigError(f"{name} must be a SLURM {name} name (letters, digits, _ . , -), got {v!r}")
    extra = [str(o) for o in job_options]
    for o in extra:
        if not re.match(r"^--?[A-Za-z][\w-]*(=[^\n\r;&|`$]*)?\Z", o):
            raise ConfigError(f"a SLURM option must be one option such as --qos=short or --constraint=a100, got {o!r}")
    if gpus:
        extra.append(f"--gres=gpu:{gpus}")
    env = _env(env)
    return {
        # ``cores`` is dask-jobqueue's worker threads: one per GPU (a chunk holds its device);
        # ``job_cpu`` the CPUs the job books (data generation, evaluation).
        "queue": partition, "account": account, "walltime": walltime, "cores": max(1, gpus), "job_cpu": cores,
        "memory": memory, "processes": 1, "python": sys.executable, "job_extra_directives": extra,
        "worker_extra_args": ["--resources", f"GPU={gpus}"] if gpus else [],
        "job_script_prologue": [f"export {k}={shlex.quote(v)}" for k, v in env.items()],
        "job_name": "glorot-sweep",
    }


def slurm_cluster(workers: int = 1, gpus_per_worker: int = 1, **options):
    """A SLURM cluster of ``workers`` jobs (see :func:`slurm_options`), submitted now."""
    from dask_jobqueue import SLURMCluster

    kwargs = slurm_options(workers, gpus_per_worker, **options)
    cluster = SLURMCluster(**kwargs)
    cluster.scale(jobs=workers)
    return cluster


def check_address(address) -> str:
    """``address``, a scheduler's address such as ``tcp://host:8786``, checked for its form."""
    if not isinstance(address, str) or not re.match(r"^[a-z][a-z0-9+]*://\S+\Z", address):
        raise ConfigError(f"--cluster must be local, slurm or a scheduler's address such as tcp://host:8786, got {address!r}")
    return address


def connect(address: str, timeout_s: float = 30):
    """A client of the running scheduler at ``address``."""
    from distributed import Client

    check_address(address)
    try:
        return Client(address, timeout=timeout_s)
    except (OSError, TimeoutError) as e:
        raise ConfigError(f"no Dask scheduler answers at {address} ({type(e).__name__}: {e}); start one with "
                          f"`dask scheduler` and workers with `dask worker {address} --nthreads 1`") from None


def device_count(client, device: str) -> int:
    """How many chunks the ``client``'s workers run at once: their ``GPU`` resources for
    ``device`` ``cuda``, their threads otherwise (at least 1: workers may still be starting)."""
    workers = client.scheduler_info().get("workers", {}).values()
    if device.startswith("cuda"):
        n = sum(int(w.get("resources", {}).get("GPU", 0)) for w in workers)
    else:
        n = sum(int(w.get("nthreads", 1)) for w in workers)
    return max(1, n)
