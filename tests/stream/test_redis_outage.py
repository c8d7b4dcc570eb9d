"""Redis stopped and started again under load: the webhook says 503 while it is gone (LINE redelivers), nothing
that got a 200 is lost or doubled, and web and worker carry on by themselves."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest

from bot.store import keys
from bot.store.connection import open_redis
from bot.store.embedded import EmbeddedRedis
from bot.web.app import create_app
from bot.wiring import build_worker
from tests import line_events as ev
from tests.conftest import SECRET
from tests.faults import all_answered, lost_and_doubled
from tests.web.test_metrics import scrape, value


@pytest.mark.errors_expected  # it provokes the errors it is about
def test_redis_restart_under_load(settings, fake_line, tmp_path, clock) -> None:  # noqa: ANN001
    server = EmbeddedRedis(tmp_path / "own-redis").start()
    local = settings.with_(redis_url=server.url)
    r = open_redis(server.url)
    client = create_app(local, r, clock).test_client()
    worker = build_worker(local, r, clock=clock).start()
    users = [ev.user_id(f"outage-{n}") for n in range(20)]
    events: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []  # answered 503: LINE sends these again, marked as redeliveries
    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def post(event: dict[str, Any]) -> int:
        body = ev.body(event)
        status = client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, SECRET)}).status_code
        statuses[status] += 1
        return int(status)

    def line_platform() -> None:
        n = 0
        while not stop.is_set() or refused:
            if not stop.is_set():
                event = ev.text(users[n % len(users)], "ヘルプ")
                fake_line.register_reply_token(event["replyToken"], event["source"]["userId"])
                events.append(event)
                if post(event) != 200:
                    refused.append(event)
                n += 1
            for event in list(refused):
                if post(ev.redelivered(event)) == 200:
                    refused.remove(event)
            time.sleep(0.005)

    platform = threading.Thread(target=line_platform)
    try:
        platform.start()
        time.sleep(0.7)
        server.stop()
        time.sleep(0.3)
        assert client.get("/readyz").status_code == 503
        time.sleep(0.7)
        server.start()
        time.sleep(0.7)
        stop.set()
        platform.join(timeout=30)
        assert not platform.is_alive() and not refused
        assert set(statuses) == {200, 503} and statuses[503] >= 3, statuses
        fake_line.wait_for(lambda f: all_answered(f, events), timeout=5)  # at once: not after leases lapse
        time.sleep(0.3)
        assert lost_and_doubled(fake_line, events) == (0, 0)
        assert client.get("/readyz").status_code == 200
        assert r.xlen(keys.DEADLETTERS) == 0
        figures = scrape(client)[1]
        assert value(figures, "kakehashi_webhook_requests_total", status="503") == statuses[503]
        assert value(figures, "kakehashi_webhook_requests_total", status="200") == statuses[200]
    finally:
        stop.set()
        worker.stop()
        server.stop()
