"""GET /metrics: figures for the whole service, read from Redis when scraped, with nothing about a person."""

from __future__ import annotations

import time
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.store import keys
from bot.store.connection import open_redis
from bot.store.counters import Counters
from bot.store.embedded import EmbeddedRedis
from bot.store.keyring import resolve_keyring
from bot.web.app import create_app
from tests import line_events as ev
from tests.conftest import SECRET
from tests.harness import until

Figures = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Figures:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def scrape(client: Any) -> tuple[str, Figures]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    return text, parse(text)


def value(figures: Figures, name: str, **labels: str) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.cluster
def test_a_conversation_is_counted_without_a_trace_of_the_person(chat, client, fake_line, settings) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.say("ヘルプ")
    fake_line.expire_reply_token("gone")
    chat.send(ev.text(chat.user, "メニュー", replyToken="gone"))  # the token is refused: answered by push
    body = ev.body(ev.text(chat.user, "秘密"))
    assert client.post("/callback", data=body, headers={"X-Line-Signature": "forged"}).status_code == 400

    def counted() -> Figures | None:
        figures = scrape(client)[1]
        return figures if value(figures, "kakehashi_sends_total", outcome="push") == 1 else None

    figures = until(counted, timeout=5)
    assert isinstance(figures, dict)
    assert value(figures, "kakehashi_webhook_requests_total", status="200") == 3
    assert value(figures, "kakehashi_webhook_requests_total", status="400") == 1
    assert value(figures, "kakehashi_turns_total") == 3
    assert value(figures, "kakehashi_sends_total", outcome="reply") == 2
    assert value(figures, "kakehashi_sends_total", outcome="failed") == 0
    assert value(figures, "kakehashi_redis_up") == 1 and value(figures, "kakehashi_workers_alive") == 1
    for p in range(settings.partitions):
        assert ("kakehashi_queue_depth", (("partition", str(p)),)) in figures
    text = scrape(client)[0]
    user_key = resolve_keyring(settings).user_key(chat.user)
    assert chat.user not in text and user_key[:8] not in text and "秘密" not in text


@pytest.mark.cluster
def test_queue_depth_and_lag_per_partition(client, r, settings) -> None:  # noqa: ANN001
    users = [ev.user_id(f"lag-{n}") for n in range(12)]
    body = ev.body(*(ev.text(u, "ヘルプ") for u in users))
    assert client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, SECRET)}).status_code == 200
    time.sleep(0.3)  # nobody works the queue: its events grow older
    figures = scrape(client)[1]
    keyring = resolve_keyring(settings)
    expected = [0] * settings.partitions
    for u in users:
        expected[keys.partition_of(keyring.user_key(u), settings.partitions)] += 1
    for p, n in enumerate(expected):
        assert value(figures, "kakehashi_queue_depth", partition=str(p)) == n
        assert value(figures, "kakehashi_queue_pending", partition=str(p)) == 0
        lag = value(figures, "kakehashi_queue_lag_seconds", partition=str(p))
        assert (0.3 <= lag < 5) if n else lag == 0
    assert value(figures, "kakehashi_workers_alive") == 0


@pytest.mark.cluster
def test_handoff_queue_size_and_wait(chat, client, desk) -> None:  # noqa: ANN001
    figures = scrape(client)[1]
    assert value(figures, "kakehashi_handoff_waiting") == 0
    assert value(figures, "kakehashi_handoff_oldest_wait_seconds") == 0
    chat.say("人と話したい")
    until(desk.tickets.waiting)
    time.sleep(1.1)
    figures = scrape(client)[1]
    assert value(figures, "kakehashi_handoff_waiting") == 1 and value(figures, "kakehashi_handoff_held") == 0
    assert 1 <= value(figures, "kakehashi_handoff_oldest_wait_seconds") < 10
    ticket = desk.tickets.waiting()[0]
    desk.reply(ticket.id, "aoi", "こんにちは")
    figures = scrape(client)[1]
    assert value(figures, "kakehashi_handoff_waiting") == 0 and value(figures, "kakehashi_handoff_held") == 1
    assert value(figures, "kakehashi_handoff_oldest_wait_seconds") == 0


@pytest.mark.errors_expected  # it provokes the errors it is about
def test_counts_made_while_redis_is_down_are_written_when_it_is_back(settings, tmp_path, clock) -> None:  # noqa: ANN001
    server = EmbeddedRedis(tmp_path / "own-redis").start()
    try:
        r = open_redis(server.url)
        client = create_app(settings.with_(redis_url=server.url), r, clock).test_client()
        body = ev.body(ev.text(ev.user_id(1), "ヘルプ"))
        signed = {"X-Line-Signature": ev.sign(body, SECRET)}
        server.stop()
        assert client.post("/callback", data=body, headers=signed).status_code == 503
        down = scrape(client)[1]
        assert value(down, "kakehashi_redis_up") == 0
        server.start()
        assert client.post("/callback", data=body, headers=signed).status_code == 200
        figures = scrape(client)[1]
        assert value(figures, "kakehashi_webhook_requests_total", status="503") == 1
        assert value(figures, "kakehashi_webhook_requests_total", status="200") == 1
    finally:
        server.stop()


def test_counters_from_separate_processes_add_up(r) -> None:  # noqa: ANN001
    """Each process has its own Counters; the totals are the sum, whichever process reads them."""
    web, worker = Counters(r), Counters(r)
    for _ in range(3):
        web.add("turns")
    worker.add("turns", 4)
    until(lambda: Counters(r).read().get("turns") == 7, timeout=2)  # flushed by their timers, unprompted
