# Sourced by the ensure-*.sh scripts (which define `log`): installs Debian packages with apt-get,
# as root or through passwordless sudo. Several installs can run at once during a test run, so
# each waits for another apt-get's lock instead of failing. Progress goes to stderr, so that the
# caller's stdout stays the one line its own callers parse.

# Runs a command as root (directly, or through passwordless sudo); fails when neither is possible.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

# apt_install "<what is missing, for messages>" "<what the user can do instead>" package...
apt_install() {
  local what="$1" instead="$2"
  shift 2
  if ! command -v apt-get >/dev/null 2>&1; then
    log "$what is not installed and this system has no apt-get."
    log "$instead"
    return 1
  fi
  if ! as_root true; then
    log "$what is not installed, and installing it needs root."
    log "Run: sudo apt-get update && sudo apt-get install -y $*   (or: $instead)"
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get -o DPkg::Lock::Timeout=300 update 1>&2
  as_root apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" 1>&2
}
