"""Nothing lost, nothing doubled: redelivery, bursts, expired tokens, dead workers, restarts, poison."""

from __future__ import annotations

import threading
import time

import pytest

from bot.line.sender import retry_key
from bot.store import keys
from bot.store.connection import open_redis
from bot.store.embedded import EmbeddedRedis
from bot.stream.envelope import Envelope
from bot.stream.partitions import GROUP, PartitionQueue
from bot.web.app import create_app
from bot.wiring import build_worker
from tests import line_events as ev
from tests.conftest import SECRET
from tests.harness import Chat


def pending(r, partitions: int = 4) -> int:  # noqa: ANN001
    return sum(r.xpending(keys.stream(p), GROUP)["pending"] for p in range(partitions) if r.exists(keys.stream(p)))


def settled(r, partitions: int = 4, timeout: float = 5.0) -> bool:  # noqa: ANN001
    """Every entry acknowledged and deleted (the last ack may trail the last delivery by a moment)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pending(r, partitions) == 0 and not any(r.xlen(keys.stream(p)) for p in range(partitions)):
            return True
        time.sleep(0.02)
    return False


@pytest.mark.cluster
def test_redelivered_event_is_answered_once(chat, fake_line) -> None:  # noqa: ANN001
    event = ev.text(chat.user, "メニュー")
    chat.send(event)
    chat.post(ev.redelivered(event))
    chat.post(event)
    chat.send(ev.sticker(chat.user))  # a later event: by now the duplicates would have been answered
    assert len(fake_line.deliveries()) == 2


@pytest.mark.cluster
def test_twenty_events_at_once_are_all_answered_in_order(chat, fake_line, r) -> None:  # noqa: ANN001
    events = [ev.text(chat.user, f"{n}") for n in range(20)]
    for event in events:
        fake_line.register_reply_token(event["replyToken"], chat.user)
    assert chat.client.post("/callback", data=ev.body(*events),
                            headers={"X-Line-Signature": ev.sign(ev.body(*events), SECRET)}).status_code == 200
    fake_line.wait_for(lambda f: len(f.deliveries()) >= 20)
    assert [d.reply_token for d in fake_line.deliveries()] == [e["replyToken"] for e in events]
    assert settled(r)


def test_twenty_concurrent_posts_from_one_user_keep_their_order(chat, fake_line) -> None:  # noqa: ANN001
    events = [ev.text(chat.user, "ヘルプ") for _ in range(20)]
    order: list[str] = []
    lock = threading.Lock()

    def post(event: dict) -> None:
        with lock:  # the arrival order at the webhook is the order to keep
            chat.post(event)
            order.append(event["replyToken"])

    threads = [threading.Thread(target=post, args=(e,)) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fake_line.wait_for(lambda f: len(f.deliveries()) >= 20)
    assert [d.reply_token for d in fake_line.deliveries()] == order


def test_expired_reply_token_falls_back_to_push_with_a_retry_key(chat, fake_line) -> None:  # noqa: ANN001
    event = ev.text(chat.user, "メニュー")
    fake_line.expire_reply_token(event["replyToken"])
    chat.send(event)
    (delivery,) = fake_line.deliveries()
    assert delivery.kind == "push" and delivery.to == chat.user
    assert delivery.retry_key == retry_key(event["webhookEventId"], 0)


def test_old_event_and_redelivery_are_answered_by_push(chat, fake_line) -> None:  # noqa: ANN001
    chat.send(ev.text(chat.user, "メニュー", timestamp=int(ev.clock() * 1000) - 120_000))
    chat.send(ev.redelivered(ev.text(chat.user, "ヘルプ")))
    assert [d.kind for d in fake_line.deliveries()] == ["push", "push"]
    assert all(d.reply_token is None for d in fake_line.deliveries())


def test_line_500_is_retried_with_the_same_key_and_delivered_once(chat, fake_line) -> None:  # noqa: ANN001
    event = ev.redelivered(ev.text(chat.user, "メニュー"))
    fake_line.fail_next(500, times=2, path="/v2/bot/message/push")
    chat.send(event)
    pushes = [q for q in fake_line.requests if q.path == "/v2/bot/message/push"]
    assert [q.status for q in pushes] == [500, 500, 200]
    assert len({q.headers["x-line-retry-key"] for q in pushes}) == 1
    assert len(fake_line.deliveries()) == 1


@pytest.mark.cluster
def test_a_worker_that_died_holding_entries_is_replaced(settings, r, client, fake_line, clock) -> None:  # noqa: ANN001
    chat = Chat(client, fake_line, SECRET, ev.user_id(3))
    chat.post(ev.text(chat.user, "メニュー"))
    dead = PartitionQueue(r, settings.partitions, "worker-that-died")
    dead.ensure_groups()
    p = next(p for p in range(settings.partitions) if r.xlen(keys.stream(p)))
    assert dead.acquire(p) and len(dead.read(p)) == 1  # it read the event, then died
    r.delete(keys.lease(p))  # ...and its lease lapsed
    assert pending(r) == 1
    worker = build_worker(settings, r, clock=clock).start()
    try:
        fake_line.wait_for(lambda f: len(f.deliveries()) == 1)
        assert settled(r)
        assert len(fake_line.deliveries()) == 1
    finally:
        worker.stop()


@pytest.mark.cluster
def test_a_turn_saved_but_not_sent_is_sent_without_stepping_again(settings, r, client, fake_line, clock) -> None:  # noqa: ANN001
    worker = build_worker(settings, r, clock=clock)
    chat = Chat(client, fake_line, SECRET, ev.user_id(4))
    event = ev.text(chat.user, "メニュー")
    chat.post(event)
    user = worker.keyring.user_key(chat.user)
    sealed = r.xrange(keys.stream(keys.partition_of(user, settings.partitions)))[0][1]["e"]
    env = Envelope.from_json(worker.keyring.open(sealed))
    worker.sessions.take_turn(user, env.event_id, lambda s: worker.engine.step(s, env.incoming))  # then a crash
    history = worker.sessions.load(user).to_json()
    worker.start()
    try:
        fake_line.wait_for(lambda f: len(f.deliveries()) == 1)
        assert worker.sessions.load(user).to_json() == history  # not stepped twice
        assert "どんなことでお困り" in fake_line.deliveries()[0].messages[0]["text"]
    finally:
        worker.stop()


@pytest.mark.errors_expected  # it provokes the errors it is about
@pytest.mark.cluster
def test_poison_event_is_dead_lettered_and_the_user_goes_on(chat, fake_line, r, settings) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    user = next(iter(r.scan_iter("kh:{*}:session"))).split("{")[1].split("}")[0]
    p = keys.partition_of(user, settings.partitions)
    r.xadd(keys.stream(p), {"u": user, "e": "this is not an envelope"})
    r.rpush(keys.DOORBELL, p)
    answer = chat.say("ヘルプ", timeout=20)
    assert "戻る" in answer.text
    dead = r.xrange(keys.DEADLETTERS)
    assert len(dead) == 1 and dead[0][1]["reason"] == "too many attempts"
    assert settled(r)


@pytest.mark.errors_expected  # it provokes the errors it is about
@pytest.mark.cluster
def test_line_refusing_for_good_is_dead_lettered_not_retried(chat, fake_line, r) -> None:  # noqa: ANN001
    fake_line.fail_next(403, path="/v2/bot/message/push")
    chat.post(ev.redelivered(ev.text(chat.user, "メニュー")))
    fake_line.wait_for(lambda f: any(q.status == 403 for q in f.requests))
    deadline = time.time() + 5
    while not r.xlen(keys.DEADLETTERS) and time.time() < deadline:
        time.sleep(0.05)
    assert r.xrange(keys.DEADLETTERS)[0][1]["reason"] == "status 403"
    assert len([q for q in fake_line.requests if q.path == "/v2/bot/message/push"]) == 1


def test_app_restart_mid_flow_resumes_where_it_was(settings, r, fake_line, clock) -> None:  # noqa: ANN001
    def run(text: str) -> str:
        app = create_app(settings, r, clock)  # a fresh app and worker each time: nothing kept in memory
        worker = build_worker(settings, r, clock=clock).start()
        try:
            return Chat(app.test_client(), fake_line, SECRET, ev.user_id(5)).say(text).text
        finally:
            worker.stop()

    run("弁護士費用")
    run("いいえ")
    assert "どこ" in run("2")


def test_embedded_redis_restart_mid_flow_resumes(settings, fake_line, tmp_path, clock) -> None:  # noqa: ANN001
    server = EmbeddedRedis(tmp_path / "own-redis").start()
    local = settings.with_(redis_url=server.url)
    try:
        r = open_redis(server.url)
        app, worker = create_app(local, r, clock), build_worker(local, r, clock=clock).start()
        chat = Chat(app.test_client(), fake_line, SECRET, ev.user_id(6))
        chat.say("弁護士費用")
        chat.say("いいえ")
        worker.stop()
        server.stop()
        server.start()
        worker = build_worker(local, r, clock=clock).start()  # the same client reconnects by itself
        assert "どこ" in chat.say("2").text
        worker.stop()
    finally:
        server.stop()
