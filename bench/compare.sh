#!/usr/bin/env bash
# Compares two builds on the benchmarks of ./bench in alternated runs
# (issue 17.5): BASE, a commit, against the working tree. A shared
# machine's load drifts; alternating the builds (base first in odd pairs,
# second in even ones) lets the drift weigh on both alike, and the
# run-by-run changes show whether a difference is more than the noise.
#
#   bench/compare.sh BASE                          # 5 pairs of the tenant administrator's users pages
#   bench/compare.sh BASE --pairs 8 --bench 'UserProfile/tenant-admin$' --benchtime 1000x
#   bench/compare.sh BASE --out /tmp/runs.out      # also keep the runs' output
#
# Each build runs with its own server binary and benchmark binary, from
# its own source tree (a git worktree of BASE, removed at the end). It
# prints a Markdown table (go run ./bench/compare): each build's median
# [min–max], the median of the pair-by-pair changes, in how many pairs the
# change lowered the figure, and each build's GraphQL ÷ SQL ratios.
#
# Environment: BENCH_DATABASE_URL (default the dedicated database
# tenantadmin_bench on the local PostgreSQL, loaded by bench/run.sh
# --generate), REDIS_URL, BENCH_CONCURRENCY as for bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

export BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tenantadmin_bench?sslmode=disable}"
[ $# -ge 1 ] || { echo "usage: bench/compare.sh BASE [--pairs N] [--bench REGEXP] [--benchtime N] [--out FILE]" >&2; exit 2; }
base="$(git rev-parse --verify "$1^{commit}")"
shift
pairs=5
bench='UsersPage/tenant-admin/(all|role)$'
benchtime=300x
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) pairs="$2"; shift ;;
    --bench) bench="$2"; shift ;;
    --benchtime) benchtime="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

tmp="$(mktemp -d)"
worktree="$tmp/base"
trap 'git worktree remove --force "$worktree" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add --quiet --detach "$worktree" "$base"
(cd "$worktree" && go build -o "$tmp/server-base" ./server && go test -c -o "$tmp/bench-base.test" ./bench)
go build -o "$tmp/server-change" ./server
go test -c -o "$tmp/bench-change.test" ./bench

echo "== base $(git rev-parse --short "$base"), change $(git describe --always --dirty); $pairs pairs of -bench '$bench' -benchtime $benchtime" >&2
for i in $(seq 1 "$pairs"); do
  order="base change"
  [ $((i % 2)) -eq 0 ] && order="change base"
  for build in $order; do
    dir="$PWD/bench"
    [ "$build" = base ] && dir="$worktree/bench"
    echo "=== compare $build $i"
    (cd "$dir" && BENCH_SERVER_BIN="$tmp/server-$build" "$tmp/bench-$build.test" -test.run '^$' \
      -test.bench "$bench" -test.benchtime "$benchtime" -test.timeout 120m) | grep -E '^(Benchmark|--- FAIL|FAIL)' || true
  done
done | tee "$tmp/runs.out" >&2
[ -n "$out" ] && cp "$tmp/runs.out" "$out"
go run ./bench/compare -in "$tmp/runs.out"
