#!/usr/bin/env bash
# Makes sure `tmux` is installed, installing Debian's package with apt-get when it is not. The
# terminal tests (test/e2e/terminal.test.ts, through test/support/tmux-terminal.ts) drive
# `baton chat` and `baton session send` in a real pseudo-terminal with tmux send-keys and
# capture-pane; run this by hand to install ahead of time.
#
# Prints the path of the tmux executable on its last line of stdout; progress goes to stderr.
# Exits non-zero with a message saying what to do when tmux is missing and cannot be installed.
set -euo pipefail

log() { echo "[tmux] $*" >&2; }

find_tmux() { command -v tmux 2>/dev/null; }

if path="$(find_tmux)"; then
  echo "$path"
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
install_and_find tmux tmux "install tmux with your package manager" find_tmux -V
