"""POST /callback: verify, parse, enqueue, answer 200 in milliseconds — never wait on LINE's API.

Each call gets a request id: in every log line about it, in the `X-Request-Id` answer header, and in the
envelope of each event it brought, so the worker's and the sender's log lines name it too.

What a signed body cannot make it do: a body over 1 MiB (chunked or not) is 413; JSON nested deeper than
MAX_DEPTH is 400 (no RecursionError, no traceback); an event older than KAKEHASHI_EVENT_WINDOW (the same
window deduplication remembers ids for) is acknowledged but not answered, so a captured body cannot be
replayed once its ids are forgotten; an event from a group or room is not queued at all (bot/line/groups.py).
Whatever is skipped is counted and summed up in one log line per call.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import redis
from flask import Blueprint, Flask, Response, current_app, g, request
from linebot.v3.webhook import SignatureValidator

from bot.content.texts import Texts
from bot.line.events import UNPARSABLE, GroupChat, group_of, to_envelope
from bot.line.groups import GroupExit
from bot.line.sender import LineSender
from bot.logs import log_context
from bot.settings import Settings
from bot.store.counters import Counters
from bot.stream.envelope import Envelope
from bot.stream.inbox import Inbox

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
MAX_DEPTH = 32  # LINE's events nest about 6 deep
STALE, FUTURE, GROUP = "stale", "future", "group"  # skip reasons of the webhook's own, beside bot/line/events.py's

webhook = Blueprint("webhook", __name__)
_groups_lock = threading.Lock()


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


def _read_body() -> bytes | None:
    """The body, or None when it is over MAX_BODY. A chunked body has no length to check first: read one
    byte past the limit from the server's own (terminated) stream, so a long one is refused, not cut short."""
    if (request.content_length or 0) > MAX_BODY:
        return None
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        raw = bytes(request.environ["wsgi.input"].read(MAX_BODY + 1))
    else:
        raw = request.get_data(cache=False)
    return None if len(raw) > MAX_BODY else raw


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Nested deeper than `limit`? Walked without recursion, so the check itself cannot overflow."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _callback(request_id: str) -> Response:
    validator: SignatureValidator | None = current_app.extensions["kakehashi.validator"]
    inbox: Inbox = current_app.extensions["kakehashi.inbox"]
    signature = request.headers.get("X-Line-Signature", "")
    if validator is None:
        log.warning("refused a webhook call: LINE_CHANNEL_SECRET is not set")
        return _plain(400, "channel secret not configured")
    if not signature:
        return _plain(400, "missing signature")
    raw = _read_body()
    if raw is None:
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
    except (ValueError, RecursionError):  # a deep enough nesting overflows the parser itself
        return _plain(400, "malformed JSON")
    if _too_deep(payload):
        return _plain(400, "JSON nested too deeply")
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        return _plain(400, "no events list")
    envelopes, groups, skipped = _sort(events, request_id)
    try:
        new = inbox.accept(envelopes)
    except redis.RedisError:
        log.error("redis unreachable: answered 503 so LINE redelivers")
        return _plain(503, "try again")
    if groups:
        _leave(groups)
    if skipped:
        _report(skipped)
    log.info("queued %d of %d event(s) (%d already seen)", new, len(events), len(envelopes) - new)
    return _plain(200, "OK")


def _sort(events: list[Any], request_id: str) -> tuple[list[Envelope], list[GroupChat], Counter[str]]:
    """The events to queue, the groups and rooms to leave, and how many were skipped for which reason."""
    settings: Settings = current_app.extensions["kakehashi.settings"]
    clock: Callable[[], float] = current_app.extensions.get("kakehashi.clock", time.time)
    oldest_ms = (clock() - settings.event_window) * 1000
    newest_ms = (clock() + settings.event_window) * 1000  # LINE's own clock is never this far ahead of ours
    envelopes: list[Envelope] = []
    groups: list[GroupChat] = []
    skipped: Counter[str] = Counter()
    for raw in events:
        stamp = raw.get("timestamp") if isinstance(raw, dict) else None
        if isinstance(stamp, int | float) and not isinstance(stamp, bool) and stamp < oldest_ms:
            skipped[STALE] += 1  # a replay, or a redelivery later than dedup remembers: never answered twice
            continue
        if isinstance(stamp, int | float) and not isinstance(stamp, bool) and not stamp <= newest_ms:
            skipped[FUTURE] += 1  # not a time LINE sent (a forged or broken stamp): no day to compute with
            continue
        group = group_of(raw)
        if group is not None:
            groups.append(group)
            skipped[GROUP] += 1
            continue
        envelope = to_envelope(raw, request_id)
        if isinstance(envelope, str):
            skipped[envelope] += 1
        elif not envelope.timestamp:
            skipped[STALE] += 1  # no time of its own: it cannot be shown to be fresh
        else:
            envelopes.append(envelope)
    return envelopes, groups, skipped


def _report(skipped: Counter[str]) -> None:
    """One line per call, whatever the number of events; counted for /metrics by reason."""
    counters: Counters = current_app.extensions["kakehashi.counters"]
    for reason, n in skipped.items():
        counters.add(f"skipped:{reason}", n)
    summary = ", ".join(f"{reason} {n}" for reason, n in sorted(skipped.items()))
    odd = skipped[STALE] or skipped[UNPARSABLE] or skipped["not_an_object"]
    log.log(logging.WARNING if odd else logging.INFO, "skipped %d webhook event(s): %s", sum(skipped.values()),
            summary)


def _leave(groups: list[GroupChat]) -> None:
    exit_ = _group_exit()
    if exit_ is None:
        log.warning("events from %d group(s) or room(s), but no LINE_CHANNEL_ACCESS_TOKEN to leave them",
                    len(groups))
        return
    exit_.leave(groups)


def _group_exit() -> GroupExit | None:
    """Made on first need in each web process (after gunicorn forks), with its own LINE client."""
    extensions = current_app.extensions
    with _groups_lock:
        if "kakehashi.groups" not in extensions:
            settings: Settings = extensions["kakehashi.settings"]
            counters: Counters = extensions["kakehashi.counters"]
            token = settings.line_channel_access_token
            text = Texts.load(settings.locales_dir).get("ja", "group.one_to_one")
            extensions["kakehashi.groups"] = GroupExit(
                LineSender(settings.line_api_base_url, token, settings.line_timeout,
                           count=lambda outcome: counters.add(f"groups:{outcome}")), text) if token else None
    found: GroupExit | None = extensions["kakehashi.groups"]
    return found
