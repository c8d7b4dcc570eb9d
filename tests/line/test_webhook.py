"""POST /callback: every bad input gets a clear, safe answer and never a 500 (issue 4 item 4)."""

from __future__ import annotations

import json

import pytest
import redis

from bot.store import keys
from bot.store.connection import open_redis
from bot.web.app import create_app
from tests import line_events as ev
from tests.conftest import SECRET


def post(client, body: str | bytes, signature: str | None = None):  # noqa: ANN001, ANN201
    raw = body.encode() if isinstance(body, str) else body
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    return client.post("/callback", data=raw, headers=headers)


def queued(r: redis.Redis, partitions: int = 4) -> int:
    return sum(r.xlen(keys.stream(p)) for p in range(partitions))


@pytest.mark.cluster
def test_signed_event_is_queued_and_answered_200(client, r) -> None:  # noqa: ANN001
    body = ev.body(ev.text(ev.user_id(1), "こんにちは"))
    response = post(client, body, ev.sign(body, SECRET))
    assert response.status_code == 200
    assert queued(r) == 1


def test_forged_signature_is_refused_and_nothing_is_queued(client, r) -> None:  # noqa: ANN001
    body = ev.body(ev.text(ev.user_id(1), "hi"))
    assert post(client, body, ev.sign(body, "another-secret")).status_code == 400
    assert post(client, body, "").status_code == 400
    assert post(client, body).status_code == 400
    tampered = body.replace("hi", "ho")
    assert post(client, tampered, ev.sign(body, SECRET)).status_code == 400
    assert queued(r) == 0


def test_body_over_one_megabyte_is_413(client, r) -> None:  # noqa: ANN001
    body = ev.body(ev.text(ev.user_id(1), "x" * (1024 * 1024)))
    assert post(client, body, ev.sign(body, SECRET)).status_code == 413
    assert queued(r) == 0


def test_malformed_json_with_valid_signature_is_400(client) -> None:  # noqa: ANN001
    for body in ['{"events": [', "not json", "[]", '{"events": "nope"}', '{"destination": "x"}']:
        assert post(client, body, ev.sign(body, SECRET)).status_code == 400, body


def test_invalid_utf8_is_400(client) -> None:  # noqa: ANN001
    raw = b'{"events": ["\xff\xfe"]}'
    import base64
    import hashlib
    import hmac

    sig = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
    assert post(client, raw, sig).status_code == 400


def test_verify_button_with_no_events_is_200(client, r) -> None:  # noqa: ANN001
    body = json.dumps({"destination": "U" + "0" * 32, "events": []})
    assert post(client, body, ev.sign(body, SECRET)).status_code == 200
    assert queued(r) == 0


def test_unknown_or_broken_events_are_200_and_logged(client, r, caplog) -> None:  # noqa: ANN001
    events = [
        {"type": "somethingNew", "mode": "active", "timestamp": 1, "webhookEventId": "X1",
         "deliveryContext": {"isRedelivery": False}},
        {"type": "message"},  # fields missing
        "not an object",
        {"no": "type"},
        ev.text(ev.user_id(2), "ok"),
    ]
    body = json.dumps({"destination": "U" + "0" * 32, "events": events})
    assert post(client, body, ev.sign(body, SECRET)).status_code == 200
    assert queued(r) == 1
    assert "skipped" in caplog.text


@pytest.mark.cluster
def test_redelivered_event_is_queued_once(client, r) -> None:  # noqa: ANN001
    event = ev.text(ev.user_id(1), "hi")
    for e in (event, ev.redelivered(event), event):
        body = ev.body(e)
        assert post(client, body, ev.sign(body, SECRET)).status_code == 200
    assert queued(r) == 1


@pytest.mark.errors_expected  # it provokes the errors it is about
def test_redis_down_answers_503_so_line_redelivers(settings, clock) -> None:  # noqa: ANN001
    dead = open_redis("redis://127.0.0.1:1/0")
    app = create_app(settings, dead, clock)
    body = ev.body(ev.text(ev.user_id(1), "hi"))
    response = app.test_client().post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, SECRET)})
    assert response.status_code == 503


def test_no_channel_secret_refuses_everything(settings, r, clock) -> None:  # noqa: ANN001
    app = create_app(settings.with_(line_channel_secret=None), r, clock)
    body = ev.body(ev.text(ev.user_id(1), "hi"))
    response = app.test_client().post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, SECRET)})
    assert response.status_code == 400
    assert queued(r) == 0


@pytest.mark.cluster
def test_healthz_and_readyz(client, r, worker) -> None:  # noqa: ANN001
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["workers"] >= 1


def test_readyz_without_workers_is_503(client, r) -> None:  # noqa: ANN001
    assert client.get("/readyz").status_code == 503


def test_webhook_never_calls_line(client, fake_line, r) -> None:  # noqa: ANN001
    body = ev.body(*[ev.text(ev.user_id(n), "hi") for n in range(10)])
    assert post(client, body, ev.sign(body, SECRET)).status_code == 200
    assert fake_line.requests == []
