#!/usr/bin/env python3
"""Follows GET /v1/alerts/stream?person=P, signed as gateway_call.py signs, and prints the id
of each alert event received, one a line, flushed, until it has COUNT of them or TIMEOUT_S
pass. With --last-event-id it resumes after that id, as a browser's EventSource does after a
reconnect.

    gateway_stream.py PERSON COUNT TIMEOUT_S [--last-event-id ID] [--app KEY]"""
import argparse, http.client, json, os, socket, sys, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gateway_call import sign  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("person")
    parser.add_argument("count", type=int)
    parser.add_argument("timeout_s", type=float)
    parser.add_argument("--last-event-id")
    parser.add_argument("--app", default="viewer")
    args = parser.parse_args()
    apps_path = os.environ.get("SHANHAI_GATEWAY_APPS") or os.path.join(
        os.environ.get("SHANHAI_DATA_DIR", "./var"), "gateway-apps.json")
    secret = {app["key"]: app for app in json.load(open(apps_path))}[args.app]["secret"]
    path = "/v1/alerts/stream?person=" + args.person
    timestamp, nonce = str(int(time.time() * 1000)), uuid.uuid4().hex
    headers = {"X-Shanhai-Key": args.app, "X-Shanhai-Timestamp": timestamp,
               "X-Shanhai-Nonce": nonce,
               "X-Shanhai-Signature": sign(secret, "GET", path, timestamp, nonce, b"")}
    if args.last_event_id:
        headers["Last-Event-ID"] = args.last_event_id
    host, _, port = os.environ["SHANHAI_GATEWAY_HTTP"].rpartition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=args.timeout_s)
    connection.request("GET", path, headers=headers)
    reply = connection.getresponse()
    if reply.status != 200:
        print("HTTP", reply.status, reply.read().decode(), file=sys.stderr)
        sys.exit(1)
    deadline, received = time.time() + args.timeout_s, 0
    print("open", flush=True)
    try:
        while received < args.count and time.time() < deadline:
            line = reply.readline()
            if not line:
                break  # the gateway ended the stream
            if line.startswith(b"id: "):
                print(line[4:].decode().strip(), flush=True)
                received += 1
    except (socket.timeout, TimeoutError):
        pass


if __name__ == "__main__":
    main()
