"""Command line: run a named experiment without any notebook machinery (GPU machines have
torch but not Jupyter), store it in the results archive, and check the archive.

    python -m glorot list                                  experiments, profiles and every knob
    python -m glorot run init_statistics --profile quick --set activation='"softsign"'
    python -m glorot run gradient_dynamics --profile paper --device cuda
    python -m glorot run shapeset_curves --profile paper --allow-long   (hours on a CPU)
    python -m glorot archive check                         every archived entry: ok / stale / corrupt

``--set KEY=VALUE`` takes JSON values (``0.01``, ``[0.1, 0.3]``, ``"tanh"``); a value that is
not JSON is passed as a string, and the experiment's typed configuration then says whether
it is valid.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import archive, experiments


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _list() -> int:
    for name, exp in experiments.EXPERIMENTS.items():
        print(f"{name:24s} {exp.paper}")
        for profile in experiments.PROFILES:
            cfg = exp.defaults(profile).to_dict()
            print(f"    {profile:6s} {json.dumps(cfg)}")
        for knob_name, k in exp.config_class.knobs().items():
            print(f"        {knob_name}: {k.describe()}" + (f"; {k.doc}" if k.doc else ""))
    return 0


def _run(args, parser) -> int:
    overrides = {}
    for item in args.set:
        if "=" not in item:
            parser.error(f"--set expects KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        overrides[key] = _parse_value(value)
    try:
        result = experiments.run(args.experiment, args.profile, device=args.device, use_archive=not args.force,
                                 save=not args.no_save, allow_long=args.allow_long, **overrides)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(result.scale())
    for name, df in result.frames.items():
        print(f"{name}: {len(df)} rows")
    return 0


def _archive_check() -> int:
    table = archive.check_all()
    print(archive.format_check(table))
    return 1 if (table["status"] == "corrupt").any() else 0


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
    a = sub.add_parser("archive", help="check the results archive")
    a.add_argument("action", choices=["check"])
    args = parser.parse_args(argv)

    if args.command == "list":
        return _list()
    if args.command == "archive":
        return _archive_check()
    return _run(args, parser)


if __name__ == "__main__":
    sys.exit(main())
