"""What a signed body cannot make the webhook do (issue #17): crash on deep nesting, answer a replayed event,
talk in a group, or write a log line per odd event. The clock and every event's timestamp are pinned."""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

import pytest

from bot.content.texts import Texts
from bot.store import keys
from bot.store.keyring import resolve_keyring
from bot.web.app import create_app
from tests import line_events as ev
from tests.conftest import SECRET
from tests.web.test_metrics import scrape, value

NOW = 1_780_000_000.0  # pinned: 2026-05-28, whatever the wall clock says
WINDOW = 3600


@pytest.fixture
def pinned(settings, r):  # noqa: ANN001, ANN201
    """The app with a short event window and its clock pinned at NOW (the lead's injected clock's slot)."""
    app = create_app(settings.with_(event_window=WINDOW), r)
    app.extensions["kakehashi.clock"] = lambda: NOW
    return app.test_client()


def post(client, body: str):  # noqa: ANN001, ANN201
    return client.post("/callback", data=body.encode(), headers={"X-Line-Signature": ev.sign(body, SECRET),
                                                                 "Content-Type": "application/json"})


def queued(r) -> int:  # noqa: ANN001
    return sum(r.xlen(keys.stream(p)) for p in range(4))


def at(seconds: float) -> int:
    return int(seconds * 1000)


def test_deep_nesting_is_400_not_a_500(pinned, r) -> None:  # noqa: ANN001
    very_deep = "[" * 100_000 + "]" * 100_000  # the parser itself overflows
    event = ev.body(ev.text(ev.user_id(1), "hi", timestamp=at(NOW), extra="HERE"))
    nested = event.replace('"HERE"', '{"a":' * 990 + '"x"' + "}" * 990)  # parses, but nothing should recurse it
    for body in (very_deep, '{"events": ' + very_deep + "}", nested):
        response = post(pinned, body)
        assert response.status_code == 400, body[:40]
        assert b"Traceback" not in response.data
    assert queued(r) == 0
    assert value(scrape(pinned)[1], "kakehashi_webhook_requests_total", status="500") == 0


def test_an_event_older_than_the_window_is_acknowledged_not_answered(pinned, r, caplog) -> None:  # noqa: ANN001
    user = ev.user_id("replay")
    fresh = ev.text(user, "ヘルプ", timestamp=at(NOW - WINDOW + 60))
    replayed = ev.text(user, "ヘルプ", timestamp=at(NOW - WINDOW - 1))  # captured, and older than dedup recalls
    undated = ev.text(user, "ヘルプ")
    del undated["timestamp"]
    caplog.set_level(logging.INFO, logger="bot.line.webhook")
    assert post(pinned, ev.body(fresh, replayed, undated)).status_code == 200  # LINE must not redeliver
    assert queued(r) == 1
    assert "stale 1" in caplog.text  # the undated one: LINE always dates events, the SDK refuses it
    assert value(scrape(pinned)[1], "kakehashi_webhook_events_skipped_total", reason="stale") == 1
    # the same window is how long an id is remembered: a redelivery inside it is dropped, none is older
    seen = [k for k in r.scan_iter(match="kh:*seen*")]
    assert seen and all(0 < r.ttl(k) <= WINDOW for k in seen)


def test_an_event_stamped_far_in_the_future_is_acknowledged_not_answered(pinned, r) -> None:  # noqa: ANN001
    """A stamp no LINE clock could give (the fuzzer found one that no date can hold): never a day to compute
    with, so never queued; the worker is not left retrying a turn that cannot run."""
    user = ev.user_id("future")
    ahead = ev.text(user, "ヘルプ", timestamp=at(NOW + WINDOW + 60))
    absurd = ev.text(user, "ヘルプ", timestamp=10**20)
    assert post(pinned, ev.body(ahead, absurd)).status_code == 200
    assert queued(r) == 0
    assert value(scrape(pinned)[1], "kakehashi_webhook_events_skipped_total", reason="future") == 2


def test_the_window_is_one_setting(settings) -> None:  # noqa: ANN001
    from bot.settings import SettingsError, load_settings

    assert load_settings({}).event_window == 24 * 3600
    assert load_settings({"KAKEHASHI_EVENT_WINDOW": "7200"}).event_window == 7200
    with pytest.raises(SettingsError, match="KAKEHASHI_EVENT_WINDOW"):
        load_settings({"KAKEHASHI_EVENT_WINDOW": "10"})


def group_event(kind: str, source: dict[str, str], **over: Any) -> dict[str, Any]:
    event = {"type": kind, "mode": "active", "timestamp": at(NOW), "source": source,
             "webhookEventId": secrets.token_hex(13).upper(), "deliveryContext": {"isRedelivery": False},
             "replyToken": secrets.token_hex(16)}
    event.update(over)
    return event


def test_in_a_group_or_room_it_says_one_line_leaves_and_keeps_nothing(pinned, r, fake_line, settings) -> None:  # noqa: ANN001
    group, room, member = "C" + secrets.token_hex(16), "R" + secrets.token_hex(16), ev.user_id("member")
    in_group = {"type": "group", "groupId": group, "userId": member}
    in_room = {"type": "room", "roomId": room, "userId": member}
    join = group_event("join", {"type": "group", "groupId": group})
    said = group_event("message", in_group, message={"id": "1", "type": "text", "text": "離婚したい",
                                                    "quoteToken": "q"})
    in_room_said = group_event("message", in_room, message={"id": "2", "type": "text", "text": "相談",
                                                           "quoteToken": "q"})
    for event, chat in ((join, group), (said, group), (in_room_said, room)):
        fake_line.register_reply_token(event["replyToken"], chat)
    fake_line.join_group("group", group)
    fake_line.join_group("room", room)
    assert post(pinned, ev.body(join, said)).status_code == 200  # added, and someone speaks at once
    assert post(pinned, ev.body(in_room_said)).status_code == 200
    fake_line.wait_for(lambda f: len(f.left) == 2)
    line = Texts.load(settings.locales_dir).get("ja", "group.one_to_one")
    assert "\n" not in line
    assert sorted((d.to, [m["text"] for m in d.messages]) for d in fake_line.deliveries()) == [
        (group, [line]), (room, [line])]  # one line each, though the group sent two events
    assert sorted(fake_line.left) == [("group", group), ("room", room)]
    # nothing about the group or its member in Redis: no queue entry, no session, no dedup of its events
    assert queued(r) == 0
    keyring = resolve_keyring(settings)
    stored = " ".join(r.keys("*"))
    assert all(keyring.user_key(chat) not in stored for chat in (group, room, member))
    assert [k for k in r.keys("*") if "seen" in k] == []
    pushes = [q for q in fake_line.requests if q.path == "/v2/bot/message/push"]
    assert pushes == []  # a group is never worth a message of the monthly quota


def test_a_burst_of_odd_events_writes_one_line(pinned, r, caplog) -> None:  # noqa: ANN001
    odd = [{"type": "mystery", "timestamp": at(NOW)} for _ in range(2000)] + ["not an object"] * 2000
    caplog.set_level(logging.INFO)
    assert post(pinned, json.dumps({"destination": "U" + "0" * 32, "events": odd})).status_code == 200
    lines = [rec for rec in caplog.records if rec.name.startswith("bot.") and "skipped" in rec.getMessage()]
    assert len(lines) == 1 and "not_an_object 2000" in lines[0].getMessage()
    assert "unparsable 2000" in lines[0].getMessage()
