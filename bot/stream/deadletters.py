"""The dead-letter stream, for an operator: what is parked and why, send it round again, or let it go.

An event is parked (bot/stream/partitions.py) after it failed too often or LINE refused it for good. It stays
sealed: listing shows ids, time, reason, partition and a prefix of the (already hashed) user key, never
what the person wrote. Replaying puts the sealed envelope back at the end of its user's partition stream,
past the dedupe (it was seen already), and the worker takes it like any other: a turn that was already
stepped is only sent again, and pushes keep their retry key, so a replay never doubles an answer LINE
took.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import redis

from bot.logs import USER_PREFIX
from bot.store import keys


@dataclass(frozen=True)
class Parked:
    id: str
    at: int  # when it was parked, seconds since the epoch
    reason: str
    partition: int
    user: str  # a prefix of the hashed user key


class DeadLetters:
    def __init__(self, r: redis.Redis, partitions: int) -> None:
        self.redis, self.partitions = r, partitions

    def parked(self, limit: int = 1000) -> list[Parked]:
        """Oldest first."""
        entries = cast(list[tuple[str, dict[str, str]]], self.redis.xrange(keys.DEADLETTERS, count=limit))
        return [Parked(eid, int(f.get("at") or 0), f.get("reason", ""), int(f.get("partition") or 0),
                       f.get("u", "")[:USER_PREFIX]) for eid, f in entries]

    def replay(self, ids: Iterable[str]) -> list[str]:
        """Queue each again in its user's partition (by today's partition count); returns those replayed."""
        done = []
        for eid in ids:
            found = cast(list[tuple[str, dict[str, str]]], self.redis.xrange(keys.DEADLETTERS, eid, eid))
            if not found:
                continue
            fields = found[0][1]
            p = keys.partition_of(fields["u"], self.partitions)
            # Queued before it is removed: a crash in between leaves it in both, and replaying it twice is
            # harmless (see the module's docstring); the other order could lose it.
            self.redis.xadd(keys.stream(p), {"u": fields["u"], "e": fields["e"]})
            self.redis.xdel(keys.DEADLETTERS, eid)
            self.redis.rpush(keys.DOORBELL, p)
            done.append(eid)
        return done

    def drop(self, ids: Iterable[str]) -> list[str]:
        """Forget each for good; returns those that were there."""
        return [eid for eid in ids if self.redis.xdel(keys.DEADLETTERS, eid)]

    def count(self) -> int:
        return int(self.redis.xlen(keys.DEADLETTERS))

    def all_ids(self) -> list[str]:
        return [eid for eid, _ in cast(list[tuple[str, dict[str, str]]], self.redis.xrange(keys.DEADLETTERS))]
