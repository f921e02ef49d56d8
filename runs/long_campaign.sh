#!/usr/bin/env bash
# The long campaign (issue 23), one run after another on one torch thread, checkpointing into
# runs/checkpoints (committed between sessions). Re-running it skips what is archived and
# resumes what is half done. The search comes first: the other runs use the rates it chose
# (runs/long_rates.py prints them as --set options).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GLOROT_CHECKPOINTS="$PWD/runs/checkpoints" OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 TQDM_DISABLE=1
run() { echo "== $(date -u +%FT%TZ) start: $*"; nice -n 5 .venv/bin/python -m glorot run "$@" --allow-long; echo "== $(date -u +%FT%TZ) done: $1"; }
# a run started by an earlier copy of this script may still be training: wait for it
while pgrep -f "glorot run shapeset_curves --profile search" > /dev/null; do sleep 30; done
run shapeset_curves --profile search
run cost_comparison --profile long
.venv/bin/python runs/long_rates.py | while read -r name sets; do
    # shellcheck disable=SC2086
    eval run "$name" --profile long $sets < /dev/null
done
