# Sourced by the CI scripts: runs a command as root, through sudo when not root already, so the
# scripts can install Debian packages on a fresh machine whoever runs them.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "$(basename "$0"): need root (or sudo) to run: $*" >&2
    return 1
  fi
}
