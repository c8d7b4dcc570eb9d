"""An event as it travels from a transport through the stream to a worker: who, what, how to answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from bot.engine.inputs import Incoming


@dataclass(frozen=True)
class Envelope:
    """One event as it travels through the stream: who, what, and how to answer."""

    event_id: str
    chat_id: str  # the push target: user, group or room id (never logged)
    kind: str
    text: str = ""
    params: dict[str, str] = field(default_factory=dict)
    reply_token: str | None = None
    timestamp: int = 0  # ms since the epoch, from LINE
    redelivery: bool = False
    request_id: str = ""  # the webhook call that brought it, so logs follow it to the send
    resumed: bool = False  # set by the worker: an earlier attempt of this turn may have sent part of it

    @property
    def incoming(self) -> Incoming:
        return Incoming(self.kind, self.text, self.params, self.timestamp / 1000)  # type: ignore[arg-type]

    def to_json(self) -> str:
        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)}, ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Envelope:
        """Fields this version does not know are dropped: during a rolling upgrade an older worker can
        still open what a newer webhook queued (and envelopes queued before a field existed get its default)."""
        data = json.loads(raw)
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


class Undeliverable(Exception):
    """A transport refused for good (e.g. LINE's 4xx other than 409/429): retrying cannot help."""


class DeliveryFailed(Exception):
    """The transport kept failing for now (LINE's 5xx, 429s, timeouts): try the event again later.

    Not the event's fault, so it does not count towards the attempts that send a poison event to the dead letters.
    """
