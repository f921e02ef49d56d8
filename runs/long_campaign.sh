#!/usr/bin/env bash
# The long campaign (issue 23), one run after another on one torch thread, checkpointing into
# runs/checkpoints (committed between sessions). Re-running it skips what is archived and
# resumes what is half done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GLOROT_CHECKPOINTS="$PWD/runs/checkpoints" OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 TQDM_DISABLE=1
run() { echo "== $(date -u +%FT%TZ) $*"; nice -n 5 .venv/bin/python -m glorot run "$@" --allow-long; echo "== $(date -u +%FT%TZ) done: $1"; }
run shapeset_curves --profile search
