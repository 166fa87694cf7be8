#!/usr/bin/env bash
# Runs the Redis-using tests against a local Redis Cluster (3 masters, one
# replica each) made of redis-server processes on free ports in a temporary
# folder (no containers), then stops them.
#
#   scripts/test-redis-cluster.sh                 # the default selection
#   scripts/test-redis-cluster.sh ./graph -run 'TestMySessions'
#
# Needs redis-server (with cluster support) and redis-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
free_port() { # a port p with p and p+10000 (the cluster bus) free
	while :; do
		p=$((20000 + RANDOM % 25000))
		if ! (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null && ! (echo >/dev/tcp/127.0.0.1/$((p + 10000))) 2>/dev/null; then
			echo $p
			return
		fi
	done
}
addrs=()
for _ in 1 2 3 4 5 6; do
	p=$(free_port)
	mkdir -p "$dir/$p"
	redis-server --port "$p" --bind 127.0.0.1 --dir "$dir/$p" --save "" --appendonly no \
		--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
		--logfile "$dir/$p/redis.log" --daemonize no 2>/dev/null &
	pids+=($!)
	addrs+=("127.0.0.1:$p")
done
for a in "${addrs[@]}"; do
	until redis-cli -p "${a#*:}" ping >/dev/null 2>&1; do sleep 0.1; done
done
redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
for a in "${addrs[@]}"; do
	until redis-cli -p "${a#*:}" cluster info | grep -q 'cluster_state:ok'; do sleep 0.2; done
done
url="redis-cluster://$(IFS=,; echo "${addrs[*]}")"
echo "REDIS_URL=$url" >&2
export REDIS_URL=$url
if [ $# -gt 0 ]; then
	go test "$@" -count=1
	exit
fi
status=0
go test ./kv/... ./auth/... ./events/... -count=1 || status=1
go test ./server/... ./graph -count=1 -run 'TestRateLimit|TestMySessions|TestChanges|TestRevocationAcrossProcesses|TestPersistedQueries|TestLoginLimitPerAccount|TestAPILimitKeys' || status=1
exit $status
