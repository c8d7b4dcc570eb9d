"""Logs: one JSON object per line, ids that follow a message from the webhook to the send, never its text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import handler, log_context, pick_format
from bot.settings import SettingsError, load_settings
from bot.store.keyring import resolve_keyring
from bot.stream.envelope import Envelope
from tests import line_events as ev
from tests.harness import until

SAID = ["夫に殴られた", "殺すと言われた", "死にたい", "子どもに会えない", "別居中", "秘密の相談です", "090-1234-5678"]


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Everything logged, at every level, as the JSON a log collector would read."""
    out = io.StringIO()
    root = logging.getLogger()
    capture, level = handler("json", out), root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    yield out
    root.removeHandler(capture)
    root.setLevel(level)


@pytest.mark.cluster
def test_a_whole_conversation_logs_ids_only(chat, fake_line, desk, settings, json_lines) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    for text in SAID:
        chat.say(text)
    fake_line.fail_next(500, path="/v2/bot/message/reply")  # the sender logs a retry, inside the turn
    answered = chat.say("ヘルプ")
    chat.say("人と話したい")
    ticket = until(desk.tickets.waiting)
    assert isinstance(ticket, list)
    desk.reply(ticket[0].id, "aoi", "相談員です")
    fake_line.wait_for(lambda f: any(d.kind == "push" for d in f.deliveries()))
    chat.post({"type": "mystery", "source": {"type": "user", "userId": chat.user}})  # skipped, logged
    assert "戻る" in answered.text

    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]  # every line is one object
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    raw = json_lines.getvalue()
    user_key = resolve_keyring(settings).user_key(chat.user)
    for secret in [*SAID, "相談員です", chat.user, chat.user[1:12], user_key]:
        assert secret not in raw, secret
    assert "1234-5678" not in raw and "12345678" not in raw  # the phone number, in any spelling
    assert {line["user"] for line in lines if "user" in line} == {user_key[:8]}

    # The retried reply: the webhook's request id is on the webhook's line, the worker's and the sender's.
    retried = next(line for line in lines if line["message"].startswith("reply failed (status 500)"))
    request_id = retried["request_id"]
    same_call = [line for line in lines if line.get("request_id") == request_id]
    assert {"bot.line.webhook", "bot.worker", "bot.line.sender"} <= {line["logger"] for line in same_call}
    assert len({line["event_id"] for line in same_call if "event_id" in line}) == 1


def test_the_request_id_is_answered_in_a_header(client) -> None:  # noqa: ANN001
    from tests.conftest import SECRET

    body = ev.body(ev.text(ev.user_id(1), "ヘルプ"))
    first = client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, SECRET)})
    second = client.post("/callback", data=body, headers={"X-Line-Signature": "forged"})
    ids = {first.headers["X-Request-Id"], second.headers["X-Request-Id"]}
    assert len(ids) == 2 and all(len(i) == 16 for i in ids)


def test_text_format_shows_the_same_ids() -> None:
    out = io.StringIO()
    log = logging.getLogger("kakehashi.test")
    log.addHandler(handler("text", out))
    try:
        with log_context(request_id="r1", user="0123456789abcdef"), log_context(event_id="e1"):
            log.warning("hello")
        log.warning("outside")
    finally:
        log.handlers.clear()
    inside, outside = out.getvalue().splitlines()
    assert inside.endswith("hello [request_id=r1 event_id=e1 user=01234567]")
    assert outside.endswith("outside")


def test_log_format_setting() -> None:
    assert load_settings({"KAKEHASHI_LOG_FORMAT": "JSON"}).log_format == "json"
    assert load_settings({}).log_format is None
    with pytest.raises(SettingsError, match="KAKEHASHI_LOG_FORMAT"):
        load_settings({"KAKEHASHI_LOG_FORMAT": "xml"})
    assert pick_format(None, service=True) == "json"  # under pytest stdout is no terminal, as under a supervisor
    assert pick_format(None, service=False) == "text"
    assert pick_format("text", service=True) == "text"


def test_envelopes_queued_by_another_version_still_open() -> None:
    older = '{"event_id":"e","chat_id":"U1","kind":"text","text":"x","params":{},"reply_token":null,' \
            '"timestamp":0,"redelivery":false}'
    assert Envelope.from_json(older).request_id == ""
    newer = json.loads(Envelope("e", "U1", "text", request_id="r").to_json()) | {"field_from_the_future": 1}
    assert Envelope.from_json(json.dumps(newer)).request_id == "r"
