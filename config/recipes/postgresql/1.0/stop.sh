#!/usr/bin/env bash
# Stops the server (fast: open sessions are cut); succeeds when it is not running or not set up.
set -euo pipefail
cd "$RAIN_NODE_DIR"
[ -f pg.env ] || { echo "postgresql: not installed here, nothing to stop"; exit 0; }
. ./pg.env

home="$RAIN_NODE_DIR/pg"
as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd "$home" && runuser -u postgres -- "$@"); else (cd "$home" && "$@"); fi
}
if [ -f "$home/data/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
  as_owner "$PG_BIN/pg_ctl" -D "$home/data" -m fast -w -t 25 stop >/dev/null
  echo "postgresql: stopped"
else
  echo "postgresql: not running"
fi
