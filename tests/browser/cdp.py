#!/usr/bin/env python3
"""Drives headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3
in, fd 4 out, NUL-ended JSON), with the standard library only. The browser test uses it to
click and to watch the live feed, which --dump-dom cannot.

    cdp.py CHROMIUM PROFILE_DIR URL SCRIPT_FILE

SCRIPT_FILE holds one step a line: `wait EXPR` (until the page's JavaScript EXPR is truthy,
10 s at most), `eval EXPR` (run it), `print EXPR` (print its value as JSON), `shell COMMAND`
(run it, e.g. to record an event while the page is open). Exits 1 when a wait times out."""
import fcntl, json, os, subprocess, sys, time


class Browser:
    def __init__(self, chromium, profile, url):
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--user-data-dir=" + profile, "--remote-debugging-pipe", url]
        def pipes_on_3_and_4():  # fd 3 is what the browser reads, fd 4 what it writes
            reads = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            writes = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(reads, 3)
            os.dup2(writes, 4)
        self.process = subprocess.Popen(
            [chromium] + flags, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=pipes_on_3_and_4)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer, self.next_id, self.session = b"", 0, None

    def call(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self.from_browser, 65536)
                if not chunk:
                    raise RuntimeError("the browser closed the pipe")
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(line)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(reply["error"])
                return reply["result"]

    def attach(self):
        for _ in range(100):
            pages = [t for t in self.call("Target.getTargets", session=False)["targetInfos"]
                     if t["type"] == "page"]
            if pages:
                self.session = self.call("Target.attachToTarget", {
                    "targetId": pages[0]["targetId"], "flatten": True}, session=False)["sessionId"]
                return
            time.sleep(0.1)
        raise RuntimeError("no page")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        return result["result"].get("value")

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except RuntimeError:
            pass
        self.process.wait(timeout=10)


def main():
    chromium, profile, url, script = sys.argv[1:5]
    browser = Browser(chromium, profile, url)
    status = 0
    try:
        browser.attach()
        for line in open(script):
            step, _, argument = line.strip().partition(" ")
            if step == "wait":
                deadline = time.time() + 10
                while not browser.evaluate(argument):
                    if time.time() > deadline:
                        print("timed out waiting for", argument, file=sys.stderr)
                        return 1
                    time.sleep(0.1)
            elif step == "eval":
                browser.evaluate(argument)
            elif step == "print":
                print(json.dumps(browser.evaluate(argument), ensure_ascii=False), flush=True)
            elif step == "shell":
                subprocess.run(argument, shell=True, check=True, stdout=subprocess.DEVNULL)
    finally:
        browser.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
