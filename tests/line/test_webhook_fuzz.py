"""Fuzzing POST /callback with Hypothesis: correctly signed bodies of every odd shape never get a 5xx, the
process stays up and the queued events drain without a worker error or a stuck user; forged signatures are
always refused. (Flask's test client: the real app and Redis, without the cost of HTTP per example.)"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store import keys
from tests import line_events as ev
from tests.conftest import SECRET
from tests.harness import Chat, until

FIGURES: dict[str, int] = {}
USERS = [ev.user_id(f"fuzz-{n}") for n in range(8)]  # few, so each gets many odd events
FUZZ = settings(max_examples=10_000, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
odd = json_values | st.integers(-2**70, 2**70)  # wrong types, out-of-range numbers
huge = st.integers(5_000, 60_000).map(lambda n: "あ" * n)
strings = st.integers(0, 19).flatmap(lambda k: huge if k == 0 else st.text(max_size=40) | st.sampled_from(
    ["", " ", "\x00", "メニュー", "ヘルプ", "戻る", "はい", "1", "\u202e", "opt:visitation.risk.no"]))
users = st.sampled_from(USERS)
ids = st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=26, max_size=26)
tokens = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)


def line_event(kind: str, user: str, text: str, event_id: str, token: str) -> dict[str, Any]:
    """A well-formed event of LINE's, for the mutations below to break."""
    over = {"webhookEventId": event_id, "replyToken": token}
    return {"text": lambda: ev.text(user, text, **over), "postback": lambda: ev.postback(user, text, **over),
            "follow": lambda: ev.follow(user, **over), "unfollow": lambda: ev.unfollow(user, **over),
            "sticker": lambda: ev.sticker(user, **over), "image": lambda: ev.image(user, **over),
            "location": lambda: ev.location(user, **over), "audio": lambda: ev.audio(user, **over),
            "unsend": lambda: ev.unsend(user, text, **over)}[kind]()


PATHS = [("type",), ("mode",), ("timestamp",), ("source",), ("source", "type"), ("source", "userId"),
         ("webhookEventId",), ("replyToken",), ("deliveryContext",), ("deliveryContext", "isRedelivery"),
         ("message",), ("message", "type"), ("message", "text"), ("message", "id"), ("postback",),
         ("postback", "data"), ("postback", "params"), ("unsend", "messageId")]


def mutate(event: dict[str, Any], changes: list[tuple[tuple[str, ...], str, Any]]) -> dict[str, Any]:
    """Drop a field, or give it a value of another type or an unknown name."""
    for path, how, value in changes:
        parent = event
        for name in path[:-1]:
            parent = parent.get(name) if isinstance(parent.get(name), dict) else {}
        if how == "drop":
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = value
    return event


changes = st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["drop", "set"]),
                             odd | strings | st.sampled_from(["mystery", "hologram", "standby", "group"])),
                   max_size=3)
kinds = st.sampled_from(["text", "text", "text", "postback", "follow", "unfollow", "sticker", "image",
                         "location", "audio", "unsend"])
events = st.builds(mutate, st.builds(line_event, kinds, users, strings, ids, tokens), changes)
webhook_bodies = st.fixed_dictionaries({"events": st.lists(events | odd, max_size=4)},
                                       optional={"destination": strings | odd}).map(lambda d: Fresh(d))
other_bodies = (json_values.map(json.dumps) | st.text(max_size=200) |
                st.fixed_dictionaries({"events": odd}).map(json.dumps))
raw_bodies = st.binary(max_size=200)
bodies = webhook_bodies | webhook_bodies | other_bodies | raw_bodies  # webhook-shaped half the time


