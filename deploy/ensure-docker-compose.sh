#!/usr/bin/env bash
# Makes sure a Compose implementation that can validate docker-compose.yml is installed: the
# `docker compose` plugin or the standalone `docker-compose`, installing Debian's `docker-compose`
# package when neither is there. The compose test (test/unit/compose.test.ts) calls it; validating
# the file needs no Docker engine.
#
# Prints the command to run (`docker compose` or the path of docker-compose) on its last line of
# stdout. Exits non-zero with a message saying what to do when nothing can be installed here.
set -euo pipefail

log() { echo "[compose] $*" >&2; }

find_compose() {
  if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    echo "docker compose"
    return 0
  fi
  if command -v docker-compose >/dev/null 2>&1; then
    command -v docker-compose
    return 0
  fi
  return 1
}

if found="$(find_compose)"; then
  echo "$found"
  exit 0
fi

# shellcheck source=../scripts/lib/apt-install.sh
source "$(dirname "$0")/../scripts/lib/apt-install.sh"
started=$(date +%s)
log "Installing Debian's docker-compose package (apt-get update && apt-get install docker-compose)…"
apt_install docker-compose "install Docker Compose (https://docs.docker.com/compose/install/) and run the tests again" docker-compose

if found="$(find_compose)"; then
  log "Installed docker-compose in $(( $(date +%s) - started ))s"
  echo "$found"
  exit 0
fi
log "apt-get installed docker-compose but no docker-compose command was found on PATH."
exit 1
