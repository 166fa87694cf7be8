#!/usr/bin/env bash
# Runs the read-path benchmarks against the generated dataset and writes the
# results table into BENCHMARKS.md (one section, replaced on every run).
#
#   bench/run.sh                      # benchmarks only (the dataset must be loaded)
#   bench/run.sh --generate           # load the 1M-user dataset first (about 2 min)
#   bench/run.sh --benchtime 100x --bench 'UsersPage/tenant-admin' --section quick
#   bench/run.sh --profile /tmp/prof   # also a 10 s CPU profile of the server per GraphQL case
#   bench/run.sh --runs 5              # each benchmark 5 times: the report prints median [min–max]
#
# Environment: BENCH_DATABASE_URL (default the dedicated database
# tenantadmin_bench on the local PostgreSQL), REDIS_URL (default the local
# Redis), BENCH_CONCURRENCY (concurrent clients, default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

export BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tenantadmin_bench?sslmode=disable}"
generate=false
benchtime=300x
runs=1
bench='UsersPage|HTTP'
section=read-path
title="Read path: users page and HTTP overhead"
note=""
while [ $# -gt 0 ]; do
  case "$1" in
    --generate) generate=true ;;
    --benchtime) benchtime="$2"; shift ;;
    --bench) bench="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --section) section="$2"; shift ;;
    --title) title="$2"; shift ;;
    --note) note="$2"; shift ;;
    --profile) export BENCH_PROFILE_DIR="$2"; mkdir -p "$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if $generate; then
  go run ./cmd/datagen -database-url "$BENCH_DATABASE_URL" -reset
fi

commit="$(git describe --always --dirty)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/tenantadmin" ./server
export BENCH_SERVER_BIN="$tmp/tenantadmin"

cmd="bench/run.sh --benchtime $benchtime --bench '$bench'"
[ "$runs" != 1 ] && cmd="$cmd --runs $runs"
[ "${BENCH_CONCURRENCY:-1}" != 1 ] && cmd="BENCH_CONCURRENCY=$BENCH_CONCURRENCY $cmd"
echo "== $cmd"
go test ./bench -run '^$' -bench "$bench" -benchtime "$benchtime" -count "$runs" -timeout 120m -v | tee "$tmp/bench.out" | grep -E '^(Benchmark.*ns/op|ok|FAIL|---)|viewer ' || true
go run ./bench/report -in "$tmp/bench.out" -out BENCHMARKS.md -section "$section" -title "$title" -command "$cmd" -note "$note" -commit "$commit"
echo "== wrote section $section of BENCHMARKS.md"
