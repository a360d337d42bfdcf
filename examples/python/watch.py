#!/usr/bin/env python3
"""Print the barcodes scannerd reads, one line each: "SYMBOLOGY<TAB>text".

Only the standard library: http.client over an AF_UNIX socket. Reads the
event stream as NDJSON (one JSON object a line) or, with --sse, as
server-sent events.

    python3 watch.py [--socket PATH] [--sse] [--count N] [--symbology QR_CODE]
"""
import argparse
import http.client
import json
import os
import socket
import sys
import urllib.parse


class UnixHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a Unix socket instead of a TCP port."""

    def __init__(self, path):
        super().__init__("localhost")
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(self.socket_path)
        self.sock = sock


def ndjson_events(resp):
    """Yield (kind, object): results have no "event" member, others do."""
    for line in resp:
        line = line.strip()
        if not line:
            continue
        obj = json.loads(line)
        yield obj.get("event", "result"), obj


def sse_events(resp):
    """Yield (event type, parsed data) following the SSE field rules."""
    kind, data = "", []
    for raw in resp:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line == "":
            if data:
                yield kind or "message", json.loads("\n".join(data))
            kind, data = "", []
        elif line.startswith(":"):
            continue  # a comment: the heartbeat
        else:
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "event":
                kind = value
            elif field == "data":
                data.append(value)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--socket", default=os.environ.get("SCANNERD_SOCKET", "/run/scannerd/scannerd.sock"))
    p.add_argument("--sse", action="store_true", help="read server-sent events instead of NDJSON")
    p.add_argument("--count", type=int, default=0, help="exit after N barcodes")
    p.add_argument("--symbology", default="", help="only these symbologies, comma-separated")
    args = p.parse_args()

    query = "?" + urllib.parse.urlencode({"symbology": args.symbology}) if args.symbology else ""
    accept = "text/event-stream" if args.sse else "application/x-ndjson"
    conn = UnixHTTPConnection(args.socket)
    try:
        conn.request("GET", "/v1/events" + query, headers={"Accept": accept})
    except OSError as e:
        print(f"watch.py: cannot reach scannerd at {args.socket}: {e}", file=sys.stderr)
        return 4
    resp = conn.getresponse()
    if resp.status != 200:
        err = json.load(resp)["error"]
        print(f"watch.py: {err['code']}: {err['message']}", file=sys.stderr)
        return 1

    seen = 0
    for kind, obj in (sse_events(resp) if args.sse else ndjson_events(resp)):
        if kind == "result":
            print(f"{obj['symbology']}\t{obj['text']}", flush=True)
            seen += 1
            if args.count and seen >= args.count:
                return 0
        elif kind == "dropped":
            print(f"watch.py: {obj['dropped']} barcodes dropped", file=sys.stderr)
        elif kind == "disconnected":
            print(f"watch.py: daemon ended the stream: {obj['reason']}", file=sys.stderr)
            return 1
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
