"""Command line: run a named experiment without any notebook machinery (GPU machines have
torch but not Jupyter) and store it in the results archive.

    python -m glorot list
    python -m glorot run init_statistics --profile paper --device cuda
    python -m glorot run init_statistics --profile quick --set activation=softsign
"""

from __future__ import annotations

import argparse
import json
import sys

from . import experiments


def _parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m glorot", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the experiments and their profiles")
    r = sub.add_parser("run", help="run an experiment and archive it under results/")
    r.add_argument("experiment")
    r.add_argument("--profile", default="quick", help=f"one of {', '.join(experiments.PROFILES)}")
    r.add_argument("--device", default="cpu")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a parameter (JSON values: 0.01, [1,2], \"tanh\")")
    r.add_argument("--no-save", action="store_true", help="do not write the archive")
    r.add_argument("--force", action="store_true", help="recompute even if the archive holds this configuration")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name, exp in experiments.EXPERIMENTS.items():
            print(f"{name:24s} {exp.paper}")
            for profile in experiments.PROFILES:
                print(f"    {profile:6s} {json.dumps(exp.profiles[profile])}")
        return 0

    overrides = {}
    for item in args.set:
        if "=" not in item:
            parser.error(f"--set expects KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        overrides[key] = _parse_value(value)
    try:
        result = experiments.run(args.experiment, args.profile, device=args.device, use_archive=not args.force, save=not args.no_save, **overrides)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(result.scale())
    for name, df in result.frames.items():
        print(f"{name}: {len(df)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
