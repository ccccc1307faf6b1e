#!/usr/bin/env bash
# Stops HAProxy: SIGTERM to the master stops its worker too; waits until the master is gone.
set -euo pipefail
cd "$RAIN_NODE_DIR"
# HAProxy takes socket paths of at most 97 bytes: a deep node directory gets its socket under /tmp.
sock="$RAIN_NODE_DIR/admin.sock"
[ ${#sock} -le 97 ] || sock="/tmp/rainhub-haproxy-$(printf %s "$RAIN_NODE_DIR" | sha1sum | cut -c1-16).sock"
# A zombie counts as gone; a reused pid that is no haproxy is not ours.
alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" != Z ] \
  && grep -qa haproxy "/proc/$1/cmdline" 2>/dev/null; }
pid=$(cat haproxy.pid 2>/dev/null || true)
if ! alive "$pid"; then
  rm -f haproxy.pid "$sock"
  echo "haproxy: not running"
  exit 0
fi
kill -TERM "$pid"
for _ in $(seq 1 150); do
  alive "$pid" || break
  sleep 0.1
done
if alive "$pid"; then
  kill -KILL "$pid" 2>/dev/null || true
  echo "haproxy: master pid $pid killed (no exit within 15 s of SIGTERM)"
else
  echo "haproxy: stopped (master pid $pid)"
fi
rm -f haproxy.pid "$sock"
