#!/usr/bin/env bash
# Stops HAProxy if it runs and removes its files from the node directory.
set -euo pipefail
cd "$RAIN_NODE_DIR"
# HAProxy takes socket paths of at most 97 bytes: a deep node directory gets its socket under /tmp.
sock="$RAIN_NODE_DIR/admin.sock"
[ ${#sock} -le 97 ] || sock="/tmp/rainhub-haproxy-$(printf %s "$RAIN_NODE_DIR" | sha1sum | cut -c1-16).sock"
bash "$(dirname "${BASH_SOURCE[0]}")/stop.sh"
rm -f haproxy.cfg haproxy.cfg.new haproxy.port haproxy.log haproxy.pid "$sock"
echo "haproxy: files removed"
