"""Signed webhook bodies from many users walking a real flow, and the load generators that post them.

wrk (Debian's package) when it is installed: C, so the load costs the machine little; else a Python one.
Either way every request carries a fresh event (its own webhookEventId and reply token), so nothing is
dropped as a redelivery and every request should produce an answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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


class Bodies:
    """Signed webhook bodies, made fast from one JSON template per (user, step of the walk): body j is user
    j % users's next step, with its own event id and reply token, stamped with the time it is meant to go."""

    def __init__(self, secret: str, users: int, round_id: str) -> None:
        self.secret, self.users, self.round_id = secret.encode(), users, round_id
        self.templates: dict[tuple[int, int], str] = {}

    def _template(self, user: int, step: int) -> str:
        key = (user, step)
        if key not in self.templates:
            who = ev.user_id(f"bench-{user}")
            kind, what = WALK[step]
            event = ev.text(who, what) if kind == "text" else ev.postback(who, what)
            event.update(webhookEventId="@EID@", replyToken="@TOKEN@", timestamp=-1)
            self.templates[key] = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False,
                                             separators=(",", ":")).replace('"timestamp":-1', '"timestamp":@TS@')
        return self.templates[key]

    def token(self, j: int) -> str:
        return f"{self.round_id}{j:018d}"

    def body(self, j: int, at_ms: int) -> tuple[str, str]:
        template = self._template(j % self.users, (j // self.users) % len(WALK))
        body = (template.replace("@EID@", f"{self.round_id}{j:012d}").replace("@TOKEN@", self.token(j))
                .replace("@TS@", str(at_ms)))
        return base64.b64encode(hmac.new(self.secret, body.encode(), hashlib.sha256).digest()).decode(), body


def bodies(secret: str, users: int, count: int, round_id: str, rate: float = 0) -> list[tuple[str, str]]:
    """`count` (signature, body) pairs; body j is user j % users's next step of the walk, stamped with when it
    should be sent at `rate` per second from now (a body stamped long before it is sent would look like an
    event that waited in LINE, and show the loading animation)."""
    made, start = Bodies(secret, users, round_id), time.time()
    return [made.body(j, int((start + (j / rate if rate else 0)) * 1000)) for j in range(count)]


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


@dataclass(frozen=True)
class Paced:
    """An open-loop run at a set rate: when each body went (wall clock, for the end-to-end latency), and the
    webhook's acknowledgement latencies."""

    sent: dict[str, float]  # reply token → when its request started
    ack_ms: list[float]
    seconds: float
    errors: int


def paced(port: int, made: Bodies, rate: float, seconds: float, connections: int = 32) -> Paced:
    """Post `rate` requests a second for `seconds`, each on its schedule whatever the server's pace (open loop,
    so a slow server shows as latency, not as fewer requests); each body is made and stamped as it goes."""
    total = int(rate * seconds)
    sent: dict[str, float] = {}
    acks: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.monotonic() + 0.2
    wall = time.time() + 0.2

    def client(n: int) -> None:
        conn, mine, times = http.client.HTTPConnection("127.0.0.1", port, timeout=10), [], {}
        for j in range(n, total, connections):
            due = start + j / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            now = time.time()
            sig, body = made.body(j, int(now * 1000))
            began = time.perf_counter()
            try:
                conn.request("POST", "/callback", body=body.encode(),
                             headers={"X-Line-Signature": sig, "Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn.close()
                conn, ok = http.client.HTTPConnection("127.0.0.1", port, timeout=10), False
            mine.append((time.perf_counter() - began) * 1000)
            times[made.token(j)] = now
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            acks.extend(mine)
            sent.update(times)

    workers = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return Paced(sent, sorted(acks), max(time.time() - wall, 1e-9), errors[0])


def percentile(values: list[float], q: float) -> float:
    """`values` sorted; 0 when empty."""
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0
