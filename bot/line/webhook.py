"""POST /callback: verify, parse, enqueue, answer 200 in milliseconds — never wait on LINE's API.

Each call gets a request id: in every log line about it, in the `X-Request-Id` answer header, and in the
envelope of each event it brought, so the worker's and the sender's log lines name it too.
"""

from __future__ import annotations

import json
import logging
import secrets

import redis
from flask import Blueprint, Flask, Response, current_app, g, request
from linebot.v3.webhook import SignatureValidator

from bot.line.events import to_envelope
from bot.logs import log_context
from bot.store.counters import Counters
from bot.stream.inbox import Inbox

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024

webhook = Blueprint("webhook", __name__)


def _plain(status: int, text: str) -> Response:
    return Response(text + "\n", status=status, mimetype="text/plain")


def init_webhook(app: Flask, channel_secret: str | None) -> None:
    """Without a channel secret nothing can be verified, so the webhook refuses everything."""
    app.extensions["kakehashi.validator"] = SignatureValidator(channel_secret) if channel_secret else None


@webhook.before_request
def name_the_call() -> None:
    g.request_id = secrets.token_hex(8)


@webhook.after_request
def count_and_tag(response: Response) -> Response:
    counters: Counters = current_app.extensions["kakehashi.counters"]
    counters.add(f"webhook:{response.status_code}")
    response.headers["X-Request-Id"] = g.get("request_id", "")
    return response


@webhook.post("/callback")
def callback() -> Response:
    with log_context(request_id=g.request_id):
        return _callback(g.request_id)


def _callback(request_id: str) -> Response:
    validator: SignatureValidator | None = current_app.extensions["kakehashi.validator"]
    inbox: Inbox = current_app.extensions["kakehashi.inbox"]
    signature = request.headers.get("X-Line-Signature", "")
    if validator is None:
        log.warning("refused a webhook call: LINE_CHANNEL_SECRET is not set")
        return _plain(400, "channel secret not configured")
    if not signature:
        return _plain(400, "missing signature")
    if (request.content_length or 0) > MAX_BODY:
        return _plain(413, "body too large")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        return _plain(413, "body too large")
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _plain(400, "body is not UTF-8")
    if not validator.validate(body, signature):
        log.warning("refused a webhook call with an invalid signature")
        return _plain(400, "invalid signature")
    try:
        payload = json.loads(body)
    except ValueError:
        return _plain(400, "malformed JSON")
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        return _plain(400, "no events list")
    envelopes = [e for e in (to_envelope(raw, request_id) for raw in events) if e is not None]
    try:
        new = inbox.accept(envelopes)
    except redis.RedisError:
        log.error("redis unreachable: answered 503 so LINE redelivers")
        return _plain(503, "try again")
    log.info("queued %d of %d event(s) (%d already seen)", new, len(events), len(envelopes) - new)
    return _plain(200, "OK")
