#!/usr/bin/env bash
# Installs what is needed, builds, and starts everything with `brain up`. Arguments are passed
# on to `brain up`. Without REDIS_URL, `brain up` runs a private redis-server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

if [ -z "${REDIS_URL:-}" ] && ! ensure_redis_server; then
  echo 'warning: redis-server is missing and cannot be installed (not root): set REDIS_URL' >&2
fi
ensure_node_modules
npm run build
exec node bin/brain.js up "$@"
