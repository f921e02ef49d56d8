"""Command line: run a named experiment without any notebook machinery (GPU machines have
torch but not Jupyter), store it in the results archive, and check the archive.

    python -m glorot list                                  experiments, profiles and every knob
    python -m glorot run init_statistics --profile quick --set activation='"softsign"'
    python -m glorot run gradient_dynamics --profile paper --device cuda
    python -m glorot run shapeset_curves --profile paper --allow-long   (hours on a CPU)
    python -m glorot archive check                         every archived entry: ok / stale / corrupt
    python -m glorot plan --profile paper --device h200     the paper profile as chunks of <= 9 GPU-minutes
    python -m glorot run-chunk shapeset_curves.1 --profile paper --device cuda   one chunk (resumes, saves)
    python -m glorot sweep --profile paper --cluster local --allow-long     the plan on this machine's GPU
    python -m glorot sweep --profile paper --cluster slurm --workers 8 --partition gpu --walltime 04:00:00 --allow-long
    python -m glorot sweep --profile quick --device cpu --cluster tcp://host:8786 shapeset_curves --grid seed='[0,1,2,3]'

``--set KEY=VALUE`` takes JSON values (``0.01``, ``[0.1, 0.3]``, ``"tanh"``); a value that is
not JSON is passed as a string, and the experiment's typed configuration then says whether
it is valid.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import archive, experiments
from .configs import ConfigError
from .experiments import plan as plans


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _list() -> int:
    for name, exp in experiments.EXPERIMENTS.items():
        print(f"{name:24s} {exp.paper}")
        for profile in (p for p in experiments.PROFILES if p in exp.profiles):
            cfg = exp.defaults(profile).to_dict()
            print(f"    {profile:6s} {json.dumps(cfg)}")
        for knob_name, k in exp.config_class.knobs().items():
            print(f"        {knob_name}: {k.describe()}" + (f"; {k.doc}" if k.doc else ""))
    return 0


def _run(args, parser) -> int:
    overrides = _overrides(args, parser)
    try:
        result = experiments.run(args.experiment, args.profile, device=args.device, use_archive=not args.force,
                                 save=not args.no_save, allow_long=args.allow_long, kernels=args.kernels, tf32=args.tf32,
                                 progress=not args.no_progress, **overrides)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    _print_result(result)
    return 0


def _print_result(result) -> None:
    """Where a run came from (its scale line) and the size of each of its tables."""
    print(result.scale())
    for name, df in result.frames.items():
        print(f"{name}: {len(df)} rows")


def _key_values(items: list[str], parser, option: str = "--set", form: str = "KEY=VALUE") -> dict:
    """``KEY=VALUE`` items of a repeatable option as a dict, each value parsed as JSON."""
    values = {}
    for item in items:
        if "=" not in item:
            parser.error(f"{option} expects {form}, got {item!r}")
        key, value = item.split("=", 1)
        values[key] = _parse_value(value)
    return values


def _overrides(args, parser) -> dict:
    return _key_values(args.set, parser)


def _plan(args, parser) -> int:
    try:
        plan = plans.make_plan(args.profile, args.device, args.chunk_minutes, args.experiments or None, **_overrides(args, parser))
    except ValueError as e:  # ConfigError is one
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(plan.table())
    if plan.chunks:
        print(f"\nrun one with: {plan.chunks[0].command('cpu' if plan.device == 'cpu' else 'cuda')}")
    return 0


def _run_chunk(args, parser) -> int:
    try:
        name, _, index = args.chunk_id.rpartition(".")
        if not name or not index.isdigit():
            raise ConfigError(f"a chunk ID is EXPERIMENT.K (e.g. shapeset_curves.1), got {args.chunk_id!r}")
        overrides = _overrides(args, parser)
        updates = args.model_updates
        if updates is None:
            plan = plans.make_plan(args.profile, args.plan_device or args.device, args.chunk_minutes, [name], **overrides)
            chunks = [c for c in plan.chunks if c.experiment == name]
            updates = chunks[min(int(index), len(chunks)) - 1].model_updates
        result = experiments.registry.run_chunk(name, args.profile, int(index), args.device, model_updates=updates,
                                                seconds=args.minutes * 60, save=not args.no_save, kernels=args.kernels,
                                                tf32=args.tf32, **overrides)
    except ValueError as e:  # ConfigError is one
        print(f"error: {e}", file=sys.stderr)
        return 2
    if result is None:
        print(f"chunk {args.chunk_id} done; the run goes on with chunk {name}.{int(index) + 1}")
        return 0
    _print_result(result)
    return 0


def _sweep(args, parser) -> int:
    """Plan the sweep, start (or reach) the cluster, run it, print the outcome of every run."""
    from . import clusters, sweep

    try:
        device = check_device_name(args.device)
        gpus = args.gpus_per_worker if args.gpus_per_worker is not None else (1 if device == "cuda" else 0)
        if device == "cpu" and gpus:
            raise ConfigError("--gpus-per-worker is for --device cuda; CPU workers run one chunk each at a time")
        if device == "cuda" and not gpus:
            raise ConfigError("--device cuda needs --gpus-per-worker of at least 1")
        if args.cluster == "local" and device == "cuda" and args.workers > 1:
            raise ConfigError(f"--cluster local --device cuda takes --workers 1: the worker processes of one machine all "
                              f"see its GPUs and would share the first; use --workers 1 --gpus-per-worker "
                              f"{args.workers * gpus} (one worker, each chunk on a GPU of its own)")
        if args.cluster == "local":
            clusters.check_local(args.workers, gpus)
        elif args.cluster == "slurm":
            slurm = dict(partition=args.partition, account=args.account, walltime=args.walltime, cores=args.cores,
                         memory=args.memory, job_options=tuple(args.slurm_option), env=sweep.worker_env())
            clusters.slurm_options(args.workers, gpus, **slurm)  # checked before the plan is built
        else:
            clusters.check_address(args.cluster)
        grid = _key_values(args.grid, parser, "--grid", "KEY=[V1,V2,...]")
        plan_device = args.plan_device or ("h200" if device == "cuda" else "cpu")
        plan = sweep.plan_sweep(args.profile, args.experiments or None, plan_device, args.chunk_minutes,
                                args.chunk_updates, grid, **_overrides(args, parser))
        print(plan.table(), flush=True)
        if args.dry_run:
            return 0
        if args.cluster in clusters.KINDS:
            sweep.check_duration(plan, args.workers * max(1, gpus), args.allow_long)
        if args.cluster == "local":
            cluster = clusters.local_cluster(args.workers, gpus, env=sweep.worker_env())
        elif args.cluster == "slurm":
            cluster = clusters.slurm_cluster(args.workers, gpus, **slurm)
        else:
            cluster = None
    except ValueError as e:  # ConfigError is one
        print(f"error: {e}", file=sys.stderr)
        return 2
    from distributed import Client

    try:
        client = clusters.connect(args.cluster) if cluster is None else Client(cluster)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if cluster is None:  # a running scheduler: its workers say how many chunks run at once
        try:
            sweep.check_duration(plan, clusters.device_count(client, device), args.allow_long)
        except ValueError as e:
            _close_quietly(client, cluster)
            print(f"error: {e}", file=sys.stderr)
            return 2
    try:
        report = sweep.run_sweep(client, plan, device, progress=not args.no_progress)
    except sweep.SweepInterrupted as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    finally:
        _close_quietly(client, cluster)
    print(report.table())
    return 0 if report.ok else 1


def _close_quietly(client, cluster) -> None:
    """Close the client (and the cluster this command started), even with the scheduler gone.
    The sweep has said all there is to say by now: Dask's own log records of a close that
    cannot reach a lost scheduler (tracebacks of refused connections) are not printed."""
    import logging

    logging.disable(logging.CRITICAL)
    try:
        for thing in (client, cluster):
            if thing is None:
                continue
            try:
                thing.close(timeout=5) if thing is client else thing.close()
            except Exception:  # noqa: BLE001 - closing after a lost scheduler may fail in many ways; nothing is left to save
                pass
    finally:
        logging.disable(logging.NOTSET)


def check_device_name(device: str) -> str:
    """``cpu`` or ``cuda``: the device of the sweep's workers (which this machine need not have)."""
    if device not in ("cpu", "cuda"):
        raise ConfigError(f"--device must be cpu or cuda (the workers' device), got {device!r}")
    return device


