"""The per-user conversation state: a plain object restored from Redis each turn and saved after it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

MENU_FLOW = "menu"
MENU_NODE = "start"


@dataclass
class Session:
    """`state` is the attribute the `transitions` machine of `flow` reads and writes."""

    flow: str = MENU_FLOW
    state: str = MENU_NODE
    answers: dict[str, Any] = field(default_factory=dict)
    history: list[list[str]] = field(default_factory=list)  # earlier questions, [flow, node], for "back"
    lang: str = "ja"
    misses: int = 0
    fresh: bool = True  # never spoken to yet: the first text decides the language
    confirming: str = ""  # a question about the conversation itself awaits yes/no ("erase")
    quiet: bool = False  # the person asked for silent notifications
    danger_seen: int = 0  # how often this conversation showed the emergency contacts (the second time, briefly)
    handoff: str = ""  # "" the bot answers; "queued" or "with_counselor": a person does, the bot stays quiet
    ticket: str = ""  # the handoff ticket while `handoff` is set
    place: str = ""  # where the person lives: a prefecture's JIS code "01".."47"; "-" they chose not to say
    city: str = ""  # their municipality as the place data names it (「八王子市」), "" when not said
    place_asked: bool = False  # the bot asked where they live (once, ever: bot/engine/place.py)

    def to_json(self) -> str:
        """Shallow on purpose: json.dumps walks the answers itself (dataclasses.asdict deep-copies them first,
        which cost a whole engine turn's time)."""
        return json.dumps({f: getattr(self, f) for f in _FIELDS}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Session:
        data = json.loads(raw)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def restart(self) -> None:
        """Back to the menu; language and notification choice stay, answers and history go."""
        self.flow, self.state = MENU_FLOW, MENU_NODE
        self.answers, self.history, self.misses = {}, [], 0


_FIELDS = tuple(f.name for f in fields(Session))
