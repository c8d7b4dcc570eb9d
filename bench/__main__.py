"""Kakehashi's benchmark: one command, every figure the README reports, printed (never asserted).

Starts, on this machine and in one run: a fast fake LINE API (bench/fake_api.py) with a latency we set;
the bare baseline (Flask + gunicorn, signature, one Redis GET + SET); the line-bot-sdk echo sample (reply
inside the request); and `kakehashi serve` with its worker processes. A load generator posts signed webhook
bodies from many users walking a real flow, as fast as the servers take them (the rate, the answers, the
CPU per answer, and how fast Kakehashi's queue grows when acks outrun answers); then an open-loop generator
posts at 50% and 90% of each system's measured answers/s, for the end-to-end latency from the webhook's
receipt to the answer at the fake LINE API. Rounds are interleaved (baseline, Kakehashi, echo, again…) so
that drift on the machine hits all three alike; each figure is the median of the rounds.

    .venv/bin/python -m bench                  # the defaults the README reports
    .venv/bin/python -m bench --seconds 5 --rounds 2 --latencies 0
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import load, micro, procs
from bot.settings import Settings
from bot.store import keys
from bot.store.connection import open_redis
from bot.store.embedded import EmbeddedRedis

SECRET, TOKEN = "bench-secret", "bench-token"
SYSTEMS = ("baseline", "kakehashi", "echo")
ANSWERING = ("kakehashi", "echo")
LOADS = (0.5, 0.9)  # of each system's measured capacity, for the end-to-end latency


@dataclass
class Round:
    """A closed-loop round at full speed: the webhook's rate and latency, the answers, the cost."""

    rps: float
    p50: float
    p99: float
    answers_per_s: float
    cpu_ms: float  # per answered message (per request for the baseline, which answers nothing)
    queue_growth: float = 0.0  # events/s the stream grew by while the load ran (Kakehashi)


@dataclass
class PacedRound:
    """An open-loop round at a set share of capacity: webhook receipt → answer at the fake LINE API."""

    rate: float
    e2e_p50: float
    e2e_p99: float
    answered: float  # share of the requests whose answer was seen


def fake_get(port: int, path: str) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return dict(json.load(response))


def fake_stats(port: int) -> int:
    counts = fake_get(port, "/_stats")
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


class Backlog:
    """Events queued and not yet answered in Kakehashi's streams."""

    def __init__(self, url: str, partitions: int) -> None:
        self.redis, self.partitions = open_redis(url), partitions

    def depth(self) -> int:
        pipe = self.redis.pipeline(transaction=False)
        for p in range(self.partitions):
            pipe.xlen(keys.stream(p))
        return sum(int(n) for n in pipe.execute())


def one_round(system: str, port: int, pid: int, fake: int, args: argparse.Namespace, pace: dict[str, float],
              backlog: Backlog) -> Round:
    pairs = load.bodies(SECRET, args.users, args.bodies, uuid.uuid4().hex[:14], rate=2 * pace.get(system, 4000))
    cpu, answered_before = procs.cpu_seconds(pid), fake_stats(fake)
    depth = backlog.depth() if system == "kakehashi" else 0
    result = load.run(port, pairs, args.seconds, args.connections, args.threads)
    growth = (backlog.depth() - depth) / result.seconds if system == "kakehashi" else 0.0
    answered, extra = drain(fake, answered_before, result.requests) if system != "baseline" else (0, 0.0)
    cpu_used = procs.cpu_seconds(pid) - cpu
    if result.errors:
        print(f"  ! {system}: {result.errors} failed requests")
    pace[system] = result.rps
    per = answered if system != "baseline" else result.requests
    return Round(result.rps, result.p50_ms, result.p99_ms, answered / (result.seconds + extra),
                 cpu_used / max(per, 1) * 1000, growth)


def paced_round(system: str, port: int, fake: int, rate: float, args: argparse.Namespace) -> PacedRound:
    made = load.Bodies(SECRET, args.users, uuid.uuid4().hex[:14])
    fake_get(fake, "/_arrivals")  # forget earlier rounds'
    before = fake_stats(fake)
    run = load.paced(port, made, rate, args.paced_seconds)
    drain(fake, before, len(run.sent))
    arrivals = fake_get(fake, "/_arrivals")
    e2e = sorted((arrivals[token] - at) * 1000 for token, at in run.sent.items() if token in arrivals)
    if run.errors:
        print(f"  ! {system} at {rate:,.0f}/s: {run.errors} failed requests")
    return PacedRound(len(run.sent) / run.seconds, load.percentile(e2e, 0.5), load.percentile(e2e, 0.99),
                      len(e2e) / max(len(run.sent), 1))


def median(rounds: list[Round] | list[PacedRound], field: str) -> float:
    return statistics.median(getattr(r, field) for r in rounds)


