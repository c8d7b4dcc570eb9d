"""Real `kakehashi worker` processes: killed with -9 mid-stream, stopped with SIGTERM, scaled out beside
several gunicorn web processes — every event answered exactly once, each user's in order."""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.request
from typing import Any

from bot.store import keys
from bot.stream.partitions import GROUP, PartitionQueue
from bot.wiring import build_worker
from tests import line_events as ev
from tests.conftest import SECRET
from tests.faults import all_answered, in_order, lost_and_doubled
from tests.harness import until
from tests.web.test_metrics import parse, value


def post(client, fake_line, events: list[dict[str, Any]]) -> None:  # noqa: ANN001
    for event in events:
        fake_line.register_reply_token(event["replyToken"], event["source"]["userId"])
    body = ev.body(*events)
    assert client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, SECRET)}).status_code == 200


def workers_alive(r, n: int) -> bool:  # noqa: ANN001
    return PartitionQueue.workers_alive(r) >= n


def test_kill_9_of_a_worker_with_2000_events_in_flight(processes, client, fake_line, r) -> None:  # noqa: ANN001
    doomed = processes.worker("doomed", KAKEHASHI_WORKER_LEASE="2")
    processes.worker("survivor", KAKEHASHI_WORKER_LEASE="2")
    until(lambda: workers_alive(r, 2), timeout=30)
    users = [ev.user_id(f"kill-{n}") for n in range(200)]
    events = [ev.text(u, "ヘルプ" if i % 2 else "メニュー") for i in range(10) for u in users]
    for start in range(0, len(events), 100):
        post(client, fake_line, events[start:start + 100])
    fake_line.wait_for(lambda f: len(f.deliveries()) >= 300, timeout=30)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    in_flight = len(events) - len(fake_line.deliveries())
    assert in_flight > 500, "the kill came too late to prove anything"
    processes.worker("replacement", KAKEHASHI_WORKER_LEASE="2")  # a fresh process joins the survivor
    fake_line.wait_for(lambda f: all_answered(f, events), timeout=60)
    time.sleep(0.5)  # a late double would show by now
    assert lost_and_doubled(fake_line, events) == (0, 0)
    assert len(fake_line.deliveries()) == len(events)
    assert in_order(fake_line, events)
    assert not any(r.xlen(keys.stream(p)) for p in range(4)) and r.xlen(keys.DEADLETTERS) == 0
    # the survivor may answer everything while the replacement still loads the language layer: let it come up
    until(lambda: processes.output("replacement").strip(), timeout=30)
    for name in ("survivor", "replacement"):  # JSON lines only, and no crash
        lines = processes.output(name).splitlines()
        assert lines and all(json.loads(line)["level"] in ("INFO", "WARNING") for line in lines), name


def test_sigterm_finishes_the_turn_in_hand_and_leaves_the_rest(  # noqa: ANN001
        processes, client, fake_line, r, settings, clock) -> None:
    worker = processes.worker("stopped")  # the default lease: 20 s
    until(lambda: workers_alive(r, 1), timeout=30)
    user = ev.user_id("sigterm")
    events = [ev.text(user, "ヘルプ") for _ in range(5)]
    fake_line.delay = 1.0  # every answer takes a second to send
    post(client, fake_line, events)
    fake_line.wait_for(lambda f: f.arrived == 1)  # the first turn is sending
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0
    assert lost_and_doubled(fake_line, events[:1]) == (0, 0)  # the turn in hand was finished, once
    assert len(fake_line.deliveries()) == 1
    p = next(p for p in range(settings.partitions) if r.xlen(keys.stream(p)))
    assert r.xlen(keys.stream(p)) == 4 and r.xpending(keys.stream(p), GROUP)["pending"] == 4  # left for another
    assert not r.exists(keys.lease(p))  # released: the next worker need not wait for it to lapse
    assert "stopping" in processes.output("stopped") and "Traceback" not in processes.output("stopped")
    fake_line.delay = 0.0
    started = time.monotonic()
    successor = build_worker(settings, r, clock=clock).start()
    try:
        fake_line.wait_for(lambda f: all_answered(f, events), timeout=10)
        assert time.monotonic() - started < 5
        assert lost_and_doubled(fake_line, events) == (0, 0) and in_order(fake_line, events)
    finally:
        successor.stop()


def test_several_web_and_worker_processes_keep_each_users_order(processes, fake_line, r) -> None:  # noqa: ANN001
    base = processes.web(3)
    for n in range(3):
        processes.worker(f"worker-{n}")
    until(lambda: workers_alive(r, 3), timeout=30)
    users = [ev.user_id(f"scale-{n}") for n in range(40)]
    mine = {u: [ev.text(u, "ヘルプ" if i % 2 else "メニュー") for i in range(8)] for u in users}
    events = [e for i in range(8) for e in (mine[u][i] for u in users)]
    for event in events:
        fake_line.register_reply_token(event["replyToken"], event["source"]["userId"])
    posts: list[int] = []

    def talk(group: list[str]) -> None:  # each user's events one after another, users side by side
        for i in range(8):
            for u in group:
                body = ev.body(mine[u][i])
                request = urllib.request.Request(f"{base}/callback", data=body.encode(), method="POST", headers={
                    "X-Line-Signature": ev.sign(body, SECRET), "Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=10) as response:
                    posts.append(response.status)

    threads = [threading.Thread(target=talk, args=(users[k::8],)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert posts == [200] * len(events)
    fake_line.wait_for(lambda f: all_answered(f, events), timeout=40)
    time.sleep(0.3)
    assert lost_and_doubled(fake_line, events) == (0, 0)
    assert in_order(fake_line, events)

    def counted() -> dict | None:  # every web process shows the whole service's counts
        scrapes = []
        for _ in range(6):
            with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
                scrapes.append(parse(response.read().decode()))
        totals = {(value(s, "kakehashi_webhook_requests_total", status="200"), value(s, "kakehashi_turns_total"))
                  for s in scrapes}
        return scrapes[0] if totals == {(len(events), len(events))} else None

    figures = until(counted, timeout=5)
    assert isinstance(figures, dict) and value(figures, "kakehashi_workers_alive") == 3
