#!/usr/bin/env python3
"""A stand-in for DingTalk's and WeCom's group robots and for a webhook, on loopback, for the
channels' integration tests.

    robot_receiver.py DIR SECRET WEBHOOK_SECRET [PORT]

Listens on PORT of 127.0.0.1, or a free one, and writes it to DIR/port (so a test that stops it
can start it again where the channels point). Paths:
  /dingtalk/<name>?access_token=..&timestamp=..&sign=..  checks the sign (HMAC-SHA256 of
      timestamp + "\\n" + SECRET, base64, URL-encoded), msgtype markdown, title and text,
      and that every atMobiles entry appears as @mobile in the text; answers {"errcode": 0}
      or the robot's own error (310000 for a bad sign, 300001 for a bad body) with HTTP 200.
  /wecom/<name>  checks msgtype markdown and content within 4,096 bytes.
  /webhook/<name>  checks X-Shanhai-Signature (sha256=hex of HMAC-SHA256 of timestamp + "\\n"
      + body with WEBHOOK_SECRET) and that the body is a JSON array of alerts.
Fails on demand: while DIR/fail exists every request is answered HTTP 503 (and still logged).
Logs every request as one JSON line in DIR/requests.log: {"at": unix seconds, "path", "ok":
whether it was accepted, "reason", "body"}. Stops on SIGTERM.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import signal
import sys
import time
import urllib.parse

DIR, SECRET, WEBHOOK_SECRET = sys.argv[1], sys.argv[2], sys.argv[3]
PORT = int(sys.argv[4]) if len(sys.argv) > 4 else 0
WECOM_CONTENT_BYTES_MAX = 4096


def dingtalk_check(query, body):
    timestamp = query.get("timestamp", [""])[0]
    sign = query.get("sign", [""])[0]  # parse_qs has URL-decoded it
    digest = hmac.new(SECRET.encode(), (timestamp + "\n" + SECRET).encode(), hashlib.sha256)
    if not timestamp or sign != base64.b64encode(digest.digest()).decode():
        return 310000, "sign not match"
    if abs(time.time() * 1000 - int(timestamp)) > 3600 * 1000:
        return 310000, "timestamp too far"
    markdown = body.get("markdown") or {}
    if body.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
        return 300001, "not a markdown message"
    for mobile in (body.get("at") or {}).get("atMobiles", []):
        if "@" + mobile not in markdown["text"]:
            return 300001, "mentioned without @mobile in the text"
    return 0, "ok"


def wecom_check(body):
    content = (body.get("markdown") or {}).get("content", "")
    if body.get("msgtype") != "markdown" or not content:
        return 40008, "not a markdown message"
    if len(content.encode()) > WECOM_CONTENT_BYTES_MAX:
        return 40058, "content exceeds 4096 bytes"
    return 0, "ok"


def webhook_check(headers, raw, body):
    timestamp = headers.get("X-Shanhai-Timestamp", "")
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), timestamp.encode() + b"\n" + raw,
                                    hashlib.sha256).hexdigest()
    if not hmac.compare_digest(headers.get("X-Shanhai-Signature", ""), expected):
        return 401, "bad signature"
    if not isinstance(body, list) or not all("id" in alert for alert in body):
        return 400, "not a list of alerts"
    return 0, "ok"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        url = urllib.parse.urlparse(self.path)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if os.path.exists(os.path.join(DIR, "fail")):
            code, reason, status = -1, "failing on demand", 503
        elif body is None:
            code, reason, status = 400, "not JSON", 400
        elif url.path.startswith("/dingtalk/"):
            code, reason = dingtalk_check(urllib.parse.parse_qs(url.query), body)
            status = 200
        elif url.path.startswith("/wecom/"):
            code, reason = wecom_check(body)
            status = 200
        elif url.path.startswith("/webhook/"):
            code, reason = webhook_check(self.headers, raw, body)
            status = 204 if code == 0 else code
        else:
            code, reason, status = 404, "no such path", 404
        with open(os.path.join(DIR, "requests.log"), "a") as log:
            log.write(json.dumps({"at": time.time(), "path": url.path, "ok": code == 0,
                                  "reason": reason, "body": body}, ensure_ascii=False) + "\n")
        reply = b"" if status == 204 else json.dumps({"errcode": code, "errmsg": reason}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


def main():
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(os.path.join(DIR, "port.tmp"), "w") as port:
        port.write(str(server.server_address[1]))
    os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
    server.serve_forever()


main()
