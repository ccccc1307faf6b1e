#!/usr/bin/env bash
# Stops HAProxy if it runs and removes its files from the node directory.
set -euo pipefail
cd "$RAIN_NODE_DIR"
bash "$(dirname "${BASH_SOURCE[0]}")/stop.sh"
rm -f haproxy.cfg haproxy.cfg.new haproxy.port haproxy.log haproxy.pid admin.sock
echo "haproxy: files removed"
