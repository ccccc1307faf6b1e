#!/usr/bin/env bash
# Starts the server (unless it runs), creates the database if missing, publishes ip/port/database.
set -euo pipefail
cd "$RAIN_NODE_DIR"
. ./pg.env

home="$RAIN_NODE_DIR/pg"
as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd "$home" && runuser -u postgres -- "$@"); else (cd "$home" && "$@"); fi
}
database=${RAIN_SETTING_DATABASE:-app}

if as_owner "$PG_BIN/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
  echo "postgresql: already running on port $PG_PORT"
else
  as_owner "$PG_BIN/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 50 start >/dev/null \
    || { tail -n 20 "$home/server.log" >&2; echo "postgresql: the server did not start" >&2; exit 1; }
  echo "postgresql: started on 127.0.0.1:$PG_PORT"
fi
psql() { "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }
if [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  psql -d postgres -c "CREATE DATABASE \"$database\""
  echo "postgresql: created database $database"
fi
{ echo "ip=127.0.0.1"; echo "port=$PG_PORT"; echo "database=$database"; } >>"$RAIN_EXPORTS_FILE"
