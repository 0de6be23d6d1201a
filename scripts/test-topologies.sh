#!/usr/bin/env bash
# Runs the engine's core suites (task lifecycle, priority, revoke and terminate, beat, the REST
# API's task endpoints) once on a real Redis Sentinel group and once on a real 3+3 Redis Cluster,
# each started by Jest's global setup (TEST_REDIS_TOPOLOGY). Expects a build (dist/) and
# redis-server; arguments are passed on to Jest. TEST_TOPOLOGIES chooses the passes
# (default "sentinel cluster"). Fails when any pass fails, after running them all.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CORE_SUITES=(
  test/task-lifecycle.e2e.ts
  test/priority.e2e.ts
  test/beat.e2e.ts
  test/api-tasks.e2e.ts
  test/inspect.e2e.ts
)

status=0
for topology in ${TEST_TOPOLOGIES-sentinel cluster}; do
  echo "==> core suites on Redis topology: $topology" >&2
  started=$SECONDS
  # The pass starts its own topology: a TEST_REDIS_URL given for the main pass is not used.
  if ! env -u TEST_REDIS_URL TEST_REDIS_TOPOLOGY="$topology" \
    npx jest --ci "$@" "${CORE_SUITES[@]}"; then
    echo "==> core suites FAILED on $topology" >&2
    status=1
  fi
  echo "==> $topology pass: $((SECONDS - started)) s" >&2
done
exit $status
