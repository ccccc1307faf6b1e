#!/usr/bin/env bash
# Chooses the server's port once (kept in pg.env, so a re-run and the later stages reuse it) and
# writes rain.conf: 127.0.0.1 only, the socket in the node directory, the fsync setting.
set -euo pipefail
cd "$RAIN_NODE_DIR"
. ./pg.env

if [ -z "${PG_PORT:-}" ]; then
  # From a random start below the ephemeral range, so nodes configured together rarely probe the same.
  PG_PORT=$((20000 + RANDOM % 12000))
  while (echo >"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do PG_PORT=$((PG_PORT + 1)); done
  echo "PG_PORT=$PG_PORT" >>pg.env
fi
fsync=${RAIN_SETTING_FSYNC:-on}
case "$fsync" in on|off) ;; *) echo "postgresql: setting fsync must be on or off: $fsync" >&2; exit 1 ;; esac
# A Unix socket path is at most 107 bytes: under a deep node directory (a data dir of more than
# about 20 characters) the server would refuse to start, so it listens on TCP only there.
socket_dir="$RAIN_NODE_DIR/pg"
if [ $((${#socket_dir} + ${#PG_PORT} + 10)) -gt 107 ]; then socket_dir=""; fi
conf="$RAIN_NODE_DIR/pg/data/rain.conf"
cat >"$conf.new" <<CONF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$socket_dir'
fsync = $fsync
synchronous_commit = $fsync
CONF
mv "$conf.new" "$conf"
if [ "$(id -u)" = 0 ]; then chown postgres "$conf"; fi
echo "postgresql: port $PG_PORT, fsync $fsync, socket ${socket_dir:-none (TCP only)}"
