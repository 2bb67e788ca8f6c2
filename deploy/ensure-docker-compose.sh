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

if ! command -v apt-get >/dev/null 2>&1; then
  log "Neither 'docker compose' nor 'docker-compose' is installed, and this system has no apt-get."
  log "Install Docker Compose (https://docs.docker.com/compose/install/) and run the tests again."
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    log "docker-compose is not installed, and installing it needs root."
    log "Run: sudo apt-get update && sudo apt-get install -y docker-compose"
    exit 1
  fi
fi

started=$(date +%s)
log "Installing Debian's docker-compose package (apt-get update && apt-get install docker-compose)…"
export DEBIAN_FRONTEND=noninteractive
# Progress goes to stderr so that stdout stays the one line callers parse.
"${SUDO[@]}" apt-get update 1>&2
"${SUDO[@]}" apt-get install -y --no-install-recommends docker-compose 1>&2

if found="$(find_compose)"; then
  log "Installed docker-compose in $(( $(date +%s) - started ))s"
  echo "$found"
  exit 0
fi
log "apt-get installed docker-compose but no docker-compose command was found on PATH."
exit 1