def _archive(args) -> int:
    if args.action == "migrate":
        for entry, what in experiments.registry.migrate(from_commit=args.from_commit):
            print(f"{entry}: {what}")
        return 0
    table = experiments.registry.check_archive()
    print(archive.format_check(table))
    return 1 if (table["status"] == "corrupt").any() else 0


def _execution_options(p) -> None:
    p.add_argument("--kernels", default="torch", choices=["torch", "triton"],
                   help="CUDA backward-and-update: torch's batched products (the reference) or the fused Triton kernel")
    p.add_argument("--tf32", action="store_true", help="TF32 matrix products on CUDA (off: float32, the paper's numbers; "
                   "a TF32 run is never archived, use --no-save)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m glorot", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the experiments, their profiles and every knob with its valid range")
    r = sub.add_parser("run", help="run an experiment and archive it under results/")
    r.add_argument("experiment")
    r.add_argument("--profile", default="quick", help=f"one of {', '.join(experiments.PROFILES)}")
    r.add_argument("--device", default="cpu")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter (JSON values: 0.01, [1,2], \"tanh\")")
    r.add_argument("--no-save", action="store_true", help="do not write the archive")
    r.add_argument("--force", action="store_true", help="recompute even if the archive holds this configuration")
    r.add_argument("--allow-long", action="store_true", help="run even if the estimate is over 30 minutes on this device")
    r.add_argument("--no-progress", action="store_true", help="no progress bar (a training run shows one with an ETA; TQDM_DISABLE=1 also turns it off)")
    for q in (r,):
        _execution_options(q)
    p = sub.add_parser("plan", help="a profile's training runs as chunks of short jobs, with estimated minutes")
    p.add_argument("experiments", nargs="*", help="experiments to plan (default: every training experiment)")
    p.add_argument("--profile", default="paper", help=f"one of {', '.join(experiments.PROFILES)}")
    p.add_argument("--device", default="h200", help="cpu or cuda (calibrated now), or h200 / h100 (roofline model; "
                   "h200:triton for the fused kernels, h200:bound for the bandwidth bound)")
    p.add_argument("--chunk-minutes", type=float, default=plans.CHUNK_MINUTES, help="longest chunk (default 9)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter of every experiment that has it")
    c = sub.add_parser("run-chunk", help="run one chunk of a planned run: resume, train the chunk's share, save")
    c.add_argument("chunk_id", metavar="ID", help="EXPERIMENT.K, as `plan` lists them")
    c.add_argument("--profile", default="paper")
    c.add_argument("--device", default="cuda")
    c.add_argument("--model-updates", type=int, default=None, help="the chunk's work (default: the plan's, for --plan-device)")
    c.add_argument("--plan-device", default=None, help="device whose plan sizes the chunk (default: --device, calibrated now)")
    c.add_argument("--chunk-minutes", type=float, default=plans.CHUNK_MINUTES)
    c.add_argument("--minutes", type=float, default=8.0, help="stop and save after this many minutes whatever is left "
                   "(default 8: time to save within a 9-minute command)")
    c.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    c.add_argument("--no-save", action="store_true", help="do not archive the run when this chunk completes it")
    _execution_options(c)
    w = sub.add_parser("sweep", help="run a profile's plan (or a grid) as Dask tasks: locally, on SLURM or on a scheduler")
    w.add_argument("experiments", nargs="*", help="experiments to run (default: every training experiment)")
    w.add_argument("--profile", default="paper", help=f"one of {', '.join(experiments.PROFILES)}")
    w.add_argument("--cluster", default="local", help="local (worker processes here), slurm (dask-jobqueue), or the "
                   "address of a running scheduler (tcp://host:8786)")
    w.add_argument("--workers", type=int, default=1, help="worker processes (local) or jobs (slurm); default 1")
    w.add_argument("--gpus-per-worker", type=int, default=None, help="GPUs each worker owns (default 1 with --device "
                   "cuda); each chunk asks for one GPU resource")
    w.add_argument("--device", default="cuda", help="the workers' device: cuda (default) or cpu")
    w.add_argument("--plan-device", default=None, help="device the chunks are sized for (default h200's model for "
                   "cuda, calibrated now for cpu); see `plan --device`")
    w.add_argument("--chunk-minutes", type=float, default=plans.CHUNK_MINUTES, help="longest chunk (default 9)")
    w.add_argument("--chunk-updates", type=int, default=None, help="cut every run into chunks of this many "
                   "model-updates instead (exact cuts, whatever the device)")
    w.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter of every "
                   "experiment that has it")
    w.add_argument("--grid", action="append", default=[], metavar="KEY=[V1,...]", help="run every combination of "
                   "these values (repeatable: a cartesian product)")
    w.add_argument("--dry-run", action="store_true", help="print the sweep's plan and stop")
    w.add_argument("--allow-long", action="store_true", help="start the sweep even if its estimated wall time on "
                   "these workers is over 30 minutes")
    w.add_argument("--no-progress", action="store_true", help="no progress bar")
    s_ = w.add_argument_group("slurm", "options of --cluster slurm (each worker is one job)")
    s_.add_argument("--partition", default=None, help="the partition (queue) of the jobs")
    s_.add_argument("--account", default=None, help="the account charged")
    s_.add_argument("--walltime", default="02:00:00", help="each job's time limit, [D-]HH:MM[:SS] (default 02:00:00)")
    s_.add_argument("--cores", type=int, default=8, help="CPU cores per job (default 8)")
    s_.add_argument("--memory", default="32GB", help="memory per job (default 32GB)")
    s_.add_argument("--slurm-option", action="append", default=[], metavar="OPTION",
                    help="a further #SBATCH line, e.g. --slurm-option=--qos=short (repeatable)")
    a = sub.add_parser("archive", help="check the results archive (each entry re-judged by its behavioural probe)")
    a.add_argument("action", choices=["check", "migrate"], help="check: ok / stale / corrupt per entry; migrate: record a "
                   "behavioural probe in the entries made before probes, where --from-commit's code made them")
    a.add_argument("--from-commit", default="HEAD", help="migrate: the commit whose code must have made an entry (default HEAD)")
    args = parser.parse_args(argv)

    if args.command == "list":
        return _list()
    if args.command == "archive":
        return _archive(args)
    if args.command == "plan":
        return _plan(args, parser)
    if args.command == "run-chunk":
        return _run_chunk(args, parser)
    if args.command == "sweep":
        return _sweep(args, parser)
    return _run(args, parser)


if __name__ == "__main__":
    sys.exit(main())
