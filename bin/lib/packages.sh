# Installs the system packages the tests need, the way bin/lib/postgres.sh installs PostgreSQL:
# as root with apt-get when a command is missing, otherwise stop naming what to install.
# Sourced by bin/test: need_packages haproxy:haproxy chromedriver:chromium-driver ... (command:package).

PACKAGES_UPDATED=${PACKAGES_UPDATED:-}

need_packages() {
  local pair command package missing=()
  for pair in "$@"; do
    command=${pair%%:*}
    package=${pair#*:}
    command -v "$command" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "bin/test: missing commands; install the packages: ${missing[*]}" >&2
    echo "  (Debian/Ubuntu: sudo apt-get install ${missing[*]}) or run bin/test as root to let it install them." >&2
    exit 1
  fi
  echo "bin/test: installing ${missing[*]} from the system's packages..."
  # One index refresh per run, however many times this is called.
  if [ -z "$PACKAGES_UPDATED" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    PACKAGES_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 \
      || { echo "bin/test: installing ${pair#*:} did not provide ${pair%%:*}" >&2; exit 1; }
  done
}
