#!/usr/bin/env bash
# sleep-db start: sleeps only, so the benchmark times the engine rather than real work.
set -euo pipefail
sleep "${RAIN_SETTING_SLEEP_SECONDS:-1}"
printf 'ip=127.0.0.1\nport=%s\n' "${RAIN_SETTING_PORT}" >>"$RAIN_EXPORTS_FILE"
