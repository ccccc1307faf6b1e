#!/usr/bin/env bash
# Fails on purpose: the job's error must carry these lines and the exit code.
echo "failing: checking the frobnicator on $RAIN_NODE_NAME"
echo "failing: frobnicator version 0.0 is too old" >&2
echo "failing: giving up with exit code 3"
exit 3
