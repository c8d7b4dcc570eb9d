"""Webhook and end-to-end figures for `kakehashi serve` on this machine (printed, not asserted).

Starts a fake LINE API with the latency you choose, `kakehashi serve` against it (embedded Redis in a temp
dir), and a load generator posting signed webhook bodies from many users. Prints webhook requests/s and
p50/p99 latency, and answers/s counted at the fake API.

    .venv/bin/python -m bench.webhook --seconds 10 --api-ms 200 --clients 16
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from tests import line_events as ev
from tests.fake_line import FakeLineApi

SECRET = "bench-secret"


def wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("serve did not become ready")


def load(port: int, seconds: float, clients: int, users: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        i = 0
        while time.monotonic() < stop:
            user = ev.user_id(f"bench-{(n * 7919 + i) % users}")
            body = ev.body(ev.text(user, "ヘルプ" if i % 2 else "メニュー"))
            started = time.perf_counter()
            conn.request("POST", "/callback", body=body.encode(),
                         headers={"X-Line-Signature": ev.sign(body, SECRET), "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                raise SystemExit(f"webhook answered {response.status}")
            i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, len(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--api-ms", type=float, default=200, help="latency of the fake LINE API")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--port", type=int, default=18731)
    args = parser.parse_args()

    with FakeLineApi() as fake, tempfile.TemporaryDirectory() as data:
        fake.delay = args.api_ms / 1000
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "KAKEHASHI_DATA_KEY")}
        env.update(PORT=str(args.port), LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN=fake.access_token,
                   LINE_API_BASE_URL=fake.url, KAKEHASHI_DATA_DIR=data, KAKEHASHI_LOG_LEVEL="WARNING")
        serve = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, stdout=subprocess.DEVNULL)
        try:
            wait_ready(args.port)
            started = time.monotonic()
            latencies, sent = load(args.port, args.seconds, args.clients, args.users)
            elapsed = time.monotonic() - started
            deadline = time.monotonic() + 120
            while len(fake.deliveries()) < sent and time.monotonic() < deadline:
                time.sleep(0.05)
            drained = time.monotonic() - started
            answered = len(fake.deliveries())
        finally:
            serve.terminate()
            serve.wait(30)
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"fake LINE API latency     {args.api_ms:.0f} ms, {args.clients} clients, {args.users} users")
    print(f"webhook                   {sent / elapsed:,.0f} requests/s over {elapsed:.1f}s ({sent} requests)")
    print(f"webhook latency           p50 {p(0.5):.1f} ms   p99 {p(0.99):.1f} ms   "
          f"mean {statistics.mean(latencies) * 1000:.1f} ms")
    print(f"answered at the fake API  {answered}/{sent}   {answered / drained:,.0f} answers/s end to end")


if __name__ == "__main__":
    main()
