#!/usr/bin/env bash
# The master runs, its worker answers on the admin socket and the frontend accepts connections.
set -euo pipefail
cd "$RAIN_NODE_DIR"
# HAProxy takes socket paths of at most 97 bytes: a deep node directory gets its socket under /tmp.
sock="$RAIN_NODE_DIR/admin.sock"
[ ${#sock} -le 97 ] || sock="/tmp/rainhub-haproxy-$(printf %s "$RAIN_NODE_DIR" | sha1sum | cut -c1-16).sock"
port=$(cat haproxy.port)
pid=$(cat haproxy.pid 2>/dev/null || true)
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { echo "haproxy: the master (pid '${pid}') is not running" >&2; exit 1; }
echo "show info" | socat -t 5 stdio "unix-connect:$sock" | grep -q '^Pid:' \
  || { echo "haproxy: no answer on admin.sock" >&2; exit 1; }
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "haproxy: nothing listens on 127.0.0.1:$port" >&2; exit 1; }
echo "haproxy: master pid $pid, 127.0.0.1:$port accepts connections"
