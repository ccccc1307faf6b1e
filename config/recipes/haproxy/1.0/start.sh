#!/usr/bin/env bash
# Starts HAProxy as a master-worker daemon (unless its master runs), fills backend 'app' from the
# imports (update.sh), publishes ip/port.
set -euo pipefail
cd "$RAIN_NODE_DIR"
# HAProxy takes socket paths of at most 97 bytes: a deep node directory gets its socket under /tmp.
sock="$RAIN_NODE_DIR/admin.sock"
[ ${#sock} -le 97 ] || sock="/tmp/rainhub-haproxy-$(printf %s "$RAIN_NODE_DIR" | sha1sum | cut -c1-16).sock"
port=$(cat haproxy.port)
alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" != Z ] \
  && grep -qa haproxy "/proc/$1/cmdline" 2>/dev/null; }

pid=$(cat haproxy.pid 2>/dev/null || true)
if alive "$pid"; then
  echo "haproxy: already running (master pid $pid)"
else
  rm -f haproxy.pid "$sock"
  haproxy -W -D -f "$RAIN_NODE_DIR/haproxy.cfg" >>haproxy.log 2>&1 </dev/null \
    || { tail -n 20 haproxy.log >&2; echo "haproxy: did not start" >&2; exit 1; }
  # The worker opens the admin socket a moment after the master wrote its pid.
  for _ in $(seq 1 100); do
    [ -S "$sock" ] && echo "show info" | socat -t 2 stdio "unix-connect:$sock" >/dev/null 2>&1 && break
    sleep 0.1
  done
  [ -S "$sock" ] || { tail -n 20 haproxy.log >&2; echo "haproxy: no admin socket after 10 s" >&2; exit 1; }
  echo "haproxy: started on 127.0.0.1:$port (master pid $(cat haproxy.pid))"
fi
bash "$(dirname "${BASH_SOURCE[0]}")/update.sh"
echo "ip=127.0.0.1" >>"$RAIN_EXPORTS_FILE"
echo "port=$port" >>"$RAIN_EXPORTS_FILE"
