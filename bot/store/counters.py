"""Counters every process adds to (webhook answers, turns, sends, dead letters), kept in one Redis hash, and
the organizations' report counts (bot/reports), kept in a hash per organization per day.

Why Redis and not each process's memory: the web runs as several gunicorn processes and the workers as
`kakehashi worker` processes, possibly in other containers. A counter in one process's memory would show
whichever process a scrape happened to reach; in Redis, any process's /metrics shows the whole service,
and a counter survives the process that counted it (kill -9 included, up to the last flush).

Counting costs no round trip on the path it measures: counts gather in memory and a one-shot timer
writes them all in one pipeline a moment later. If Redis is down they are kept and written with the next
flush that gets through (so the webhook's 503s are counted once Redis is back).
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import weakref
from collections import Counter
from typing import cast

import redis

from bot.store import keys

KEY = keys.COUNTS
FLUSH_AFTER_S = 0.2
RETRY_AFTER_S = 1.0


class Counters:
    def __init__(self, r: redis.Redis, flush_after: float = FLUSH_AFTER_S) -> None:
        self.redis, self.flush_after = r, flush_after
        self._pending: Counter[tuple[str, str]] = Counter()  # (hash key, field) → count
        self._ttl: dict[str, int] = {}  # hash keys that expire: seconds after their last write
        self._lock = threading.Lock()
        self._writing = threading.Lock()  # one flush at a time, so flush_all() also waits for a timer's
        self._timer: threading.Timer | None = None

    def add(self, name: str, n: int = 1) -> None:
        """Count `n` of `name` (a fixed name: never user data)."""
        self.add_in(KEY, name, n)

    def add_in(self, key: str, name: str, n: int = 1, ttl: int | None = None) -> None:
        """Count `n` of `name` in the hash `key`, written with the next flush (the reports' per-day hashes,
        which expire `ttl` seconds after their last write)."""
        with self._lock:
            self._pending[key, name] += n
            if ttl is not None:
                self._ttl[key] = ttl
            _unflushed.add(self)
            if self._timer is None:
                self._schedule(self.flush_after)

    def _schedule(self, delay: float) -> None:
        self._timer = threading.Timer(delay, self._flush_later)
        self._timer.daemon = True  # a process may exit without waiting; atexit flushes what it can
        self._timer.start()

    def _flush_later(self) -> None:
        with self._lock:
            self._timer = None
        if not self.flush():
            with self._lock:
                if self._timer is None and self._pending:
                    self._schedule(RETRY_AFTER_S)

    def flush(self) -> bool:
        """Write what was counted; False (and kept for later) when Redis cannot be reached."""
        with self._writing:
            with self._lock:
                pending, self._pending = self._pending, Counter()
                ttl = {key: self._ttl.pop(key) for key, _ in pending if key in self._ttl}
            if not pending:
                return True
            try:
                pipe = self.redis.pipeline(transaction=False)
                for (key, name), n in pending.items():
                    pipe.hincrby(key, name, n)
                for key, seconds in ttl.items():
                    pipe.expire(key, seconds)
                pipe.execute()
            except (redis.RedisError, OSError, ValueError):  # ValueError: the client was closed under us
                with self._lock:
                    self._pending.update(pending)
                    self._ttl.update(ttl)
                return False
            return True

    def read(self) -> dict[str, int]:
        """The service's totals so far (this process's unflushed counts are written first)."""
        self.flush()
        return {name: int(n) for name, n in cast(dict[str, str], self.redis.hgetall(KEY)).items()}


_unflushed: weakref.WeakSet[Counters] = weakref.WeakSet()


@atexit.register
def flush_all() -> None:
    """At the end (of the process; in tests, of a case): write every instance's counts once, forget what
    cannot be written — there is no later to retry in."""
    for counters in list(_unflushed):
        with contextlib.suppress(Exception):  # a client already closed, a server already gone
            counters.flush()
        with counters._lock:
            counters._pending.clear()
        _unflushed.discard(counters)
