"""Signed webhook bodies from many users walking a real flow, and the load generators that post them.

wrk (Debian's package) when it is installed: C, so the load costs the machine little; else a Python one.
Either way every request carries a fresh event (its own webhookEventId and reply token), so nothing is
dropped as a redelivery and every request should produce an answer.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests import line_events as ev

# Each user's events, in order: the visitation flow to its result card, then back to the menu.
WALK = (("text", "子どもに会えない"), ("postback", "opt:visitation.stage.separated"),
        ("postback", "opt:visitation.risk.no"), ("postback", "opt:visitation.child_age.young"),
        ("postback", "opt:visitation.refuses.yes"), ("postback", "opt:visitation.agreement.none"),
        ("text", "メニュー"))

WRK_SCRIPT = """
local sigs, bodies, i, counter = {}, {}, 0, 0
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args)
  local n, idx = tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    if idx % n == tid then
      local tab = line:find("\\t")
      sigs[#sigs + 1] = line:sub(1, tab - 1)
      bodies[#bodies + 1] = line:sub(tab + 1)
    end
    idx = idx + 1
  end
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/callback",
    {["Content-Type"] = "application/json", ["X-Line-Signature"] = sigs[i]}, bodies[i])
end
function done(s, latency, requests)
  local e = s.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f, "errors": %d}\\n',
    s.requests, s.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def bodies(secret: str, users: int, count: int, round_id: str) -> list[tuple[str, str]]:
    """`count` (signature, body) pairs; body j is user j % users's next step of the walk."""
    out = []
    for j in range(count):
        user = ev.user_id(f"bench-{j % users}")
        kind, what = WALK[(j // users) % len(WALK)]
        event = ev.text(user, what) if kind == "text" else ev.postback(user, what)
        event["webhookEventId"] = f"{round_id}{j:012d}"
        body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False,
                          separators=(",", ":"))
        out.append((ev.sign(body, secret), body))
    return out


def run(port: int, pairs: list[tuple[str, str]], seconds: float, connections: int, threads: int) -> Load:
    return (_wrk if shutil.which("wrk") else _python)(port, pairs, seconds, connections, threads)


def generator() -> str:
    return "wrk" if shutil.which("wrk") else "python (install Debian's wrk for a lighter load generator)"


def _wrk(port: int, pairs: list[tuple[str, str]], seconds: float, connections: int, threads: int) -> Load:
    with tempfile.TemporaryDirectory() as tmp:
        data, script = Path(tmp) / "bodies.tsv", Path(tmp) / "post.lua"
        data.write_text("".join(f"{sig}\t{body}\n" for sig, body in pairs), encoding="utf-8")
        script.write_text(WRK_SCRIPT)
        done = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
                               "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}", "--",
                               str(data), str(threads)], capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if done.returncode or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}")
    return Load(**json.loads(line.removeprefix("RESULT ")))


def _python(port: int, pairs: list[tuple[str, str]], seconds: float, connections: int, _: int) -> Load:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        conn, mine, i = http.client.HTTPConnection("127.0.0.1", port, timeout=10), [], n
        while time.monotonic() < stop:
            sig, body = pairs[i % len(pairs)]
            started = time.perf_counter()
            conn.request("POST", "/callback", body=body.encode(),
                         headers={"X-Line-Signature": sig, "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors[0] += 1
            i += connections
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    at = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return Load(len(latencies), elapsed, at(0.5), at(0.99), errors[0])
