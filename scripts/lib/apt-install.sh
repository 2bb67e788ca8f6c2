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
  # `|| return 1`: a caller may run this where `set -e` does not apply (in a condition).
  as_root apt-get -o DPkg::Lock::Timeout=300 update 1>&2 || return 1
  as_root apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" 1>&2 || return 1
}

# install_and_find <package> "<what is missing, for messages>" "<what the user can do instead>" \
#   <find-command> [<version flag>]
# What every ensure script does when its tool is missing: installs the Debian package, then runs
# <find-command> (a function of the caller that prints what it found) and prints its answer on
# stdout, logging how long the install took (and the tool's version, when a flag is given). Fails,
# saying so, when the install fails or the tool is still not found.
install_and_find() {
  local package="$1" what="$2" instead="$3" find="$4" version_flag="${5:-}" started found version=''
  started=$(date +%s)
  log "$what not found; installing Debian's $package package (apt-get update && apt-get install $package)…"
  apt_install "$what" "$instead" "$package" || return 1
  if ! found="$("$find")"; then
    log "apt-get installed $package, but $what is still not found."
    return 1
  fi
  if [ -n "$version_flag" ]; then version=" ($("$found" "$version_flag" 2>/dev/null || echo 'version unknown'))"; fi
  log "Installed $package in $(($(date +%s) - started))s: $found$version"
  echo "$found"
}