class Fresh(dict):  # type: ignore[type-arg]
    """A webhook body whose well-formed event ids are made new when it is posted: Hypothesis likes to repeat
    the simplest id, and the webhook rightly drops an id it has seen, which would leave little to work on."""

    def __str__(self) -> str:
        for event in self.get("events", []):
            if isinstance(event, dict) and isinstance(event.get("webhookEventId"), str) \
                    and len(event["webhookEventId"]) == 26:
                event["webhookEventId"] = uuid.uuid4().hex[:26].upper()
        return json.dumps(self, ensure_ascii=False)


def signed(raw: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()


def as_bytes(body: str | bytes | Fresh) -> bytes:
    return body if isinstance(body, bytes) else str(body).encode("utf-8", "surrogatepass")


def test_signed_bodies_of_any_shape_never_get_a_5xx(client, r, settings_: Any = None) -> None:  # noqa: ANN001
    statuses: dict[int, int] = {}

    @FUZZ
    @given(body=bodies)
    def post(body: str | bytes | Fresh) -> None:
        raw = as_bytes(body)
        status = client.post("/callback", data=raw, headers={"X-Line-Signature": signed(raw),
                                                              "Content-Type": "application/json"}).status_code
        statuses[status] = statuses.get(status, 0) + 1
        assert status < 500, (status, raw[:300])

    post()
    FIGURES["webhook fuzz: signed bodies posted"] = sum(statuses.values())
    FIGURES["webhook fuzz: answers by status"] = statuses  # type: ignore[assignment]
    FIGURES["webhook fuzz: events queued"] = sum(r.xlen(keys.stream(p)) for p in range(4))
    assert sum(statuses.values()) >= 10_000 and statuses.get(200, 0) > 1000
    assert client.get("/healthz").status_code == 200


def test_forged_signatures_are_always_refused(client, r) -> None:  # noqa: ANN001
    count = 0

    @settings(FUZZ, max_examples=1_000)
    @given(body=bodies, secret=st.text(min_size=1).filter(lambda s: s != SECRET),
           how=st.sampled_from(["other secret", "garbage", "empty", "missing"]))
    def post(body: str | bytes | Fresh, secret: str, how: str) -> None:
        nonlocal count
        raw = as_bytes(body)
        headers = {"other secret": {"X-Line-Signature": signed(raw, secret)},
                   "garbage": {"X-Line-Signature": base64.b64encode(secret.encode()).decode()},
                   "empty": {"X-Line-Signature": ""}, "missing": {}}[how]
        assert client.post("/callback", data=raw, headers=headers).status_code == 400
        count += 1

    post()
    FIGURES["webhook fuzz: forged signatures refused"] = count
    assert sum(r.xlen(keys.stream(p)) for p in range(4)) == 0


def test_fuzzed_events_drain_without_a_worker_error_or_a_stuck_user(client, r, fake_line, caplog, clock) -> None:  # noqa: ANN001
    """The events the fuzzer got queued, worked through by a real worker; then every user still talks."""

    @settings(FUZZ, max_examples=1_000)
    @given(body=webhook_bodies)
    def post(body: Fresh) -> None:
        raw = as_bytes(body)
        assert client.post("/callback", data=raw, headers={"X-Line-Signature": signed(raw)}).status_code < 500

    post()
    queued = sum(r.xlen(keys.stream(p)) for p in range(4))
    FIGURES["webhook fuzz: events drained by a worker"] = queued
    assert queued > 100
    caplog.clear()
    caplog.set_level(logging.WARNING)
    from bot.wiring import build_worker

    worker = build_worker(client.application.extensions["kakehashi.settings"], r, clock=clock).start()
    try:
        until(lambda: not any(r.xlen(keys.stream(p)) for p in range(4)), timeout=60)
        problems = [rec.getMessage() for rec in caplog.records
                    if rec.name.startswith("bot.") and rec.levelno >= logging.ERROR]
        assert problems == [] and r.xlen(keys.DEADLETTERS) == 0
        for user in USERS:
            assert Chat(client, fake_line, SECRET, user).say("ヘルプ").messages
    finally:
        worker.stop()
