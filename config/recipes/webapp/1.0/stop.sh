#!/usr/bin/env bash
# Stops the app (SIGTERM, then SIGKILL after 15 s) and waits until it is gone.
set -euo pipefail
cd "$RAIN_NODE_DIR"
# A zombie counts as gone; a reused pid that is no webapp is not ours.
alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" != Z ] \
  && grep -qa webapp "/proc/$1/cmdline" 2>/dev/null; }
pid=$(cat webapp.pid 2>/dev/null || true)
if ! alive "$pid"; then
  rm -f webapp.pid
  echo "webapp: not running"
  exit 0
fi
kill -TERM "$pid"
for _ in $(seq 1 150); do
  alive "$pid" || { rm -f webapp.pid; echo "webapp: stopped pid $pid"; exit 0; }
  sleep 0.1
done
kill -KILL "$pid" 2>/dev/null || true
while alive "$pid"; do sleep 0.1; done
rm -f webapp.pid
echo "webapp: killed pid $pid (no exit within 15 s of SIGTERM)"
