#!/usr/bin/env bash
# Makes sure Debian's `chromium` is installed, installing it with apt-get when it is not. The
# browser test (test/e2e/temporal-ui.test.ts, through test/support/chromium.ts) calls it before
# driving the Temporal UI with playwright-core; run it by hand to install ahead of time. baton
# never downloads a browser of its own (no `npx playwright install`).
#
# Prints the path of the chromium executable on its last line of stdout; progress goes to stderr.
# Exits non-zero with a message saying what to do when chromium is missing and cannot be
# installed here.
#
# Environment: BATON_CHROMIUM — use this executable instead of searching (no install).
set -euo pipefail

log() { echo "[chromium] $*" >&2; }

find_chromium() {
  if [ -n "${BATON_CHROMIUM:-}" ]; then
    if [ -x "$BATON_CHROMIUM" ]; then echo "$BATON_CHROMIUM"; return 0; fi
    log "BATON_CHROMIUM=$BATON_CHROMIUM is not an executable file."
    return 1
  fi
  local candidate
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  if candidate="$(command -v chromium 2>/dev/null)" && [ -x "$candidate" ]; then
    echo "$candidate"
    return 0
  fi
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi
if [ -n "${BATON_CHROMIUM:-}" ]; then exit 1; fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
install_and_find chromium chromium "install chromium with your package manager, or set BATON_CHROMIUM to a Chromium or Chrome executable" find_chromium --version
