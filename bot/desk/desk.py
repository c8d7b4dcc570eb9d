"""The counselors' side of a handoff: claim by replying, send, close, and the queue's timeouts.

A counselor's message and the end of a handoff travel to the person as events in the person's own stream,
so the worker delivers them in order with everything else the person sent, by push with a retry key, and
the session (bot or counselor?) changes in the same turn that tells the person.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from bot.desk.records import OUTCOMES, Line, Ticket
from bot.desk.tickets import TicketStore
from bot.directory.windows import is_open, next_opening
from bot.engine.replies import CLOSED, QUEUED, WITH_COUNSELOR
from bot.stream.envelope import Envelope
from bot.stream.inbox import Inbox

COUNSELOR, HANDOFF_END, TRANSFER = "counselor", "handoff_end", "handoff_transfer"  # kinds only we create
MAX_MESSAGE = 2000
TOKYO = ZoneInfo("Asia/Tokyo")
MAX_NOTE = 500  # a transfer's note to the receiving organization


class Sent(Enum):
    SENT = "sent"
    TAKEN = "taken"  # another counselor holds this ticket
    CLOSED = "closed"  # the ticket ended (closed, cancelled, timed out, erased)
    EMPTY = "empty"


class Desk:
    def __init__(self, tickets: TicketStore, inbox: Inbox, clock: Callable[[], float] = time.time,
                 zone: ZoneInfo = TOKYO, handoff_timeout: int = 30 * 60) -> None:
        """`zone`, `handoff_timeout`: as the engine's (KAKEHASHI_TZ, KAKEHASHI_HANDOFF_TIMEOUT), so a
        transferred ticket waits for the receiving organization's hours as a new one would."""
        self.tickets, self.inbox, self.clock = tickets, inbox, clock
        self.zone, self.handoff_timeout = zone, handoff_timeout

    def reply(self, ticket_id: str, counselor: str, text: str) -> Sent:
        """The first reply claims a waiting ticket; later ones need the same counselor."""
        text = text.strip()[:MAX_MESSAGE]
        if not text:
            return Sent.EMPTY
        ticket = self.tickets.get(ticket_id)
        if ticket is None or ticket.status == CLOSED:
            return Sent.CLOSED
        params = {"ticket": ticket_id}
        if ticket.status == QUEUED:
            claimed_at = self.clock()
            if self.tickets.claim(ticket_id, counselor, claimed_at):  # the reports count the wait, once
                params["waited"] = str(round(claimed_at - ticket.created))
            ticket = self.tickets.get(ticket_id)
            if ticket is None or ticket.status != WITH_COUNSELOR:
                return Sent.CLOSED
        if ticket.counselor != counselor:
            return Sent.TAKEN
        now = self.clock()
        self.tickets.add_line(ticket, Line("counselor", text, now, counselor))
        self._tell(ticket, COUNSELOR, uuid.uuid4().hex, text, params)
        return Sent.SENT

    def close(self, ticket_id: str, outcome: str) -> bool:
        """End the conversation; the bot greets the person again where they were."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        ticket = self.tickets.get(ticket_id)
        if ticket is None or ticket.status == CLOSED:
            return False
        # Tell first (deduplicated by id), then close: a crash in between leaves a ticket a second
        # press closes, never a person stuck waiting for a counselor who has gone.
        self._tell(ticket, HANDOFF_END, f"close-{ticket.id}", "",
                   {"ticket": ticket.id, "why": "closed", "outcome": outcome})
        return self.tickets.close(ticket_id, outcome, self.clock())

    def transfer(self, ticket_id: str, to_org: str, note: str, by: str) -> bool:
        """The person moved, or the wrong organization got the ticket: it leaves this organization's queue
        and waits in `to_org`'s, in its place in time, until that organization's hours begin plus the usual
        wait. The note (and who wrote it) goes into the transcript for the receiving counselors; the person
        is told who has their request now and when they read it."""
        ticket = self.tickets.get(ticket_id)
        if ticket is None or ticket.status == CLOSED or not self.tickets.organizations.known(to_org):
            return False
        now = self.clock()
        hours, at = self.tickets.organizations.get(to_org).hours, datetime.fromtimestamp(now, self.zone)
        starts = at if is_open(hours, at) else (next_opening(hours, at) or at)
        if not self.tickets.transfer(ticket_id, to_org, starts.timestamp() + self.handoff_timeout):
            return False
        names = self.tickets.organizations
        said = f"{names.get(ticket.org).label()} → {names.get(to_org).label()}"
        note = note.strip()[:MAX_NOTE]
        self.tickets.add_line(ticket, Line("note", f"{said}: {note}" if note else said, now, by))
        self._tell(ticket, TRANSFER, f"transfer-{ticket.id}-{int(now * 1000)}", "",
                   {"ticket": ticket.id, "org": to_org})
        return True

    def expire_due(self) -> int:
        """Queued tickets nobody took in time: close them (unless a claim won the race) and tell the person."""
        told = 0
        for ticket_id in self.tickets.due(self.clock()):
            ticket = self.tickets.get(ticket_id)
            if ticket is None:
                self.tickets.publish(self.tickets.owner(ticket_id), ticket_id)
                continue
            if ticket.status == QUEUED:
                self.tickets.move(ticket.user, ticket_id, QUEUED, CLOSED, outcome="timeout",
                                  closed_at=self.clock(), publish=False)
                ticket = self.tickets.get(ticket_id) or ticket
            if ticket.status == CLOSED and ticket.outcome == "timeout":
                self._tell(ticket, HANDOFF_END, f"timeout-{ticket.id}", "", {"ticket": ticket.id, "why": "timeout"})
                told += 1
            self.tickets.publish(ticket.user, ticket_id)
        return told

    def _tell(self, ticket: Ticket, kind: str, event_id: str, text: str, params: dict[str, str]) -> None:
        if ticket.org:  # the reports count a ticket's events under the organization whose queue it is in
            params = {**params, "ticket_org": ticket.org}
        envelope = Envelope(event_id=event_id, chat_id=self.tickets.chat_id(ticket), kind=kind, text=text,
                            params=params, timestamp=int(self.clock() * 1000))
        self.inbox.enqueue(ticket.user, envelope)
