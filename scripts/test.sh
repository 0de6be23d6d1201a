#!/usr/bin/env bash
# Runs the whole suite on a fresh Debian machine (root, Node 20): installs redis-server,
# postgresql, promtool, chromium and node_modules when missing, builds, lints, then runs Jest,
# then the engine's core suites once on a Redis Sentinel group and once on a Redis Cluster
# (scripts/test-topologies.sh; TEST_TOPOLOGIES="" skips them). Arguments are passed on to Jest,
# in every pass. With TEST_REDIS_URL (TEST_POSTGRES_URL) set, the main pass uses that Redis
# (PostgreSQL) instead of a private redis-server (cluster).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

if [ -n "${TEST_TOPOLOGIES-sentinel cluster}" ] || [ -z "${TEST_REDIS_URL:-}" ]; then
  if ! ensure_redis_server; then
    echo 'redis-server is missing: install it (apt-get install redis-server), or set TEST_REDIS_URL and TEST_TOPOLOGIES=""' >&2
    exit 1
  fi
fi
if [ -z "${TEST_POSTGRES_URL:-}" ] && ! ensure_postgres_server; then
  echo 'PostgreSQL server binaries are missing: install them (apt-get install postgresql) or set TEST_POSTGRES_URL' >&2
  exit 1
fi
if ! ensure_promtool; then
  echo 'promtool is missing: install it (apt-get install prometheus)' >&2
  exit 1
fi
if ! ensure_chromium; then
  echo 'chromium is missing: install it (apt-get install chromium) or set CHROMIUM_PATH' >&2
  exit 1
fi
ensure_node_modules
npm run build
npm run lint
status=0
npx jest --ci "$@" || status=$?
# The topology passes run even when the main pass failed: their failures are told too.
bash scripts/test-topologies.sh "$@" || status=1
exit $status
