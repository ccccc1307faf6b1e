#!/usr/bin/env bash
# Starts `rain-agent webapp` detached (setsid, its own log), against the imported database;
# waits until GET /health answers 200 and publishes ip/port. Does nothing if it already runs.
set -euo pipefail
cd "$RAIN_NODE_DIR"
port=$(cat webapp.port)

# The database: the import of component setting db_component (default db), else the first
# import that exports a database. Component names are upper-cased, '-' and '.' as '_'.
db=$(echo "${RAIN_SETTING_DB_COMPONENT:-db}" | tr 'a-z.-' 'A-Z__')
if [ -z "$(printenv "RAIN_IMPORT_${db}_0_PORT" || true)" ]; then
  db=$(env | sed -n 's/^RAIN_IMPORT_\(.*\)_0_DATABASE=.*/\1/p' | sort | sed -n 1p)
fi
db_ip=$(printenv "RAIN_IMPORT_${db}_0_IP" || true)
db_port=$(printenv "RAIN_IMPORT_${db}_0_PORT" || true)
db_name=$(printenv "RAIN_IMPORT_${db}_0_DATABASE" || true)
if [ -z "$db" ] || [ -z "$db_ip" ] || [ -z "$db_port" ] || [ -z "$db_name" ]; then
  echo "webapp: no database import (RAIN_IMPORT_<component>_0_IP/_PORT/_DATABASE; setting db_component)" >&2
  exit 1
fi

# A zombie counts as gone; a reused pid that is no webapp is not ours.
alive() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" != Z ] \
  && grep -qa webapp "/proc/$1/cmdline" 2>/dev/null; }
pid=$(cat webapp.pid 2>/dev/null || true)
if alive "$pid"; then
  echo "webapp: already running (pid $pid)"
else
  # Word splitting of java_opts is intended: it holds several options.
  # shellcheck disable=SC2086
  setsid "${RAIN_SETTING_JAVA:-java}" ${RAIN_SETTING_JAVA_OPTS:-} -jar "$RAIN_AGENT_JAR" webapp \
    --name "$RAIN_NODE_NAME" --host 127.0.0.1 --port "$port" --db-host "$db_ip" --db-port "$db_port" \
    --db-name "$db_name" --db-user "${RAIN_SETTING_DB_USER:-postgres}" >webapp.log 2>&1 </dev/null &
  pid=$!
  echo "$pid" >webapp.pid
  echo "webapp: started pid $pid on 127.0.0.1:$port, database $db_ip:$db_port/$db_name"
fi
# What update.sh compares the imports with.
echo "$db_ip:$db_port/$db_name" >webapp.db

# GET /health over bash's /dev/tcp: curl is not part of a Debian base system.
status() {
  local code
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  read -r -t 5 _ code _ <&3 || code=""
  exec 3<&-
  [ "$code" = 200 ]
}
for _ in $(seq 1 200); do
  if status 2>/dev/null; then
    echo "ip=127.0.0.1" >>"$RAIN_EXPORTS_FILE"
    echo "port=$port" >>"$RAIN_EXPORTS_FILE"
    echo "webapp: healthy on 127.0.0.1:$port"
    exit 0
  fi
  alive "$pid" || { tail -n 20 webapp.log >&2; echo "webapp: exited before it was healthy" >&2; exit 1; }
  sleep 0.25
done
tail -n 20 webapp.log >&2
echo "webapp: GET /health on 127.0.0.1:$port did not answer 200 within 50 s" >&2
exit 1
