#!/usr/bin/env python3
"""Receive scannerd's webhook deliveries, checking their signatures.

Usage: webhook_receiver.py --port 8080 --secret-file hook.key

Standard library only. Prints one line per result: ID SYMBOLOGY TEXT.
Answers 204 when the signature and the timestamp are right (scannerd then
sends the next result), 401 otherwise. A result delivered again (the same
X-Scannerd-Result-Id: webhooks deliver at least once) is acknowledged but
printed once. Behind TLS (a reverse proxy) in production: scannerd posts
plain http only to a loopback address.
"""
import argparse
import collections
import hashlib
import hmac
import http.server
import json
import threading
import time

MAX_SKEW = 300  # seconds a request's timestamp may be off: replay protection


def verify(secret, headers, body):
    """True when the request was signed with secret, recently."""
    ts = headers.get("X-Scannerd-Timestamp", "")
    try:
        if abs(time.time() - int(ts)) > MAX_SKEW:
            return False
    except ValueError:
        return False
    want = "sha256=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, headers.get("X-Scannerd-Signature", ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--secret-file", required=True)
    args = ap.parse_args()
    with open(args.secret_file, "rb") as f:
        secret = f.readline().rstrip(b"\r\n")
    recent = collections.OrderedDict()  # result ids seen lately
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: one connection for many results

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not verify(secret, self.headers, body):
                self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            rid = self.headers.get("X-Scannerd-Result-Id")
            with lock:
                if rid not in recent:
                    recent[rid] = True
                    if len(recent) > 10000:
                        recent.popitem(last=False)
                    r = json.loads(body)
                    print(r["id"], r["symbology"], r["text"], flush=True)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("listening", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
