#!/usr/bin/env bash
# Stops the server if it runs, then removes its data, log and port file.
set -euo pipefail
cd "$RAIN_NODE_DIR"
bash "$(dirname "${BASH_SOURCE[0]}")/stop.sh"
rm -rf "$RAIN_NODE_DIR/pg" pg.env pg.env.new
echo "postgresql: data removed"
