#!/usr/bin/env bash
# Chooses the listening port once (haproxy.port) and writes haproxy.cfg: master-worker, the admin
# socket, an empty backend 'app' whose servers update.sh manages at runtime.
set -euo pipefail
cd "$RAIN_NODE_DIR"
# HAProxy takes socket paths of at most 97 bytes: a deep node directory gets its socket under /tmp.
sock="$RAIN_NODE_DIR/admin.sock"
[ ${#sock} -le 97 ] || sock="/tmp/rainhub-haproxy-$(printf %s "$RAIN_NODE_DIR" | sha1sum | cut -c1-16).sock"
if [ ! -s haproxy.port ]; then
  # From a random start below the ephemeral range, so nodes configured together rarely probe the same.
  port=$((20000 + RANDOM % 12000))
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port" >haproxy.port
fi
port=$(cat haproxy.port)
cat >haproxy.cfg.new <<CFG
global
    master-worker
    pidfile $RAIN_NODE_DIR/haproxy.pid
    # level admin: update.sh adds and removes servers here; expose-fd listeners: seamless reloads.
    stats socket $sock mode 600 level admin expose-fd listeners

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s

frontend web
    bind 127.0.0.1:$port
    default_backend app

# No server here: dynamic servers (add server / del server) come from update.sh. A balance
# algorithm that allows them; server connections closed after each response, so each request
# of a keep-alive client is balanced and no idle connection blocks a 'del server'.
backend app
    balance roundrobin
    option http-server-close
    option httpchk GET /health
CFG
# Without -q: HAProxy's reason (e.g. a socket path over 107 bytes) goes into the task's last lines.
check=$(haproxy -c -f haproxy.cfg.new 2>&1) || { echo "$check" >&2; echo "haproxy: the generated configuration is invalid" >&2; exit 1; }
mv haproxy.cfg.new haproxy.cfg
echo "haproxy: configured on 127.0.0.1:$port"
