#!/usr/bin/env bash
# The server accepts connections and answers a query in the database it exports.
set -euo pipefail
cd "$RAIN_NODE_DIR"
. ./pg.env

database=${RAIN_SETTING_DATABASE:-app}
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 5 \
  || { echo "postgresql: 127.0.0.1:$PG_PORT does not accept connections" >&2; exit 1; }
[ "$("$PG_BIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$database" -tAc 'SELECT 1')" = 1 ] \
  || { echo "postgresql: SELECT 1 in $database failed" >&2; exit 1; }
echo "postgresql: 127.0.0.1:$PG_PORT/$database answers"
