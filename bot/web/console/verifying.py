"""Password checks kept from starving the webhook: argon2 is slow on purpose (~0.1-0.2 s of every core it
may use), so a burst of logins must not take the CPU LINE's webhook needs to answer in milliseconds.

One check runs at a time per web process, in its own thread at a lower priority (argon2's helper threads
inherit it), a couple more may wait their turn, and anything beyond that is refused at once: the login
page says "busy, try again" instead of queueing request threads behind the hashing.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
RUNNING = 1
WAITING = 2
NICENESS = 10


class Busy(Exception):
    """Every slot is taken: answer "try again" rather than wait."""


def _lower_priority() -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


class VerifyPool:
    def __init__(self, running: int = RUNNING, waiting: int = WAITING) -> None:
        self._slots = threading.BoundedSemaphore(running + waiting)
        self._pool = ThreadPoolExecutor(max_workers=running, thread_name_prefix="kh-argon2",
                                        initializer=_lower_priority)

    def run(self, work: Callable[[], T]) -> T:
        """`work()` in the pool, waited for; raises Busy at once when the pool is full."""
        if not self._slots.acquire(blocking=False):
            raise Busy
        try:
            return self._pool.submit(work).result()
        finally:
            self._slots.release()
