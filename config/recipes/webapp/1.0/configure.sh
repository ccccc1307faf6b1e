#!/usr/bin/env bash
# Chooses the app's port once; webapp.port keeps it for a re-run and the later stages.
set -euo pipefail
cd "$RAIN_NODE_DIR"
if [ -s webapp.port ]; then
  echo "webapp: port $(cat webapp.port)"
  exit 0
fi
# From a random start below the ephemeral range, so nodes configured together rarely probe the same.
port=$((20000 + RANDOM % 12000))
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
echo "$port" >webapp.port
echo "webapp: port $port"
