#!/usr/bin/env bash
# Stops the app if it runs and removes its files from the node directory.
set -euo pipefail
cd "$RAIN_NODE_DIR"
bash "$(dirname "${BASH_SOURCE[0]}")/stop.sh"
rm -f webapp.pid webapp.port webapp.db webapp.log
echo "webapp: files removed"
