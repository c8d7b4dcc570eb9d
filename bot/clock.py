"""What time it is, as one injectable function, so that nothing reads the wall clock behind a test's back.

Everything that asks "now" (the web app, the worker, the desk, the simulator, `serve`) takes a `Clock`.
Production passes `time.time`; tests pass a `PinnedClock` that starts at a chosen instant (a weekday noon,
a Saturday night, a holiday) and runs on from there, so timeouts still elapse while "open now" stays pinned.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], float]
"""Seconds since the epoch, like `time.time`."""

system_clock: Clock = time.time


class PinnedClock:
    """A clock that read `start` when it was made and runs at the real pace from there (or stands still)."""

    def __init__(self, start: datetime, *, running: bool = True) -> None:
        if start.tzinfo is None:
            raise ValueError("a pinned instant needs a time zone, e.g. 2026-11-28T23:30+09:00")
        self._offset = start.timestamp() - time.monotonic()
        self.running = running
        self._frozen = start.timestamp()

    def __call__(self) -> float:
        return time.monotonic() + self._offset if self.running else self._frozen

    def set(self, instant: datetime) -> None:
        """Jump to `instant` (a test crossing a boundary: closing time, a timeout, a new day)."""
        self._offset = instant.timestamp() - time.monotonic()
        self._frozen = instant.timestamp()

    def advance(self, seconds: float) -> None:
        self._offset += seconds
        self._frozen += seconds


def clock_for(pinned: datetime | None) -> Clock:
    """The system clock, or (tests and demos, KAKEHASHI_PINNED_NOW) one that starts at the pinned instant."""
    return system_clock if pinned is None else PinnedClock(pinned)
