#!/usr/bin/env bash
# Runs the k6 load tests against the real server on the 1M-user dataset,
# each with its baseline in the same run, and writes the "load-tests"
# section of BENCHMARKS.md.
#
#   loadtest/run.sh                          # all tests (about 6 minutes)
#   loadtest/run.sh --generate               # load the dataset first (cmd/datagen)
#   loadtest/run.sh -tests users_page,login -duration 10s
#
# Needs k6 (installed with `go install go.k6.io/k6@v1.8.1` when missing),
# PostgreSQL with the dataset (BENCH_DATABASE_URL, default the database
# tenantadmin_bench on the local server) and Redis (REDIS_URL). Other
# arguments go to loadtest/harness (-vus, -subscribers, -event-rate ...).
set -euo pipefail
cd "$(dirname "$0")/.."

export BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tenantadmin_bench?sslmode=disable}"
if [ "${1:-}" = "--generate" ]; then
  shift
  go run ./cmd/datagen -database-url "$BENCH_DATABASE_URL" -reset
fi

k6="$(command -v k6 || true)"
if [ -z "$k6" ]; then
  k6="$(go env GOPATH)/bin/k6"
  [ -x "$k6" ] || go install go.k6.io/k6@v1.8.1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/tenantadmin" ./server
go build -o "$tmp/harness" ./loadtest/harness
cmd="loadtest/run.sh${*:+ $*}"
BENCH_SERVER_BIN="$tmp/tenantadmin" "$tmp/harness" -k6 "$k6" -command "$cmd" "$@"
echo "== wrote section load-tests of BENCHMARKS.md"
