#!/usr/bin/env bash
# Checks haproxy (2.4 or newer: dynamic servers) and socat (the Runtime API client) exist.
set -euo pipefail
command -v haproxy >/dev/null 2>&1 || { echo "haproxy: haproxy not found; install it (Debian/Ubuntu: apt-get install haproxy)" >&2; exit 1; }
command -v socat >/dev/null 2>&1 || { echo "haproxy: socat not found; install it (Debian/Ubuntu: apt-get install socat)" >&2; exit 1; }
version=$(haproxy -v | sed -n 's/^HAProxy version \([0-9]*\.[0-9]*\).*/\1/p')
major=${version%%.*}
minor=${version#*.}
if [ -z "$version" ] || [ "$major" -lt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -lt 4 ]; }; then
  echo "haproxy: version ${version:-unknown} has no dynamic servers (add/del server); 2.4 or newer is needed" >&2
  exit 1
fi
echo "haproxy: $(haproxy -v | sed -n 1p)"
