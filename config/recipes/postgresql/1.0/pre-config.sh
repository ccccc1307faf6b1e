#!/usr/bin/env bash
# Creates the data directory (initdb) once: pg/ in the node directory, owned by the user the
# server runs as (as root: the 'postgres' system user, since PostgreSQL refuses to run as root).
set -euo pipefail
cd "$RAIN_NODE_DIR"
. ./pg.env

home="$RAIN_NODE_DIR/pg"
as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd "$home" && runuser -u postgres -- "$@"); else (cd "$home" && "$@"); fi
}

mkdir -p "$home"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$home"
  # The server, running as 'postgres', must be able to reach its files through every parent.
  if ! runuser -u postgres -- test -x "$home"; then
    echo "postgresql: the 'postgres' user cannot reach $home; make its parent directories traversable (chmod o+x)" >&2
    exit 1
  fi
fi
if [ -f "$home/data/PG_VERSION" ]; then
  echo "postgresql: data directory $home/data exists"
  exit 0
fi
rm -rf "$home/data" # a half-made one from an interrupted initdb
as_owner "$PG_BIN/initdb" -D "$home/data" -U postgres --auth=trust -E UTF8 >"$home/initdb.log" 2>&1 \
  || { cat "$home/initdb.log" >&2; echo "postgresql: initdb failed" >&2; exit 1; }
# Trust only the socket in the node directory and 127.0.0.1: nothing else can connect.
cat >"$home/data/pg_hba.conf" <<'HBA'
local all all trust
host all all 127.0.0.1/32 trust
HBA
echo "include_if_exists = 'rain.conf'" >>"$home/data/postgresql.conf"
if [ "$(id -u)" = 0 ]; then chown postgres "$home/data/pg_hba.conf"; fi
echo "postgresql: initialised $home/data"
