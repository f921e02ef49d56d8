#!/usr/bin/env bash
# The long campaign (issue 23), one run after another on one torch thread, checkpointing into
# runs/checkpoints (committed between sessions). Re-running it skips what is archived and
# resumes what is half done. The long profiles use the rates the search chose
# (glorot.experiments.search_rates.LONG_RATES, checked against the archived search).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GLOROT_CHECKPOINTS="$PWD/runs/checkpoints" OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 TQDM_DISABLE=1
run() { echo "== $(date -u +%FT%TZ) start: $*"; nice -n 5 .venv/bin/python -m glorot run "$@" --allow-long; echo "== $(date -u +%FT%TZ) done: $1"; }
run shapeset_curves --profile search
run cost_comparison --profile long
for name in gradient_dynamics activation_saturation sigmoid_saturation shapeset_curves; do
    run "$name" --profile long
done
