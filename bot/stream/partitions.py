"""The workers' side of the event streams: partition leases, reading in order, acking, dead letters.

Why leases: a consumer group alone lets two consumers hold two events of the same user at once. A worker
that holds a partition's lease is the only one reading it, so each user's events are handled one at a time
and in arrival order; when a worker dies its lease lapses and another takes over its pending entries
(XAUTOCLAIM) before anything newer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import redis

from bot.store import keys
from bot.store.scripts import eval_in

GROUP = "workers"
LEASE_MS = 20_000
MAX_ATTEMPTS = 3

# A lease we hold already counts as acquired: one we could not release (Redis went away mid-drain) must not
# keep us out of our own partition until it lapses.
_ACQUIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class Entry:
    id: str
    user: str
    payload: str  # the envelope, as JSON


class PartitionQueue:
    def __init__(self, r: redis.Redis, partitions: int, consumer: str, lease_ms: int = LEASE_MS) -> None:
        self.redis, self.partitions, self.consumer, self.lease_ms = r, partitions, consumer, lease_ms
        self._acquire = r.register_script(_ACQUIRE)
        self._release = r.register_script(_RELEASE)

    def ensure_groups(self) -> None:
        for p in range(self.partitions):
            try:
                self.redis.xgroup_create(keys.stream(p), GROUP, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    # ── leases ────────────────────────────────────────────────────────────────
    def acquire(self, p: int) -> bool:
        return bool(self._acquire(keys=[keys.lease(p)], args=[self.consumer, self.lease_ms]))

    def renew(self, held: list[int]) -> list[int]:
        """Extend the leases we hold; returns the partitions we lost."""
        pipe = self.redis.pipeline(transaction=False)
        for p in held:
            eval_in(pipe, _RENEW, [keys.lease(p)], self.consumer, self.lease_ms)
        return [p for p, ok in zip(held, pipe.execute(), strict=True) if not ok]

    def release(self, p: int) -> None:
        self._release(keys=[keys.lease(p)], args=[self.consumer])

    # ── reading ───────────────────────────────────────────────────────────────
    def reclaim(self, p: int) -> None:
        """Take over entries a previous holder of this partition read but never acknowledged."""
        start = "0-0"
        while True:
            start = self.redis.xautoclaim(keys.stream(p), GROUP, self.consumer, 0, start, count=100)[0]
            if start == "0-0":
                return

    def read(self, p: int, count: int = 50, pending: bool = True) -> list[Entry]:
        """Our own pending entries first (oldest), then new ones: arrival order is kept. `pending=False` when
        we know we hold none (the last batch was settled whole and was not itself read from our pending
        entries, which may hold more than one batch: our own leftovers and what we reclaimed)."""
        return self.read_from(p, count, pending)[0]

    def read_from(self, p: int, count: int = 50, pending: bool = True) -> tuple[list[Entry], bool]:
        """`read`, and whether the entries came from our pending ones (then read those again next time)."""
        for cursor in ("0", ">") if pending else (">",):
            got: Any = self.redis.xreadgroup(GROUP, self.consumer, {keys.stream(p): cursor}, count=count)
            entries = [Entry(eid, f.get("u", ""), f.get("e", "")) for _, items in got for eid, f in items if f]
            if entries:
                return entries, cursor == "0"
        return [], False

    def done(self, p: int, entry: Entry) -> None:
        """Acknowledge and delete: a handled event leaves nothing of itself in the stream."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.xack(keys.stream(p), GROUP, entry.id)
        pipe.xdel(keys.stream(p), entry.id)
        pipe.hdel(keys.attempts(p), entry.id)
        pipe.execute()

    def attempt(self, p: int, entry: Entry) -> int:
        return int(self.redis.hincrby(keys.attempts(p), entry.id, 1))

    def attempts(self, p: int, entries: list[Entry]) -> list[int]:
        """Count an attempt of every entry of a batch, in one round trip (before the turns: an event that
        kills its worker still counts towards the dead letters)."""
        pipe = self.redis.pipeline(transaction=False)
        for entry in entries:
            pipe.hincrby(keys.attempts(p), entry.id, 1)
        return [int(n) for n in pipe.execute()]

    def settle(self, p: int, done: list[Entry], forgiven: list[Entry]) -> None:
        """A batch's end in one round trip: acknowledge and delete what was finished with, and take back the
        attempts of entries that were not tried (held behind an earlier event of their person) or failed for
        a reason outside them."""
        if not done and not forgiven:
            return
        pipe = self.redis.pipeline(transaction=False)
        if done:
            ids = [entry.id for entry in done]
            pipe.xack(keys.stream(p), GROUP, *ids)
            pipe.xdel(keys.stream(p), *ids)
            pipe.hdel(keys.attempts(p), *ids)
        for entry in forgiven:
            pipe.hincrby(keys.attempts(p), entry.id, -1)
        pipe.execute()

    def park(self, p: int, parked: list[tuple[Entry, str]]) -> None:
        """Copy events that keep failing to the dead letters (acknowledged afterwards, with the batch). Stamped
        with the wall clock, like the stream ids beside it: an operator reads when it really happened."""
        if not parked:
            return
        pipe = self.redis.pipeline(transaction=False)
        for entry, reason in parked:
            pipe.xadd(keys.DEADLETTERS, {"u": entry.user, "e": entry.payload, "reason": reason, "partition": p,
                                         "at": int(time.time())}, maxlen=10_000, approximate=True)
        pipe.execute()

    def forgive(self, p: int, entry: Entry) -> None:
        """Take back an attempt that failed for a reason outside the event (LINE down): only attempts that
        may be the event's own fault lead to the dead letters."""
        self.redis.hincrby(keys.attempts(p), entry.id, -1)

    def dead_letter(self, p: int, entry: Entry, reason: str) -> None:
        """Park an event that keeps failing, so it stops blocking the user's later messages."""
        self.redis.xadd(
            keys.DEADLETTERS,
            {"u": entry.user, "e": entry.payload, "reason": reason, "partition": p, "at": int(time.time())},
            maxlen=10_000,
            approximate=True,
        )
        self.done(p, entry)

    def backlog(self) -> list[int]:
        """Partitions with entries still in their stream (new or pending)."""
        pipe = self.redis.pipeline(transaction=False)
        for p in range(self.partitions):
            pipe.xlen(keys.stream(p))
        return [p for p, n in enumerate(pipe.execute()) if n]

    def wait_bell(self, timeout: float) -> int | None:
        got = self.redis.blpop([keys.DOORBELL], timeout=timeout)
        return int(got[1]) if got else None

    def ring(self, p: int) -> None:
        self.redis.rpush(keys.DOORBELL, p)

    def wake(self, n: int) -> None:
        """Wake `n` waiting threads (a bell for no partition), so stopping takes no second."""
        self.redis.rpush(keys.DOORBELL, *([-1] * n))

    def has_work(self, p: int) -> bool:
        return bool(self.redis.xlen(keys.stream(p)))

    def heartbeat(self) -> None:
        now = time.time()
        pipe = self.redis.pipeline(transaction=False)
        pipe.zadd(keys.WORKERS, {self.consumer: now})
        pipe.zremrangebyscore(keys.WORKERS, 0, now - 3600)
        pipe.execute()

    @staticmethod
    def workers_alive(r: redis.Redis, within_s: float = 30) -> int:
        return int(r.zcount(keys.WORKERS, time.time() - within_s, "+inf"))


def age(entry: Entry) -> float:
    """Seconds since the entry was queued (a stream id starts with its time in ms)."""
    return time.time() - int(entry.id.split("-")[0]) / 1000


def describe(entry: Entry) -> str:
    """An entry for logs: ids only, never the message."""
    return f"entry {entry.id} user {entry.user[:8]}"
