#!/usr/bin/env python3
"""One signed request to the gateway, as a bus client makes it (README.md, "The HTTP gateway").

    gateway_call.py METHOD PATH_WITH_QUERY [BODY] [options]

Prints the HTTP status on the first line and the reply's body on the second. Options bend the
request the way the tests need: another secret, a timestamp off by some ms, a given nonce, a
body altered after signing, a header left out. The gateway's address is SHANHAI_GATEWAY_HTTP;
the key and secret come from the apps file SHANHAI_GATEWAY_APPS (default
$SHANHAI_DATA_DIR/gateway-apps.json) unless given."""
import argparse, base64, hashlib, hmac, http.client, json, os, sys, time, uuid


def sign(secret, method, path_with_query, timestamp, nonce, body):
    path, _, query = path_with_query.partition("?")
    if query:
        path += "?" + "&".join(sorted(query.split("&")))
    canonical = "\n".join([method, path, timestamp, nonce, hashlib.sha256(body).hexdigest()])
    mac = hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("method")
    parser.add_argument("path")
    parser.add_argument("body", nargs="?", default="")
    parser.add_argument("--app", default="admin", help="the key in the apps file")
    parser.add_argument("--secret", help="sign with this secret instead of the app's")
    parser.add_argument("--skew-ms", type=int, default=0, help="timestamp offset")
    parser.add_argument("--nonce", help="the nonce (default: a fresh one)")
    parser.add_argument("--alter-body", help="send this body instead of the one signed")
    parser.add_argument("--omit", help="leave this header out (Key, Timestamp, Nonce, Signature)")
    parser.add_argument("--header", action="append", default=[], help="NAME:VALUE")
    args = parser.parse_args()
    apps_path = os.environ.get("SHANHAI_GATEWAY_APPS") or os.path.join(
        os.environ.get("SHANHAI_DATA_DIR", "./var"), "gateway-apps.json")
    apps = {app["key"]: app for app in json.load(open(apps_path))}
    secret = args.secret or apps[args.app]["secret"]
    body = args.body.encode()
    timestamp = str(int(time.time() * 1000) + args.skew_ms)
    nonce = args.nonce or uuid.uuid4().hex
    headers = {"X-Shanhai-Key": args.app, "X-Shanhai-Timestamp": timestamp,
               "X-Shanhai-Nonce": nonce,
               "X-Shanhai-Signature": sign(secret, args.method, args.path, timestamp, nonce, body)}
    if args.body:
        headers["Content-Type"] = "application/json"
    if args.omit:
        del headers["X-Shanhai-" + args.omit]
    for header in args.header:
        name, _, value = header.partition(":")
        headers[name] = value
    host, _, port = os.environ.get("SHANHAI_GATEWAY_HTTP", "127.0.0.1:7500").rpartition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    sent = args.alter_body.encode() if args.alter_body is not None else body
    connection.request(args.method, args.path, body=sent, headers=headers)
    reply = connection.getresponse()
    print(reply.status)
    sys.stdout.write(reply.read().decode() + "\n")


if __name__ == "__main__":
    main()
