#!/usr/bin/env bash
# Every measurement of BENCHMARKS.md's summary in one command: the users
# page and HTTP overhead against raw SQL and an echo handler (bench/run.sh),
# then the k6 load tests with their baselines (loadtest/run.sh). Each
# rewrites its own section of BENCHMARKS.md. About 25 minutes.
#
#   bench/all.sh              # the 1M-user dataset must be loaded
#   bench/all.sh --generate   # load it first (go run ./cmd/datagen, about 2.5 min)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--generate" ]; then
  bench/run.sh --generate --benchtime 100x
else
  bench/run.sh --benchtime 100x
fi
loadtest/run.sh
