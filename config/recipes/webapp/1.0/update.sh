#!/usr/bin/env bash
# The imports changed: restart the app only if the database address it uses changed.
set -euo pipefail
cd "$RAIN_NODE_DIR"
here=$(dirname "${BASH_SOURCE[0]}")
db=$(echo "${RAIN_SETTING_DB_COMPONENT:-db}" | tr 'a-z.-' 'A-Z__')
if [ -z "$(printenv "RAIN_IMPORT_${db}_0_PORT" || true)" ]; then
  db=$(env | sed -n 's/^RAIN_IMPORT_\(.*\)_0_DATABASE=.*/\1/p' | sort | sed -n 1p)
fi
wanted="$(printenv "RAIN_IMPORT_${db}_0_IP" || true):$(printenv "RAIN_IMPORT_${db}_0_PORT" || true)/$(printenv "RAIN_IMPORT_${db}_0_DATABASE" || true)"
if [ -z "$db" ] || [ "$wanted" = ":/" ]; then
  echo "webapp: no database import now; unchanged (the hub stops a node whose required import is gone)"
  exit 0
fi
current=$(cat webapp.db 2>/dev/null || true)
if [ "$wanted" = "$current" ]; then
  echo "webapp: database $current unchanged"
  exit 0
fi
echo "webapp: database ${current:-none} -> $wanted: restarting"
bash "$here/stop.sh"
bash "$here/start.sh"
