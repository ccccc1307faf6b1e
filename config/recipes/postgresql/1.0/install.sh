#!/usr/bin/env bash
# Checks the PostgreSQL server binaries exist (the recipe installs no packages) and keeps their
# directory in pg.env for the later stages.
set -euo pipefail
cd "$RAIN_NODE_DIR"

pg_bin=""
if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
  # Resolved: a symlink on PATH would hide psql and pg_isready, which sit next to the real one.
  pg_bin=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
else
  # Debian keeps the server binaries off PATH, one directory per major version: take the newest.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then pg_bin=$dir; break; fi
  done
fi
if [ -z "$pg_bin" ]; then
  echo "postgresql: initdb and pg_ctl not found; install PostgreSQL (Debian/Ubuntu: apt-get install postgresql)" >&2
  exit 1
fi
for tool in psql pg_isready; do
  [ -x "$pg_bin/$tool" ] || { echo "postgresql: $pg_bin/$tool missing; install postgresql-client" >&2; exit 1; }
done
# Keep the port chosen earlier, if any: install may run again on a configured node.
port=$(sed -n 's/^PG_PORT=//p' pg.env 2>/dev/null || true)
{ echo "PG_BIN=$pg_bin"; if [ -n "$port" ]; then echo "PG_PORT=$port"; fi; } >pg.env.new
mv pg.env.new pg.env
echo "postgresql: $("$pg_bin/postgres" --version) in $pg_bin"
