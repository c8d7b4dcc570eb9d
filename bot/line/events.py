"""LINE webhook events → envelopes: the transport-neutral input plus what the sender needs to answer.

The SDK parses each event; one it cannot parse or does not know is skipped, and the webhook writes one
line per call summing up what it skipped and why (never a 500: one odd event must not make LINE redeliver
the whole batch; never a line per event: a 1 MB body of odd events must not write thousands of lines).

Only one-to-one chats become envelopes. An event from a group or a room is recognised here (`group_of`) and
never queued: the bot says once that it works only 1:1 and leaves (bot/line/groups.py), so one person's
answers can never be shown to everyone in a group, and nothing is stored for the group.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendEvent,
    UserSource,
    VideoMessageContent,
)

from bot.stream.envelope import Envelope

# why an event was skipped (the webhook counts them and logs one line per call)
NOT_AN_OBJECT, UNPARSABLE, UNHANDLED = "not_an_object", "unparsable", "unhandled"


@dataclass(frozen=True)
class GroupChat:
    """A group or room the bot was added to: where to say its one line, and what to leave."""

    kind: str  # "group" | "room"
    chat_id: str
    reply_token: str | None


def group_of(raw: Any) -> GroupChat | None:
    """The group or room an event comes from, or None for a one-to-one chat (or no usable source).

    Read from the raw event, not the SDK's model, so that even an event type the SDK does not know makes
    the bot leave."""
    source = raw.get("source") if isinstance(raw, dict) else None
    if not isinstance(source, dict) or source.get("type") not in ("group", "room"):
        return None
    if raw.get("type") == "leave":  # the bot was removed already: nothing to say, nothing to leave
        return None
    kind = str(source["type"])
    chat_id = source.get(f"{kind}Id")
    if not isinstance(chat_id, str) or not chat_id.isalnum() or not chat_id.isascii():  # it goes in a URL path
        return None
    token = raw.get("replyToken")
    return GroupChat(kind, chat_id, token if isinstance(token, str) and token else None)

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
    """One-to-one chats only: groups and rooms are never answered (see `group_of`)."""
    source = event.source
    return source.user_id if isinstance(source, UserSource) else None


def to_envelope(raw: Any, request_id: str = "") -> Envelope | str:
    """An envelope for a webhook event we answer, or why we skip it (NOT_AN_OBJECT, UNPARSABLE, UNHANDLED)."""
    if not isinstance(raw, dict):
        return NOT_AN_OBJECT
    try:
        event = Event.from_dict(raw)
    except Exception:  # the SDK raises ValueError, KeyError or TypeError on odd events
        return UNPARSABLE
    what = _what(event) if event is not None else None
    chat_id = _chat_id(event) if event is not None else None
    if what is None or not chat_id:
        return UNHANDLED
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
