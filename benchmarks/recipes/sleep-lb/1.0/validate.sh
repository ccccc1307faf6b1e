#!/usr/bin/env bash
# sleep-lb validate: sleeps only, so the benchmark times the engine rather than real work.
set -euo pipefail
sleep "${RAIN_SETTING_SLEEP_SECONDS:-1}"
