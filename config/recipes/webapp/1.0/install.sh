#!/usr/bin/env bash
# Checks what the app runs with: java and the rain-agent jar (it is `rain-agent webapp`).
set -euo pipefail
java=${RAIN_SETTING_JAVA:-java}
command -v "$java" >/dev/null 2>&1 || { echo "webapp: $java not found; install a JDK/JRE 17 or newer" >&2; exit 1; }
[ -f "${RAIN_AGENT_JAR:-}" ] || { echo "webapp: RAIN_AGENT_JAR is not a file: '${RAIN_AGENT_JAR:-}'" >&2; exit 1; }
echo "webapp: $("$java" -version 2>&1 | sed -n 1p), $RAIN_AGENT_JAR"
