"""Who did what in the console, for the people responsible for it (who opened which ticket, who replied, who closed it).

A Redis stream of small records: operator, the organization concerned, action, ticket, time. Never the text
of a message: the audit log must not become a second copy of what people told us.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import redis

from bot.store import keys

AUDIT = keys.CONSOLE_AUDIT
ACTIONS = ("login", "login_failed", "logout", "viewed", "claimed", "replied", "closed", "canned_changed",
           "transferred", "transferred_in")  # a transfer: one line for the organization it left, one for the other
KEEP = 200_000  # entries (approximate trim): years of a small team's work, without growing for ever


@dataclass(frozen=True)
class Entry:
    id: str
    operator: str
    action: str
    ticket: str
    at: float
    org: str = ""  # the organization the action was for ("": the default one, or before organizations)


class Audit:
    def __init__(self, r: redis.Redis, clock: Callable[[], float] = time.time) -> None:
        self.redis, self.clock = r, clock

    def record(self, operator: str, action: str, ticket: str = "", org: str = "") -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        self.redis.xadd(AUDIT, {"op": operator, "action": action, "ticket": ticket, "org": org,
                                "at": f"{self.clock():.3f}"}, maxlen=KEEP, approximate=True)

    def recent(self, limit: int = 200, ticket: str = "", org: str | None = None) -> list[Entry]:
        """Newest first; with `ticket`, only that ticket's entries, with `org` only that organization's
        (among the last 10,000)."""
        filtered = bool(ticket) or org is not None
        raw = cast(list[tuple[str, dict[str, str]]],
                   self.redis.xrevrange(AUDIT, count=10_000 if filtered else limit))
        entries = [Entry(eid, f.get("op", ""), f.get("action", ""), f.get("ticket", ""), float(f.get("at", 0)),
                         f.get("org", "")) for eid, f in raw]
        return [e for e in entries if (not ticket or e.ticket == ticket) and (org is None or e.org == org)][:limit]
