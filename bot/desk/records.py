"""What a handoff ticket is: its transcript lines, the triage summary a counselor reads first, the ticket."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

OUTCOMES = ("houterasu", "lawyer", "dv_centre", "police", "resolved", "no_response")  # a counselor's choice
DANGER, NORMAL = 0, 1  # priority: lower is read first


@dataclass(frozen=True)
class Line:
    """One line of a ticket's transcript. `who`: user, counselor, bot (what the bot told the person) or note (a
    transfer's note from one organization's counselor to the next; never sent to the person)."""

    who: str
    text: str
    at: float
    by: str = ""  # the counselor's name, for counselor lines
    mid: str = ""  # LINE's message id of a person's line: an unsent message is removed


@dataclass(frozen=True)
class Summary:
    """The triage so far, readable by a person: flow title, question → answer pairs, danger seen."""

    topic: str = ""
    answers: tuple[tuple[str, str], ...] = ()
    danger: tuple[str, ...] = ()
    lang: str = "ja"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Summary:
        """From the engine's note (bot/engine/handoff.py summarize) or what to_json wrote."""
        return cls(data.get("topic", ""), tuple(tuple(a) for a in data.get("answers", [])),  # type: ignore[misc]
                   tuple(data.get("danger", [])), data.get("lang", "ja"))

    @classmethod
    def from_json(cls, raw: str) -> Summary:
        return cls.from_dict(json.loads(raw))


@dataclass
class Ticket:
    id: str
    user: str
    status: str
    priority: int
    created: float
    expires: float
    summary: Summary = field(default_factory=Summary)
    counselor: str = ""
    claimed_at: float = 0.0
    closed_at: float = 0.0
    outcome: str = ""
    org: str = ""  # the organization whose queue it is in (bot/organizations.py)

    @property
    def danger(self) -> bool:
        return self.priority == DANGER
