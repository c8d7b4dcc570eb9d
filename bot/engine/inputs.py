"""What a person did, independent of the transport: typed, tapped, followed, sent a sticker…"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "postback", "follow", "unfollow", "sticker", "media", "location", "unsend", "other",
               "counselor", "handoff_end", "handoff_transfer",  # from the counselors' desk
               "reminder"]  # from the reminders' scheduler


@dataclass(frozen=True)
class Incoming:
    kind: Kind
    text: str = ""  # the typed text, or the postback data
    params: dict[str, str] = field(default_factory=dict)  # e.g. {"date": "2025-03-01"} from a date picker
    at: float = field(default_factory=time.time)  # when the person sent it (epoch seconds): "today" for dates
