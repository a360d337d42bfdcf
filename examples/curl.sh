#!/bin/sh
# curl.sh - talk to scannerd over its Unix socket with curl.
#
#   curl.sh status            the daemon's state (JSON)
#   curl.sh watch [sse]       barcodes as they are read: NDJSON lines, or SSE
#   curl.sh scan [TIMEOUT]    wait for the next barcode (default 10s); exit
#                             status 22 with a "timeout" error when none comes
#   curl.sh results [SINCE]   results still held in memory after cursor SINCE
#
# The socket is $SCANNERD_SOCKET, else /run/scannerd/scannerd.sock. The host
# name in the URLs is ignored: the socket is the address.
set -eu

sock=${SCANNERD_SOCKET:-/run/scannerd/scannerd.sock}
api() { exec curl --silent --show-error --unix-socket "$sock" "$@"; }

case "${1:-}" in
status)
	api --fail-with-body http://scannerd/v1/status
	;;
watch)
	accept=application/x-ndjson
	[ "${2:-}" = sse ] && accept=text/event-stream
	# --no-buffer prints each event as it arrives.
	api --no-buffer -H "Accept: $accept" http://scannerd/v1/events
	;;
scan)
	api --fail-with-body -X POST "http://scannerd/v1/scan?timeout=${2:-10s}"
	;;
results)
	api --fail-with-body "http://scannerd/v1/results?since=${2:-0}"
	;;
*)
	sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
