# Throwaway PostgreSQL server for the test suite: its own data directory, port and socket, on
# 127.0.0.1 only. Sourced by bin/test. pg_start exports RAINHUB_TEST_PG; pg_stop removes it all.

pg_find_bin() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

pg_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "bin/test: PostgreSQL server binaries (initdb, pg_ctl) not found." >&2
    echo "  Install them (Debian/Ubuntu: sudo apt-get install postgresql) or run bin/test as root to let it install them." >&2
    exit 1
  fi
  echo "bin/test: installing PostgreSQL from the system's packages..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

pg_free_port() {
  local port=55432
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# PostgreSQL refuses to run as root; as root we run it as the 'postgres' system user.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  PG_BIN=$(pg_find_bin) || { pg_install; PG_BIN=$(pg_find_bin) || { echo "bin/test: PostgreSQL install did not provide initdb/pg_ctl" >&2; exit 1; }; }
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rainhub-pg.XXXXXX")
  PG_PORT=$(pg_free_port)
  [ "$(id -u)" = 0 ] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown postgres "$PG_DIR"; }
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; echo "bin/test: initdb failed" >&2; exit 1; }
  # fsync off: this server holds only throwaway test databases.
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; echo "bin/test: PostgreSQL did not start" >&2; exit 1; }
  export RAINHUB_TEST_PG="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "bin/test: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
