"""The reminder scheduler: what has fallen due goes into the person's own event stream, to be sent like any turn.

It runs on the workers' heartbeat (`kakehashi worker` and `serve`), driven by the injected clock, so a test steps
the clock and calls `run_due` instead of sleeping. Going through the stream keeps each person's messages in
order and reuses what makes a turn go out once: the inbox dedupes the event id, the worker records the turn, and
the push carries an X-Line-Retry-Key derived from the event id, which is the reminder's id and due time.
Nothing about a reminder's content is logged here: only counts.
"""

from __future__ import annotations

import hashlib
import logging

from bot.clock import Clock
from bot.engine.reminders import as_params
from bot.engine.replies import Reminder
from bot.store.reminders import ReminderStore
from bot.stream.envelope import Envelope
from bot.stream.inbox import Inbox

log = logging.getLogger(__name__)
REMINDER_EVENT = "reminder"


def event_id(user: str, reminder: Reminder) -> str:
    """One id per person, reminder and due time: the same claim queued twice is queued once; set again for
    another day, it is a new event. Hashed, because event ids are logged and the due time tells the deadline."""
    digest = hashlib.sha256(f"{user}:{reminder.id}:{int(reminder.due)}".encode()).hexdigest()[:32]
    return f"reminder-{digest}"


class ReminderScheduler:
    def __init__(self, store: ReminderStore, inbox: Inbox, clock: Clock) -> None:
        self.store, self.inbox, self.clock = store, inbox, clock

    def run_due(self) -> int:
        """Queue every reminder due by now; returns how many were queued."""
        now, queued = self.clock(), 0
        for user, rid, claim in self.store.claim(now):
            record = self.store.record(user, rid)
            if record is not None:  # gone: stopped or erased after it was indexed
                chat_id = record.pop("chat")
                reminder = Reminder(**record)
                envelope = Envelope(event_id=event_id(user, reminder), chat_id=chat_id, kind=REMINDER_EVENT,
                                    params=as_params(reminder), timestamp=int(now * 1000))
                self.inbox.enqueue(user, envelope)
                queued += 1
            self.store.done(user, rid, claim)
        if queued:
            log.info("queued %d due reminders", queued)
        return queued
