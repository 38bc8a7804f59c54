#!/usr/bin/env python3
"""Millwright's speed benchmark: one run, every figure as a ratio to GET /health measured in the same run.

Builds the release binary, starts it on a fresh SQLite data folder on loopback, seeds 10,000 work orders across
50 assets through the API (audit chain included), and drives it with wrk (Debian's `wrk` package):

  bench/run                      # or: python3 bench/run.py [--orders N] [--duration S] [--connections C]

Prints requests/s, the ratio to /health, p50 and p99 for each case, and the server's peak RSS. Not part of CI:
machines here are noisy, so read the ratios, and compare runs made on one machine.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / ".build-release"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def web_cookie(base, email, password):
    """Signs in through the page, as a browser does; returns the session cookie."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/sign-in").read().decode()
    csrf = re.search(r'name="csrfToken" value="([^"]+)"', page)[1]
    form = urllib.parse.urlencode({"csrfToken": csrf, "email": email, "password": password, "next": "/"}).encode()
    opener.open(urllib.request.Request(base + "/sign-in", data=form, method="POST"))
    return next(c.value for c in jar if c.name == "millwright-session")


def wrk(url, connections, duration, headers=(), script=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])

    def percentile(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    completed = int(re.search(r"(\d+) requests in", out)[1])
    return {
        "rate": rate, "p50": percentile("50") if completed else float("nan"), "p99": percentile("99") if completed else float("nan"),
        "errors": int(non2xx[1]) if non2xx else 0, "timeouts": int(socket[4]) if socket else 0,
    }


def alone(url, headers, body):
    """One request with nothing else running: its time in ms, after the server has drained what came before."""
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    for header in headers:
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    if body:
        request.add_header("Content-Type", "application/json")
    best = float("inf")
    for _ in range(5):
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        best = min(best, (time.monotonic() - started) * 1000)
    return best


def post_script(path, body, token):
    """A wrk script that POSTs `body`; also returns what `alone` needs to send it once."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(
        f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\n'
        f'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer {token}"\n'
    )
    script.close()
    return script.name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--assets", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--hold", action="store_true", help="after seeding, print the server's address and credentials and keep it up (for a profiler) until interrupted")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--scratch-path", str(SCRATCH), "--product", "millwright"], cwd=ROOT, check=True)
    binary = SCRATCH / "release" / "millwright"
    data = Path(tempfile.mkdtemp(prefix="mw-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(data / "server.log", "w")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MILLWRIGHT_SECRET")}
    env.update({"MILLWRIGHT_DATA_DIR": str(data), "LOG_LEVEL": "warning"})
    server = subprocess.Popen([str(binary), "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env, cwd=data, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/ready", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        text = (data / "server.log").read_text()
        password = re.search(r"│\s+password:\s+(\S+)", text)[1]
        email = "owner@millwright.local"
        signed = call(base, "POST", "/api/v1/auth/token", body={"email": email, "password": password})
        token = signed["accessToken"]

        started = time.monotonic()
        site = call(base, "POST", "/api/v1/sites", token, {"name": "Plant"})["id"]
        assets = [
            call(base, "POST", "/api/v1/assets", token, {"siteId": site, "tag": f"A-{i:03d}", "name": f"Machine {i}"})["id"]
            for i in range(args.assets)
        ]
        priorities = ["low", "medium", "high", "critical"]

        def make(i):
            body = {"title": f"Work order {i}", "assetId": assets[i % len(assets)], "priority": priorities[i % 4]}
            return call(base, "POST", "/api/v1/work-orders", token, body)["id"]

        with ThreadPoolExecutor(8) as pool:
            orders = list(pool.map(make, range(args.orders)))
        seeded = time.monotonic() - started
        print(f"seeded {args.orders} work orders on {args.assets} assets in {seeded:.0f} s ({args.orders / seeded:.0f}/s)", flush=True)
        cookie = web_cookie(base, email, password)
        bearer = f"Authorization: Bearer {token}"
        page = f"Cookie: millwright-session={cookie}"
        order = orders[len(orders) // 2]
        if args.hold:
            print(f"server pid {server.pid} at {base}\n  {bearer}\n  {page}\n  work order {order}\n  asset {assets[0]}", flush=True)
            try:
                server.wait()
            except KeyboardInterrupt:
                pass
            return
        c = args.connections
        cases = [
            ("GET /health", base + "/health", c, [], None),
            ("GET /api/v1/work-orders?limit=50", base + "/api/v1/work-orders?limit=50", c, [bearer], None),
            ("GET /api/v1/work-orders/{id}", base + f"/api/v1/work-orders/{order}", c, [bearer], None),
            ("GET /work-orders/{id} (page)", base + f"/work-orders/{order}", c, [page], None),
            ("GET / (home page)", base + "/", c, [page], None),
            ("GET /api/v1/me", base + "/api/v1/me", c, [bearer], None),
            ("POST /api/v1/diagnoses (text)", base + "/api/v1/diagnoses", c, [],
             post_script("/api/v1/diagnoses", {"query": "PowerFlex 525 F004 undervoltage"}, token)),
            ("POST /api/v1/work-orders (8 clients)", base + "/api/v1/work-orders", 8, [],
             post_script("/api/v1/work-orders", {"title": "Bench", "assetId": assets[0]}, token)),
        ]
        bodies = {
            "POST /api/v1/diagnoses (text)": json.dumps({"query": "PowerFlex 525 F004 undervoltage"}).encode(),
            "POST /api/v1/work-orders (8 clients)": json.dumps({"title": "Bench", "assetId": assets[0]}).encode(),
        }
        results = []
        for name, url, connections, headers, script in cases:
            body = bodies.get(name)
            single = alone(url, headers + ([bearer] if body else []), body)
            result = wrk(url, connections, args.duration, headers, script)
            result["alone"] = single
            results.append((name, connections, result))
            print(f"  measured {name}", flush=True)
        health = results[0][2]["rate"]
        peak = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{server.pid}/status").read_text())
        print()
        print(
            f"{'case':40} {'conns':>5} {'req/s':>9} {'÷ health':>9} {'p50 ms':>8} {'p99 ms':>8} {'alone ms':>9} {'non-2xx':>8} {'timeouts':>8}")
        for name, connections, r in results:
            print(
                f"{name:40} {connections:>5} {r['rate']:>9.0f} {r['rate'] / health:>8.1%} {r['p50']:>8.1f} {r['p99']:>8.1f}"
                f" {r['alone']:>9.1f} {r['errors']:>8} {r['timeouts']:>8}")
        print("(alone: the fastest of 5 single requests before the load; a timeout is a request not answered in 10 s)")
        print(f"\npeak RSS of the server: {int(peak[1]) / 1024:.0f} MB" if peak else "")
    finally:
        server.terminate()
        server.wait(20)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
