#!/usr/bin/env bash
# Browser end-to-end tests: builds the SPA and the server binary, runs the
# server against a fresh PostgreSQL database and Redis prefix, and drives
# Debian's Chromium through Playwright against it.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "Chromium missing: apt-get install chromium" >&2; exit 1; }

npm run build
mkdir -p artifacts
go build -o artifacts/tenantadmin ./server

admin_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
db="tenantadmin_e2e_$$"
psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
db_url="$(echo "$admin_url" | sed -E "s#/[^/?]+(\?|$)#/$db\1#")"
port=$((20000 + RANDOM % 20000))
export E2E_BASE_URL="http://127.0.0.1:$port"

DATABASE_URL="$db_url" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}" KEY_PREFIX="e2e$$:" \
  DEV_MAILBOX=true ADDR="127.0.0.1:$port" LOG_LEVEL=warn \
  artifacts/tenantadmin >artifacts/e2e-server.log 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 60); do
  curl -fsS "$E2E_BASE_URL/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$E2E_BASE_URL/readyz" >/dev/null || { cat artifacts/e2e-server.log; exit 1; }
# The one-time setup link the server printed: the suite creates the first
# platform administrator through it, like a real operator would.
export E2E_SETUP_TOKEN="$(grep -o 'setup#token=[A-Za-z0-9_-]*' artifacts/e2e-server.log | head -1 | cut -d= -f2)"

BASE_URL="$E2E_BASE_URL" npx playwright test "$@"

echo "== GraphQL over HTTP audit (graphql-http)"
AUDIT_URL="$E2E_BASE_URL/graphql" node scripts/graphql-http-audit.mjs

# Lighthouse budgets of /login and /users (issue 19.7): on the whole suite,
# or when LIGHTHOUSE=1 with a few specs (it takes a few minutes).
if [ $# -eq 0 ] || [ "${LIGHTHOUSE:-0}" = 1 ]; then
  echo "== Lighthouse (mobile, performance)"
  LH_BASE_URL="$E2E_BASE_URL" node scripts/lighthouse.mjs
fi
