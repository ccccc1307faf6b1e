#!/usr/bin/env bash
# The marker in the node directory (kept between attempts) tells the first run from the second.
set -euo pipefail
marker="$RAIN_NODE_DIR/flaky.tried"
if [ ! -f "$marker" ]; then
  touch "$marker"
  echo "flaky: first attempt on $RAIN_NODE_NAME fails"
  exit 1
fi
echo "flaky: second attempt on $RAIN_NODE_NAME succeeds"
