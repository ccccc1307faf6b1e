#!/usr/bin/env bash
# Reconciles backend 'app' with the imports now (RAIN_IMPORT_<C>_COUNT, _<N>_NAME/_IP/_PORT) over
# the Runtime API: adds the missing servers, moves changed ones, deletes gone ones. No reload, no
# restart: the master and its worker keep running. Prints each change.
set -euo pipefail
cd "$RAIN_NODE_DIR"
# HAProxy takes socket paths of at most 97 bytes: a deep node directory gets its socket under /tmp.
sock="$RAIN_NODE_DIR/admin.sock"
[ ${#sock} -le 97 ] || sock="/tmp/rainhub-haproxy-$(printf %s "$RAIN_NODE_DIR" | sha1sum | cut -c1-16).sock"
if [ ! -S "$sock" ]; then
  echo "haproxy: not running; start.sh fills the backend"
  exit 0
fi
api() { echo "$*" | socat -t 5 stdio "unix-connect:$sock"; }
# A command that answers anything but its success message (none: blank) failed.
api_expect() {
  local expected=$1 answer
  shift
  answer=$(api "$@")
  if [ -z "$expected" ]; then
    [ -z "${answer//[[:space:]]/}" ] && return 0
  else
    case "$answer" in *"$expected"*) return 0 ;; esac
  fi
  echo "haproxy: '$*' answered: $answer" >&2
  return 1
}
interval=${RAIN_SETTING_CHECK_INTERVAL_MS:-1000}

# Wanted: name -> ip:port, from the imports of component setting app_component (default app).
component=$(echo "${RAIN_SETTING_APP_COMPONENT:-app}" | tr 'a-z.-' 'A-Z__')
count=$(printenv "RAIN_IMPORT_${component}_COUNT" || echo 0)
declare -A wanted=()
for ((i = 0; i < count; i++)); do
  name=$(printenv "RAIN_IMPORT_${component}_${i}_NAME" || echo "node-$i")
  name=$(echo "$name" | tr -c 'A-Za-z0-9_.:\n-' '_') # HAProxy's server name characters
  ip=$(printenv "RAIN_IMPORT_${component}_${i}_IP" || true)
  port=$(printenv "RAIN_IMPORT_${component}_${i}_PORT" || true)
  [ -n "$ip" ] && [ -n "$port" ] || { echo "haproxy: import $i of ${component} has no ip/port; skipped" >&2; continue; }
  wanted[$name]="$ip:$port"
done

# Current: name -> ip:port, columns found by name in the header of 'show servers state'.
declare -A current=()
while read -r name address; do
  [ -n "$name" ] && current[$name]=$address
done < <(api "show servers state app" | awk '
  /^# be_id/ { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
  NF > 5 && $1 ~ /^[0-9]+$/ { print $col["srv_name"], $col["srv_addr"] ":" $col["srv_port"] }')

changes=0
for name in $(printf "%s\n" "${!current[@]}" | sort); do
  [ -n "${wanted[$name]:-}" ] && continue
  # Maintenance first (no new requests), cut what still runs, then delete: del needs it idle.
  api_expect "" "set server app/$name state maint"
  api "shutdown sessions server app/$name" >/dev/null
  deleted=""
  for _ in $(seq 1 50); do
    if [ -n "$(api "del server app/$name" | grep 'Server deleted')" ]; then deleted=1; break; fi
    sleep 0.1
  done
  [ -n "$deleted" ] || { echo "haproxy: app/$name could not be deleted (connections still attached)" >&2; exit 1; }
  echo "haproxy: removed app/$name (${current[$name]})"
  changes=$((changes + 1))
done
for name in $(printf "%s\n" "${!wanted[@]}" | sort); do
  address=${wanted[$name]}
  if [ -n "${current[$name]:-}" ]; then
    [ "${current[$name]}" = "$address" ] && continue
    api_expect "changed" "set server app/$name addr ${address%:*} port ${address##*:}"
    echo "haproxy: moved app/$name ${current[$name]} -> $address"
  else
    api_expect "New server registered" "add server app/$name $address check inter ${interval}ms"
    api_expect "" "enable health app/$name"
    api_expect "" "enable server app/$name"
    echo "haproxy: added app/$name ($address)"
  fi
  changes=$((changes + 1))
done
echo "haproxy: backend app has ${#wanted[@]} server(s), $changes change(s), master pid $(cat haproxy.pid)"
