"""Leaving groups and rooms: a family-law bot answers one person at a time, never a group.

The webhook hands each group or room it sees here and answers LINE at once; a small pool of this web
process says the one line (with the event's reply token) and calls LINE's leave endpoint. Nothing about the
group goes to Redis, no session, no queue entry. Each group is told once: a burst of its messages within
TOLD_FOR_S gets one line (this process remembers a hash of the id for that long, in memory only), and the
leave call is repeated for each, which is harmless. The pool is bounded: when it is full the group is left
for its next event, never at the cost of a webhook thread.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from bot.line.events import GroupChat
from bot.line.sender import LineSender

log = logging.getLogger(__name__)
THREADS = 2
BACKLOG = 50
TOLD_FOR_S = 600.0
REMEMBERED = 10_000


class GroupExit:
    def __init__(self, sender: LineSender, text: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.sender, self.text, self.clock = sender, text, clock
        self._pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="kh-leave")
        self._slots = threading.BoundedSemaphore(BACKLOG)
        self._told: dict[str, float] = {}
        self._lock = threading.Lock()

    def leave(self, groups: Iterable[GroupChat]) -> int:
        """Queue a goodbye for each group or room; returns how many were queued (the rest: pool full)."""
        queued = 0
        for group in {g.chat_id: g for g in groups}.values():  # one per group, whatever the batch held
            if not self._slots.acquire(blocking=False):
                log.warning("too many groups to leave at once: leaving the rest on their next event")
                break
            token = group.reply_token if self._first_time(group.chat_id) else None
            self._pool.submit(self._goodbye, group, token)
            queued += 1
        return queued

    def _first_time(self, chat_id: str) -> bool:
        digest = hashlib.sha256(chat_id.encode()).hexdigest()[:32]
        now = self.clock()
        with self._lock:
            if len(self._told) > REMEMBERED:
                self._told = {k: t for k, t in self._told.items() if now - t < TOLD_FOR_S}
            if now - self._told.get(digest, -TOLD_FOR_S) < TOLD_FOR_S:
                return False
            self._told[digest] = now
            return True

    def _goodbye(self, group: GroupChat, token: str | None) -> None:
        try:
            self.sender.leave_chat(group.kind, group.chat_id, self.text, token)
        except Exception as exc:  # never let a goodbye take the pool down
            log.warning("leaving a %s failed (%s)", group.kind, type(exc).__name__)
        finally:
            self._slots.release()
