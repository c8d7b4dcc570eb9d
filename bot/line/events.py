"""LINE webhook events → envelopes: the transport-neutral input plus what the sender needs to answer.

The SDK parses each event; one it cannot parse or does not know is skipped with a log line (never a 500:
one odd event must not make LINE redeliver the whole batch).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendEvent,
    UserSource,
    VideoMessageContent,
)

from bot.stream.envelope import Envelope

log = logging.getLogger(__name__)


_MEDIA = (ImageMessageContent, VideoMessageContent, AudioMessageContent, FileMessageContent)


def _what(event: Event) -> tuple[str, str, dict[str, str]] | None:
    if isinstance(event, MessageEvent):
        message = event.message
        mid = {"message_id": str(message.id)} if getattr(message, "id", None) else {}  # to honour an unsend
        if isinstance(message, TextMessageContent):
            return "text", message.text, mid
        if isinstance(message, StickerMessageContent):
            return "sticker", "", mid
        if isinstance(message, _MEDIA):
            return "media", "", mid
        if isinstance(message, LocationMessageContent):
            return "location", "", mid
        return "other", "", mid
    if isinstance(event, PostbackEvent):
        params = {k: str(v) for k, v in (event.postback.params or {}).items() if isinstance(v, str | int)}
        return "postback", event.postback.data, params
    if isinstance(event, FollowEvent):
        return "follow", "", {}
    if isinstance(event, UnfollowEvent):
        return "unfollow", "", {}
    if isinstance(event, UnsendEvent):
        return "unsend", event.unsend.message_id, {}
    return None


def _chat_id(event: Event) -> str | None:
    source = event.source
    if isinstance(source, UserSource):
        return source.user_id
    if isinstance(source, GroupSource):
        return source.group_id
    if isinstance(source, RoomSource):
        return source.room_id
    return None


def to_envelope(raw: Any, request_id: str = "") -> Envelope | None:
    """An envelope for a webhook event we answer, or None (logged) for one we skip."""
    if not isinstance(raw, dict):
        log.warning("skipped a webhook event that is not an object")
        return None
    event_type = str(raw.get("type", "?"))[:40]
    try:
        event = Event.from_dict(raw)
    except Exception:  # the SDK raises ValueError, KeyError or TypeError on odd events
        log.warning("skipped a webhook event the SDK cannot parse (type=%s)", event_type)
        return None
    what = _what(event) if event is not None else None
    chat_id = _chat_id(event) if event is not None else None
    if what is None or not chat_id:
        log.info("skipped a webhook event we do not handle (type=%s)", event_type)
        return None
    kind, text, params = what
    event_id = raw.get("webhookEventId") or hashlib.sha256(
        json.dumps(raw, sort_keys=True).encode()
    ).hexdigest()[:26]
    delivery = raw.get("deliveryContext") or {}
    return Envelope(
        event_id=str(event_id),
        chat_id=chat_id,
        kind=kind,
        text=text,
        params=params,
        reply_token=getattr(event, "reply_token", None),
        timestamp=int(raw.get("timestamp") or 0),
        redelivery=bool(isinstance(delivery, dict) and delivery.get("isRedelivery")),
        request_id=request_id,
    )
