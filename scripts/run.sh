#!/usr/bin/env bash
# run.sh - start scannerd on the built-in demo camera (make run).
# Results stream to the terminal as JSON lines until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENCV_LOG_LEVEL=${OPENCV_LOG_LEVEL:-ERROR}
echo "scannerd: demo camera, results below as JSON lines; Ctrl-C stops." >&2
exec bin/scannerd -config packaging/scannerd.toml -ndjson
