"""Counting a turn's facts into the organization's day: in memory first, written with the process's counters.

The worker wraps each engine step in a `Watch` (it notes the session before and the facts after) and, once
the turn is saved, hands the watch's `noted` to `Tally.count`. Counting is a few additions in memory; the
counts reach Redis with the next flush of bot/store/counters.py, a fraction of a second later, in the same
pipelined round trip as the service's metrics — nothing is added to the turn's own path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.engine.inputs import Incoming
from bot.engine.replies import Reply
from bot.engine.session import Session
from bot.reports import observe
from bot.reports import vocabulary as v
from bot.store import keys
from bot.store.counters import Counters

if TYPE_CHECKING:
    from bot.content.flows import Flow

log = logging.getLogger(__name__)

OrgOf = Callable[[Session], str]
"""Which organization serves this person (the default: one organization, "default")."""
Step = Callable[[Session, Incoming], Reply]
Detect = Callable[[str], tuple[str, ...]]


def one_organization(session: Session) -> str:
    return v.DEFAULT_ORG


@dataclass(frozen=True)
class Noted:
    """A turn's facts, with where and when they belong."""

    org: str
    ticket_org: str  # the ticket's own organization, for facts about a ticket ("" when the event names none)
    place: str
    at: float
    facts: tuple[observe.Fact, ...]


class Watch:
    """One engine step, observed: `noted` holds what it did once it ran (a retried step overwrites it)."""

    def __init__(self, tally: Tally, step: Step, incoming: Incoming) -> None:
        self.tally, self.step, self.incoming = tally, step, incoming
        self.noted: Noted | None = None

    def __call__(self, session: Session) -> Reply:
        before = observe.Before.of(session)
        reply = self.step(session, self.incoming)
        self.noted = self.tally.note(before, session, self.incoming, reply)
        return reply


class Tally:
    def __init__(self, counters: Counters, zone: ZoneInfo, flows: Mapping[str, Flow], detect: Detect,
                 org_of: OrgOf = one_organization) -> None:
        """`flows` and `detect` are the engine's (its flows, to tell a result card; its danger check, to name
        the kinds of danger a message showed)."""
        self.counters, self.zone, self.flows, self.detect, self.org_of = counters, zone, flows, detect, org_of

    def watch(self, step: Step, incoming: Incoming) -> Watch:
        return Watch(self, step, incoming)

    def note(self, before: observe.Before, after: Session, incoming: Incoming, reply: Reply) -> Noted | None:
        found = observe.facts(before, after, incoming, reply, self.flows, self.detect)
        if not found:
            return None
        return Noted(self.org_of(after), incoming.params.get("ticket_org", ""), v.place_of(after.place), incoming.at,
                     found)

    def count(self, noted: Noted | None) -> None:
        """After the turn was saved: add its facts to its organization's day (written with the next flush)."""
        if noted is None:
            return
        when = datetime.fromtimestamp(noted.at, self.zone)
        day = when.date().isoformat()
        for fact in noted.facts:
            org = _org_id(noted.ticket_org or noted.org if fact.ticket else noted.org)
            detail = str(when.hour) if fact.metric == v.FIRST else fact.detail
            self.counters.add_in(keys.report_day(org, day), v.field(fact.metric, detail, noted.place), 1,
                                 ttl=v.RETENTION_S)


def _org_id(org: str) -> str:
    if v.ORG_ID.match(org):
        return org
    log.warning("an organization id unfit for a key; counted under %s", v.DEFAULT_ORG)
    return v.DEFAULT_ORG
