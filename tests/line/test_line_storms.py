"""LINE's API misbehaving: 500s, 429s with Retry-After, timeouts, refusals, the monthly quota, a long outage.

Every answer is delivered once (by reply, or by push with one retry key however often it is tried), what
LINE refuses for good is parked and counted, never retried, and an outage is waited out.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from bot.store import keys
from bot.wiring import build_worker
from tests import line_events as ev
from tests.conftest import SECRET
from tests.faults import all_answered, in_order, lost_and_doubled
from tests.harness import until
from tests.web.test_metrics import scrape, value

PUSH, REPLY = "/v2/bot/message/push", "/v2/bot/message/reply"


def post(client, fake_line, events) -> None:  # noqa: ANN001
    for event in events:
        fake_line.register_reply_token(event["replyToken"], event["source"]["userId"])
    body = ev.body(*events)
    assert client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, SECRET)}).status_code == 200


def test_a_storm_of_500s_429s_and_timeouts_delivers_each_answer_once(settings, r, client, fake_line, clock) -> None:  # noqa: ANN001
    worker = build_worker(settings.with_(line_timeout=0.3), r, clock=clock).start()
    try:
        users = [ev.user_id(f"storm-{n}") for n in range(8)]
        events = [ev.text(u, "ヘルプ") if (i + n) % 2 else ev.redelivered(ev.text(u, "ヘルプ"))  # reply and push
                  for i in range(3) for n, u in enumerate(users)]
        fake_line.delay = 0.5  # first, every call times out (and LINE still acts on it, late)
        post(client, fake_line, events)

        def then_errors() -> None:
            fake_line.fail_next(500, times=8)
            fake_line.fail_next(429, times=6, retry_after=1)
            fake_line.delay = 0.0

        threading.Timer(1.2, then_errors).start()
        fake_line.wait_for(lambda f: all_answered(f, events), timeout=45)
        time.sleep(0.5)  # a late double would show by now
        assert lost_and_doubled(fake_line, events) == (0, 0)
        assert in_order(fake_line, events)
        statuses = [q.status for q in fake_line.requests]
        assert statuses.count(500) == 8 and statuses.count(429) == 6
        keys_tried = [q.headers.get("x-line-retry-key") for q in fake_line.requests if q.path == PUSH]
        assert len(keys_tried) > len(set(keys_tried))  # pushes were retried, each with its one key
        figures = scrape(client)[1]
        assert value(figures, "kakehashi_sends_total", outcome="retry") >= 14
        assert r.xlen(keys.DEADLETTERS) == 0
    finally:
        worker.stop()


@pytest.mark.errors_expected  # it provokes the errors it is about
def test_a_refused_reply_is_not_retried_and_is_recorded(chat, fake_line, r, client) -> None:  # noqa: ANN001
    fake_line.fail_next(403, path=REPLY)
    chat.post(ev.text(chat.user, "メニュー"))
    until(lambda: r.xlen(keys.DEADLETTERS) == 1)
    assert r.xrange(keys.DEADLETTERS)[0][1]["reason"] == "status 403"
    assert [q.path for q in fake_line.requests] == [REPLY]  # neither retried nor pushed
    until(lambda: value(scrape(client)[1], "kakehashi_sends_total", outcome="failed") == 1)


@pytest.mark.errors_expected  # it provokes the errors it is about
def test_the_monthly_quota_is_logged_counted_and_parked_not_retried(chat, fake_line, r, client, caplog) -> None:  # noqa: ANN001
    fake_line.fail_next(429, path=PUSH, message="You have reached your monthly limit.")
    chat.post(ev.redelivered(ev.text(chat.user, "メニュー")))
    until(lambda: r.xlen(keys.DEADLETTERS) == 1)
    assert r.xrange(keys.DEADLETTERS)[0][1]["reason"] == "monthly quota"
    assert len([q for q in fake_line.requests if q.path == PUSH]) == 1
    assert any(rec.levelno == logging.ERROR and "monthly message quota" in rec.getMessage() for rec in caplog.records)
    until(lambda: value(scrape(client)[1], "kakehashi_line_monthly_quota_total") == 1)
    assert "戻る" in chat.say("ヘルプ").text  # replies cost no quota: the person is still answered


def test_an_outage_longer_than_the_retries_is_waited_out_not_parked(settings, r, client, fake_line, clock) -> None:  # noqa: ANN001
    shortened = lambda s: time.sleep(min(s, 0.01))  # noqa: E731 - the back-off, shortened
    worker = build_worker(settings, r, clock=clock, sleep=shortened).start()
    try:
        event = ev.redelivered(ev.text(ev.user_id("outage"), "ヘルプ"))
        fake_line.fail_next(500, path=PUSH, times=4 * 5)  # four rounds of five tries: one more than MAX_ATTEMPTS
        post(client, fake_line, [event])
        fake_line.wait_for(lambda f: all_answered(f, [event]), timeout=20)
        pushes = [q for q in fake_line.requests if q.path == PUSH]
        assert [q.status for q in pushes] == [500] * 20 + [200]
        assert len({q.headers["x-line-retry-key"] for q in pushes}) == 1
        assert r.xlen(keys.DEADLETTERS) == 0
    finally:
        worker.stop()