def report(latency: float, results: dict[str, list[Round]], paced: dict[tuple[str, float], list[PacedRound]]) -> None:
    base, echo, kh = results["baseline"], results["echo"], results["kakehashi"]
    print(f"\nfake LINE API at {latency:.0f} ms (median of {len(base)} interleaved rounds; end to end: webhook "
          "receipt → answer at the fake API, open loop at 50% and 90% of each system's answers/s)")
    print(f"  {'':10} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'answers/s':>10} {'CPU ms/ans':>10} {'queue +/s':>9} "
          f"{'e2e@50% p50/p99':>16} {'e2e@90% p50/p99':>16}")
    for system in SYSTEMS:
        rounds = results[system]
        answers = f"{median(rounds, 'answers_per_s'):10,.0f}" if system != "baseline" else f"{'—':>10}"
        growth = f"{median(rounds, 'queue_growth'):9,.0f}" if system == "kakehashi" else f"{'—':>9}"
        e2e = [f"{median(paced[system, f], 'e2e_p50'):7.1f}/{median(paced[system, f], 'e2e_p99'):<8.1f}"
               if (system, f) in paced else f"{'—':>16}" for f in LOADS]
        print(f"  {system:10} {median(rounds, 'rps'):7,.0f} {median(rounds, 'p50'):7.1f} {median(rounds, 'p99'):7.1f} "
              f"{answers} {median(rounds, 'cpu_ms'):10.2f} {growth} {e2e[0]:>16} {e2e[1]:>16}")
    for system in ANSWERING:
        for f in LOADS:
            got = paced.get((system, f))
            if got and median(got, "answered") < 0.99:
                print(f"  ! {system} at {f:.0%}: only {median(got, 'answered'):.1%} of answers seen by reply")
    acks, p99 = median(kh, "rps") / median(base, "rps"), median(kh, "p99") / median(base, "p99")
    print(f"  webhook acks:  {acks:.2f}× the baseline's requests/s (target ≥ 0.85), p99 {p99:.2f}× (target ≤ 1.5)")
    target = "0.6" if latency == 0 else "5" if latency == 50 else "—"
    print(f"  answers:       {median(kh, 'answers_per_s') / median(echo, 'answers_per_s'):.2f}× the echo sample's "
          f"end-to-end answers/s (target ≥ {target}); CPU {median(kh, 'cpu_ms'):.2f} ms per answer (target ≤ 1.5)")
    if (kh_50 := paced.get(("kakehashi", 0.5))) and latency == 0:
        print(f"  end to end:    p99 {median(kh_50, 'e2e_p99'):.0f} ms at 50% load (target ≤ 150)")
    rise, sustainable = median(kh, "queue_growth"), median(kh, "answers_per_s")
    if rise > 0.02 * median(kh, "rps"):
        print(f"  overload:      the queue grew {rise:,.0f} events/s while acks outran answers: the sustainable "
              f"rate here is {sustainable:,.0f} answers/s")
    else:
        print("  overload:      answers kept up with acks (the queue did not grow)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8, help="load per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--paced-seconds", type=float, default=6, help="open-loop load per end-to-end round")
    parser.add_argument("--paced-rounds", type=int, default=1, help="end-to-end rounds per system and load")
    parser.add_argument("--latencies", default="0,50", help="fake LINE API latencies to measure, ms")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="load generator threads")
    parser.add_argument("--web", type=int, default=2, help="gunicorn processes for every system")
    parser.add_argument("--bodies", type=int, default=120_000, help="distinct events prepared per round")
    parser.add_argument("--sessions", type=int, default=micro.SESSIONS)
    args = parser.parse_args()

    print(f"load generator: {load.generator()}, {args.connections} connections, {args.users} users; "
          f"{os.cpu_count()} cores; Kakehashi's worker processes: "
          f"{os.environ.get('KAKEHASHI_WORKER_PROCESSES') or 'one per core'}")
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
            backlog = Backlog(EmbeddedRedis(Path(tmp) / "kakehashi").url, Settings().partitions)
            pace: dict[str, float] = {}
            for latency in (float(x) for x in args.latencies.split(",")):
                set_latency(fake_port, latency)
                results: dict[str, list[Round]] = {s: [] for s in SYSTEMS}
                for _ in range(args.rounds):
                    for system in SYSTEMS:
                        results[system].append(one_round(system, ports[system], running[system].pid, fake_port, args,
                                                         pace, backlog))
                paced: dict[tuple[str, float], list[PacedRound]] = {}
                for share in LOADS:
                    for _ in range(args.paced_rounds):
                        for system in ANSWERING:
                            rate = share * median(results[system], "answers_per_s")
                            paced.setdefault((system, share), []).append(
                                paced_round(system, ports[system], fake_port, rate, args))
                report(latency, results, paced)
        finally:
            for process in running.values():
                procs.stop(process)
            redis_server.stop()

    per_session, stored = micro.session_bytes(args.sessions)
    print(f"\nmemory per idle session: {per_session:,.0f} bytes (MEMORY USAGE, {stored:,} sessions; target ≤ 2,048)")
    turn, trigger = micro.turn_vs_trigger()
    print(f"engine turn: {turn:,.1f} µs; bare transitions trigger: {trigger:,.2f} µs; ratio {turn / trigger:.1f}× "
          "(printed for reference: a turn is about 2% of an answer's cost)")
    cost = micro.records()
    print(f"a session record: AES-GCM seal {cost['gcm_seal']:.1f} / open {cost['gcm_open']:.1f} µs, Fernet "
          f"{cost['fernet_seal']:.1f} / {cost['fernet_open']:.1f} µs; a result card's turn record as JSON "
          f"{cost['reply_json']:.0f} µs (to_dict() then dumps: {cost['reply_to_dict_dumps']:.0f} µs)")
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
