#!/usr/bin/env bash
# Makes sure Debian's `bubblewrap` (the `bwrap` sandbox) is installed and can create a sandbox here,
# installing the package with apt-get when it is missing. The worker runs every command the model
# asks for inside bwrap (src/workspace/sandbox.ts); the test run calls this script before the
# workspace tests (test/support/bubblewrap.ts); run it by hand to install ahead of time.
#
# Prints the path of the bwrap executable on its last line of stdout; progress goes to stderr.
# Exits non-zero with a message saying what to do when bwrap is missing and cannot be installed,
# or when it is installed but cannot create a sandbox on this machine (no user namespaces).
#
# Environment: BATON_BWRAP — use this executable instead of searching (no install).
set -euo pipefail

log() { echo "[bubblewrap] $*" >&2; }

find_bwrap() {
  if [ -n "${BATON_BWRAP:-}" ]; then
    if [ -x "$BATON_BWRAP" ]; then echo "$BATON_BWRAP"; return 0; fi
    log "BATON_BWRAP=$BATON_BWRAP is not an executable file."
    return 1
  fi
  local candidate
  if candidate="$(command -v bwrap 2>/dev/null)" && [ -x "$candidate" ]; then
    echo "$candidate"
    return 0
  fi
  return 1
}

# A sandbox as strict as the one baton uses (new namespaces of every kind, read-only root), running
# `true`: proves that this kernel and container allow it, not just that the binary exists.
can_sandbox() {
  "$1" --unshare-all --die-with-parent --new-session --ro-bind / / --proc /proc --dev /dev true 2>/dev/null
}

if ! path="$(find_bwrap)"; then
  if [ -n "${BATON_BWRAP:-}" ]; then exit 1; fi
  # shellcheck source=lib/apt-install.sh
  source "$(dirname "$0")/lib/apt-install.sh"
  path="$(install_and_find bubblewrap bwrap "install bubblewrap with your package manager, set BATON_BWRAP to a bwrap executable, or run commands unsandboxed with --unsafe-commands" find_bwrap --version)" || exit 1
fi

if ! can_sandbox "$path"; then
  log "$path is installed but cannot create a sandbox here: this kernel or container does not allow new user namespaces."
  log "Allow them (sysctl kernel.unprivileged_userns_clone=1, or run the worker where they are allowed), or run commands unsandboxed with --unsafe-commands."
  exit 1
fi
echo "$path"
