#!/usr/bin/env python3
"""A loopback webhook receiver for Tally's alert tests and `make run` (Python stdlib only).

It verifies Standard Webhooks signatures (v1, HMAC-SHA256 over "id.timestamp.body", timestamps
within 5 minutes, constant-time comparison) and appends one JSON line per request to --log.
How it answers is chosen by the URL path, counted per path and webhook-id, so one receiver
serves every scenario of a test run:

  /ok                       200
  /fail/STATUS/N            STATUS for the first N attempts of each message, then 200
  /retry-after/SECONDS/N    429 with Retry-After: SECONDS for the first N attempts, then 200
  /hang/SECONDS/N           wait SECONDS before answering 200, for the first N attempts
  /status/STATUS            always STATUS (400: dead at once; 302: a redirect not to follow)

It listens on 127.0.0.1 only, writes its port to --port-file once ready, and stops by itself
after --lifetime seconds.

  python3 scripts/webhook_receiver.py --port-file /tmp/port --log /tmp/deliveries.jsonl \\
      --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60


def secret_key(secret):
    """The HMAC key: base64 after whsec_, else the raw text (as Tally reads it)."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):])
    return secret.encode()


def verify(key, headers, body):
    """True/False for a signed request, None when it carries no signature (Slack style)."""
    signatures = headers.get("webhook-signature")
    if signatures is None:
        return None
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    try:
        if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
            return False
    except ValueError:
        return False
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for entry in signatures.split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, key, log_path):
        super().__init__(address, Handler)
        self.key = key
        self.log_path = log_path
        self.lock = threading.Lock()
        self.seen = {}

    def attempt_number(self, path, msg_id):
        with self.lock:
            number = self.seen.get((path, msg_id), 0) + 1
            self.seen[(path, msg_id)] = number
            return number

    def record(self, entry):
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry, sort_keys=True) + "\n")
                log.flush()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        msg_id = self.headers.get("webhook-id", "")
        path = self.path
        attempt = self.server.attempt_number(path, msg_id)
        status, extra_headers, delay = self.plan(path.strip("/").split("/"), attempt)
        self.server.record({
            "path": path, "webhook_id": msg_id, "webhook_timestamp": self.headers.get("webhook-timestamp"),
            "signature_ok": verify(self.server.key, self.headers, body), "attempt": attempt,
            "answered": status if delay == 0 else "hang", "received_at": time.time(),
            "content_type": self.headers.get("Content-Type"), "body": body.decode("utf-8", "replace"),
        })
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            for name, value in extra_headers:
                self.send_header(name, value)
            payload = b"ok" if 200 <= status < 300 else b"receiver says %d" % status
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    @staticmethod
    def plan(parts, attempt):
        """(status, headers, seconds to wait first) for this attempt of a message at this path."""
        try:
            if parts[0] == "fail" and attempt <= int(parts[2]):
                return int(parts[1]), [], 0
            if parts[0] == "retry-after" and attempt <= int(parts[2]):
                return 429, [("Retry-After", parts[1])], 0
            if parts[0] == "hang" and attempt <= int(parts[2]):
                return 200, [], float(parts[1])
            if parts[0] == "status":
                headers = [("Location", "http://127.0.0.1:9/elsewhere")] if 300 <= int(parts[1]) < 400 else []
                return int(parts[1]), headers, 0
        except (IndexError, ValueError):
            return 404, [], 0
        return 200, [], 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port-file", required=True, help="written with the port once listening")
    parser.add_argument("--log", required=True, help="JSON lines, one per request")
    parser.add_argument("--secret", required=True, help="whsec_… or raw signing secret")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--lifetime", type=float, default=900, help="seconds before stopping by itself")
    args = parser.parse_args()
    server = Receiver(("127.0.0.1", args.port), secret_key(args.secret), args.log)
    threading.Timer(args.lifetime, server.shutdown).start()
    temporary = args.port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(str(server.server_address[1]))
    os.replace(temporary, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
