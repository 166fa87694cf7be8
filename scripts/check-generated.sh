#!/usr/bin/env bash
# Regenerates gqlgen (and the SPA's GraphQL types when set up) and fails if
# the committed generated code differs.
set -euo pipefail
cd "$(dirname "$0")/.."
go generate ./...
# go.mod lists what the code imports, direct requirements as direct.
go mod tidy -diff || { echo "go.mod is not tidy: run 'go mod tidy' and commit" >&2; exit 1; }
npm run --silent codegen >/dev/null
if ! git diff --exit-code --stat -- graph frontend/src/gql || [ -n "$(git status --porcelain -- graph frontend/src/gql)" ]; then
  git status --porcelain -- graph frontend/src/gql
  echo "generated code is out of date: run 'go generate ./... && npm run codegen' and commit" >&2
  exit 1
fi
