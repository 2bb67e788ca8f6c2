#!/usr/bin/env bash
# Makes sure the PostgreSQL *server* binaries (initdb, pg_ctl, postgres) are installed, installing
# Debian's `postgresql` package when they are not. The test run (test/support/postgres.ts) calls it
# before starting a throwaway cluster; run it by hand to install ahead of time.
#
# Prints the directory that holds the binaries on its last line of stdout. Exits non-zero with a
# message saying what to do when the binaries are missing and cannot be installed here.
#
# Environment: BATON_PG_BINDIR — use this directory instead of searching (no install).
set -euo pipefail

log() { echo "[postgres] $*" >&2; }

has_server() { [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]; }

find_bindir() {
  if [ -n "${BATON_PG_BINDIR:-}" ]; then
    if has_server "$BATON_PG_BINDIR"; then echo "$BATON_PG_BINDIR"; return 0; fi
    log "BATON_PG_BINDIR=$BATON_PG_BINDIR has no initdb, pg_ctl and postgres."
    return 1
  fi
  # Debian keeps server binaries out of PATH, one directory per major version; prefer the newest.
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if has_server "$dir"; then echo "$dir"; return 0; fi
  done
  if command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir 2>/dev/null || true)"
    if [ -n "$dir" ] && has_server "$dir"; then echo "$dir"; return 0; fi
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
    if has_server "$dir"; then echo "$dir"; return 0; fi
  fi
  return 1
}

if dir="$(find_bindir)"; then
  echo "$dir"
  exit 0
fi
if [ -n "${BATON_PG_BINDIR:-}" ]; then exit 1; fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
# The tests start their own throwaway cluster; without this the package would also create (and,
# outside containers, start) a system-wide cluster on port 5432 that nothing here uses.
if as_root mkdir -p /etc/postgresql-common/createcluster.d &&
  [ ! -e /etc/postgresql-common/createcluster.d/baton-no-main-cluster.conf ]; then
  echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.d/baton-no-main-cluster.conf >/dev/null
  log "Wrote /etc/postgresql-common/createcluster.d/baton-no-main-cluster.conf so the package does not create a default cluster."
fi
install_and_find postgresql "The PostgreSQL server (initdb, pg_ctl, postgres)" "install the PostgreSQL server with your package manager, or set BATON_PG_BINDIR to the directory that holds initdb" find_bindir
