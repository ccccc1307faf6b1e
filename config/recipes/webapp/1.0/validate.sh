#!/usr/bin/env bash
# GET / answers 200 (the counter went up in the database).
set -euo pipefail
cd "$RAIN_NODE_DIR"
port=$(cat webapp.port)
exec 3<>"/dev/tcp/127.0.0.1/$port" || { echo "webapp: nothing listens on 127.0.0.1:$port" >&2; exit 1; }
printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
answer=$(timeout 5 cat <&3 || true)
exec 3<&-
code=$(echo "$answer" | sed -n 1p | awk '{print $2}')
[ "$code" = 200 ] || { echo "webapp: GET / answered '${code:-nothing}': $answer" >&2; exit 1; }
echo "webapp: GET / 200 $(echo "$answer" | tail -n 1)"
