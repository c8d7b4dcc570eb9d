"""Kakehashi's benchmark: one command, every figure the README reports, printed (never asserted).

Starts, on this machine and in one run: a fast fake LINE API (bench/fake_api.py) with a latency we set;
the bare baseline (Flask + gunicorn, signature, one Redis GET + SET); the line-bot-sdk echo sample (reply
inside the request); and `kakehashi serve` with its workers. A load generator posts signed webhook bodies
from many users walking a real flow. Rounds are interleaved (baseline, Kakehashi, echo, again…) so that
drift on the machine hits all three alike; each figure is the median of the rounds.

    .venv/bin/python -m bench                  # the defaults the README reports
    .venv/bin/python -m bench --seconds 5 --rounds 2 --latencies 0
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import load, micro, procs
from bot.store.embedded import EmbeddedRedis

SECRET, TOKEN = "bench-secret", "bench-token"
SYSTEMS = ("baseline", "kakehashi", "echo")


@dataclass
class Round:
    rps: float
    p50: float
    p99: float
    answers_per_s: float
    cpu_ms: float


def fake_stats(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stats", timeout=5) as response:
        counts = json.load(response)
    return int(counts["reply"] + counts["push"])


def set_latency(port: int, ms: float) -> None:
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/_latency?ms={ms}", method="POST"),
                           timeout=5).read()


def drain(fake: int, before: int, expected: int, quiet_s: float = 1.5, limit_s: float = 120) -> tuple[int, float]:
    """Answers counted at the fake API until they stop coming (or all arrived), and how long that took."""
    started, last, seen = time.monotonic(), time.monotonic(), fake_stats(fake) - before
    while seen < expected and time.monotonic() - last < quiet_s and time.monotonic() - started < limit_s:
        time.sleep(0.1)
        now = fake_stats(fake) - before
        if now != seen:
            seen, last = now, time.monotonic()
    return seen, time.monotonic() - started


def one_round(system: str, port: int, pid: int, fake: int, args: argparse.Namespace) -> Round:
    pairs = load.bodies(SECRET, args.users, args.bodies, uuid.uuid4().hex[:14])
    cpu, answered_before = procs.cpu_seconds(pid), fake_stats(fake)
    result = load.run(port, pairs, args.seconds, args.connections, args.threads)
    answered, extra = drain(fake, answered_before, result.requests) if system != "baseline" else (0, 0.0)
    cpu_used = procs.cpu_seconds(pid) - cpu
    if result.errors:
        print(f"  ! {system}: {result.errors} failed requests")
    return Round(result.rps, result.p50_ms, result.p99_ms, answered / (result.seconds + extra),
                 cpu_used / max(result.requests, 1) * 1000)


def median(rounds: list[Round], field: str) -> float:
    return statistics.median(getattr(r, field) for r in rounds)


def report(latency: float, results: dict[str, list[Round]]) -> None:
    base, echo = results["baseline"], results["echo"]
    print(f"\nfake LINE API at {latency:.0f} ms (median of {len(base)} interleaved rounds)")
    print(f"  {'':10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'answers/s':>10} {'CPU ms/req':>11}")
    for system in SYSTEMS:
        rounds = results[system]
        answers = f"{median(rounds, 'answers_per_s'):10,.0f}" if system != "baseline" else f"{'—':>10}"
        print(f"  {system:10} {median(rounds, 'rps'):9,.0f} {median(rounds, 'p50'):8.1f} {median(rounds, 'p99'):8.1f} "
              f"{answers} {median(rounds, 'cpu_ms'):11.2f}")
    kh = results["kakehashi"]
    print(f"  webhook acks:  {median(kh, 'rps') / median(base, 'rps'):.2f}× the baseline's requests/s (target ≥ 0.9), "
          f"p99 {median(kh, 'p99') / median(base, 'p99'):.2f}× (target ≤ 1.3)")
    target = "1.2" if latency == 0 else "10" if latency == 50 else "—"
    print(f"  answers:       {median(kh, 'answers_per_s') / median(echo, 'answers_per_s'):.2f}× the echo sample's "
          f"end-to-end answers/s (target ≥ {target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8, help="load per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latencies", default="0,50", help="fake LINE API latencies to measure, ms")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="load generator threads")
    parser.add_argument("--web", type=int, default=2, help="gunicorn processes for every system")
    parser.add_argument("--bodies", type=int, default=120_000, help="distinct events prepared per round")
    parser.add_argument("--sessions", type=int, default=micro.SESSIONS)
    args = parser.parse_args()

    print(f"load generator: {load.generator()}, {args.connections} connections, {args.users} users")
    fake_port, ports = procs.free_port(), {s: procs.free_port() for s in SYSTEMS}
    with tempfile.TemporaryDirectory() as tmp:
        redis_server = EmbeddedRedis(Path(tmp) / "baseline").start()
        line = {"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                "LINE_API_BASE_URL": f"http://127.0.0.1:{fake_port}"}
        running = {
            "fake": procs.start([sys.executable, "-m", "bench.fake_api", "--port", str(fake_port)], {}),
            "baseline": procs.gunicorn("bench.baseline_app:create_app()", ports["baseline"], args.web, 8,
                                       {**line, "REDIS_URL": redis_server.url}),
            "echo": procs.gunicorn("bench.echo_app:create_app()", ports["echo"], args.web, 8, line),
            "kakehashi": procs.start([sys.executable, "-m", "bot", "serve"], {
                **line, "PORT": str(ports["kakehashi"]), "WEB_CONCURRENCY": str(args.web),
                "KAKEHASHI_DATA_DIR": f"{tmp}/kakehashi", "KAKEHASHI_LOG_LEVEL": "WARNING",
                "REDIS_URL": "", "KAKEHASHI_DATA_KEY": ""}),
        }
        try:
            procs.wait_http(f"http://127.0.0.1:{fake_port}/_stats", running["fake"])
            for system in SYSTEMS:
                path = "/readyz" if system == "kakehashi" else "/callback"
                procs.wait_http(f"http://127.0.0.1:{ports[system]}{path}", running[system])
            for latency in (float(x) for x in args.latencies.split(",")):
                set_latency(fake_port, latency)
                results: dict[str, list[Round]] = {s: [] for s in SYSTEMS}
                for _ in range(args.rounds):
                    for system in SYSTEMS:
                        results[system].append(one_round(system, ports[system], running[system].pid, fake_port, args))
                report(latency, results)
        finally:
            for process in running.values():
                procs.stop(process)
            redis_server.stop()

    per_session, stored = micro.session_bytes(args.sessions)
    print(f"\nmemory per idle session: {per_session:,.0f} bytes (MEMORY USAGE, {stored:,} sessions; target ≤ 2,048)")
    turn, trigger = micro.turn_vs_trigger()
    print(f"engine turn: {turn:,.1f} µs; bare transitions trigger: {trigger:,.2f} µs; "
          f"ratio {turn / trigger:.1f}× (target ≤ 3)")
    from bot.language.cost import per_turn_us, worker_memory  # understanding (#15): Sudachi + classifiers

    added = per_turn_us([text for kind, text in load.WALK if kind == "text"] + list(micro.TYPED))
    mem = worker_memory()
    print(f"understanding: median {added['turn_median_us']:,.0f} µs added to a text turn (p90 "
          f"{added['turn_p90_us']:,.0f}; target median ≤ 300), {added['route_median_us']:,.0f} µs to route a first "
          f"message; worker resident memory {mem['rss_before']:,.0f} → {mem['rss_after']:,.0f} MB with Sudachi and "
          f"the classifiers loaded: its own {mem['own_before']:,.0f} → {mem['own_after']:,.0f} MB, file pages "
          f"{mem['mapped_before']:,.0f} → {mem['mapped_after']:,.0f} MB (Sudachi's dictionary, mapped and shared)")


if __name__ == "__main__":
    main()
