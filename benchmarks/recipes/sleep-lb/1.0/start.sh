#!/usr/bin/env bash
# sleep-lb start: sleeps only, so the benchmark times the engine rather than real work.
set -euo pipefail
# A required import must have resolved before start.sh; expect_imports > 0 also checks how many.
count="${RAIN_IMPORT_APP_COUNT:-0}"
if [ "$count" -lt 1 ] || [ -z "${RAIN_IMPORT_APP_0_PORT:-}" ]; then
  echo "sleep-lb: no app exporter in RAIN_IMPORT_APP_*" >&2
  exit 3
fi
if [ "${RAIN_SETTING_EXPECT_IMPORTS:-0}" -gt 0 ] && [ "$count" -ne "$RAIN_SETTING_EXPECT_IMPORTS" ]; then
  echo "sleep-lb: $count app exporter(s), expected $RAIN_SETTING_EXPECT_IMPORTS" >&2
  exit 4
fi
sleep "${RAIN_SETTING_SLEEP_SECONDS:-1}"
printf 'ip=127.0.0.1\nport=%s\n' "${RAIN_SETTING_PORT}" >>"$RAIN_EXPORTS_FILE"
