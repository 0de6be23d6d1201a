# Helpers shared by scripts/test.sh and scripts/up.sh. Source it from the repository root.

# Installs redis-server with apt-get when it is missing and we are root.
# Returns 1 when redis-server is still missing.
ensure_redis_server() {
  command -v redis-server >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo '==> installing redis-server (apt-get)' >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server
    return 0
  fi
  return 1
}

# Installs the PostgreSQL server (Debian package postgresql) with apt-get when no
# /usr/lib/postgresql/*/bin/initdb exists and we are root; the tests start a private cluster with
# those binaries. Installing may also start Debian's own cluster on port 5432: harmless.
# Returns 1 when the binaries are still missing.
ensure_postgres_server() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo '==> installing postgresql (apt-get)' >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  fi
  return 1
}

# Installs Debian's chromium with apt-get when it is missing and we are root: the monitoring UI's
# browser test drives it headless with playwright-core (which cannot download a browser here).
# Returns 1 when chromium is still missing.
ensure_chromium() {
  command -v "${CHROMIUM_PATH:-chromium}" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo '==> installing chromium (apt-get)' >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
    return 0
  fi
  return 1
}

# Runs `npm ci` when node_modules is missing or older than package-lock.json
# (npm stamps every install in node_modules/.package-lock.json).
ensure_node_modules() {
  local stamp=node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo '==> npm ci' >&2
    npm ci
  fi
}

# Installs promtool (Debian package prometheus) with apt-get when it is missing and we are root;
# the monitoring tests check the Prometheus config, the alert rules and the API's /metrics with it.
# Returns 1 when promtool is still missing.
ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo '==> installing prometheus, for promtool (apt-get)' >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends prometheus
    command -v promtool >/dev/null 2>&1 && return 0
  fi
  return 1
}
