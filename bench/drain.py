"""The worker alone, on a backlog: how much CPU one answered message costs in the worker process (and in
Redis), with no web server or load generator competing. Quieter than the full benchmark on a busy machine,
so it guides the work; `python -m bench` gives the figures the README reports.

    .venv/bin/python -m bench.drain --events 4000 --users 1000
    py-spy record -o profile.svg -- .venv/bin/python -m bench.drain    # where that CPU goes
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import procs
from bench.__main__ import TOKEN, fake_stats
from bench.load import WALK
from bot.clock import system_clock
from bot.settings import Settings
from bot.store.connection import open_redis
from bot.store.embedded import EmbeddedRedis
from bot.store.keyring import Keyring, encoded
from bot.stream.envelope import Envelope
from bot.stream.inbox import Inbox
from bot.wiring import build_worker


def backlog(users: int, events: int, now: float) -> list[Envelope]:
    """`events` envelopes, user j % users walking the visitation flow, each with a fresh reply token."""
    out = []
    for j in range(events):
        kind, what = WALK[(j // users) % len(WALK)]
        out.append(Envelope(event_id=uuid.uuid4().hex, chat_id=f"Ubench{j % users:027d}", kind=kind,
                            text=what if kind == "text" else "", params={} if kind == "text" else {"data": what},
                            reply_token=uuid.uuid4().hex, timestamp=int(now * 1000)))
    return out


def drain(events: int, users: int, threads: int, partitions: int) -> dict[str, float]:
    keyring = Keyring((b"d" * 32,))
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis(Path(tmp)).start()
        port = procs.free_port()
        fake = procs.start([sys.executable, "-m", "bench.fake_api", "--port", str(port)], {})
        try:
            procs.wait_http(f"http://127.0.0.1:{port}/_stats", fake)
            settings = Settings(line_channel_access_token=TOKEN, line_api_base_url=f"http://127.0.0.1:{port}",
                                redis_url=server.url, data_key=encoded(keyring), data_dir=Path(tmp),
                                worker_threads=threads, partitions=partitions)
            r = open_redis(server.url)
            inbox = Inbox(r, partitions, keyring)
            queued = backlog(users, events, system_clock())
            for start in range(0, len(queued), 500):
                inbox.accept(queued[start:start + 500])
            redis_pid = int(server.pidfile.read_text().strip())
            worker = build_worker(settings, r)  # reading the flows is start-up, not answering
            before, cpu, redis_cpu = fake_stats(port), time.process_time(), procs.cpu_seconds(redis_pid)
            started = time.monotonic()
            worker.start()
            while fake_stats(port) - before < events and time.monotonic() - started < 300:
                time.sleep(0.05)
            elapsed = time.monotonic() - started
            worker.stop()
            answered = fake_stats(port) - before
            return {"answered": answered, "seconds": elapsed, "answers_per_s": answered / elapsed,
                    "worker_cpu_us": (time.process_time() - cpu) / answered * 1e6,
                    "redis_cpu_us": (procs.cpu_seconds(redis_pid) - redis_cpu) / answered * 1e6}
        finally:
            procs.stop(fake)
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--partitions", type=int, default=Settings().partitions)
    args = parser.parse_args()
    got = drain(args.events, args.users, args.threads, args.partitions)
    print(f"{got['answered']:.0f} answers in {got['seconds']:.2f} s: {got['answers_per_s']:,.0f}/s; CPU per answer: "
          f"worker {got['worker_cpu_us']:,.0f} µs, redis {got['redis_cpu_us']:,.0f} µs")


if __name__ == "__main__":
    main()
