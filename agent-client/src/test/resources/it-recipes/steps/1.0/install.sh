#!/usr/bin/env bash
# One line per run: a stage run twice (a resumed job repeating a finished task) shows twice.
set -euo pipefail
echo "$RAIN_NODE_NAME $RAIN_STEP" >>"$RAIN_SETTING_RUNLOG"
sleep 1
