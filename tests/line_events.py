"""Complete, signed LINE webhook v3 payloads for tests: the shapes LINE really sends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import string
import uuid
from typing import Any

from bot.clock import Clock, PinnedClock
from tests.instants import WEEKDAY_NOON

# The instant events are stamped with: tests/conftest.py's `clock` fixture pins it for every test.
clock: Clock = PinnedClock(WEEKDAY_NOON)
_ULID = string.digits + "ABCDEFGHJKMNPQRSTVWXYZ"


def user_id(n: int | str) -> str:
    return "U" + hashlib.md5(f"user-{n}".encode()).hexdigest()




def _base(kind: str, user: str, reply: bool = True, **over: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": int(clock() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": "".join(secrets.choice(_ULID) for _ in range(26)),
        "deliveryContext": {"isRedelivery": False},
    }
    if reply:
        event["replyToken"] = uuid.uuid4().hex
    event.update(over)
    return event


def _message(user: str, message: dict[str, Any], **over: Any) -> dict[str, Any]:
    message = {"id": str(secrets.randbelow(10**18)), **message}
    return _base("message", user, message=message, **over)


def text(user: str, body: str, **over: Any) -> dict[str, Any]:
    return _message(user, {"type": "text", "text": body, "quoteToken": secrets.token_urlsafe(16)}, **over)


def postback(user: str, data: str, params: dict[str, str] | None = None, **over: Any) -> dict[str, Any]:
    pb: dict[str, Any] = {"data": data}
    if params:
        pb["params"] = params
    return _base("postback", user, postback=pb, **over)


def follow(user: str, **over: Any) -> dict[str, Any]:
    return _base("follow", user, follow={"isUnblocked": False}, **over)


def unfollow(user: str, **over: Any) -> dict[str, Any]:
    return _base("unfollow", user, reply=False, **over)


def sticker(user: str, package_id: str = "446", sticker_id: str = "1988", **over: Any) -> dict[str, Any]:
    return _message(user, {"type": "sticker", "packageId": package_id, "stickerId": sticker_id,
                           "stickerResourceType": "STATIC", "keywords": ["Hello"],
                           "quoteToken": secrets.token_urlsafe(16)}, **over)


def image(user: str, **over: Any) -> dict[str, Any]:
    return _message(user, {"type": "image", "contentProvider": {"type": "line"},
                           "quoteToken": secrets.token_urlsafe(16)}, **over)


def location(user: str, **over: Any) -> dict[str, Any]:
    return _message(user, {"type": "location", "title": "place", "address": "Tokyo",
                           "latitude": 35.68, "longitude": 139.76}, **over)


def audio(user: str, **over: Any) -> dict[str, Any]:
    return _message(user, {"type": "audio", "duration": 6000, "contentProvider": {"type": "line"}}, **over)


def unsend(user: str, message_id: str, **over: Any) -> dict[str, Any]:
    return _base("unsend", user, reply=False, unsend={"messageId": message_id}, **over)


def redelivered(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "deliveryContext": {"isRedelivery": True}}


def body(*events: dict[str, Any], destination: str = "U" + "0" * 32) -> str:
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False,
                      separators=(",", ":"))


def sign(payload: str, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()).decode()
