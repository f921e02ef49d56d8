#!/usr/bin/env bash
# The long runs of §5's finite datasets (issue 23): the SVM baseline and Fig. 12's protocol on
# the mnist-5k substitute, one torch thread each, checkpointing into runs/checkpoints; run beside
# long_campaign.sh (one core each). Re-running it skips what is archived, resumes what is not.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GLOROT_CHECKPOINTS="$PWD/runs/checkpoints" OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 TQDM_DISABLE=1
run() { echo "== $(date -u +%FT%TZ) start: $*"; nice -n 5 .venv/bin/python -m glorot run "$@" --allow-long; echo "== $(date -u +%FT%TZ) done: $1"; }
for name in svm_baseline finite_curves; do
    run "$name" --profile long
done
