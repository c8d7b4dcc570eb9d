"""The webhook's side of the event streams: drop redeliveries, append, ring the workers' doorbell.

The event (it holds what the person typed and their LINE id) is sealed before it is stored. Dedupe and
append happen in one Lua script on the partition's slot, so an event is either seen-and-queued
or neither: a Redis failure in between cannot mark an event seen that was never queued.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

from bot.envelope import Envelope
from bot.keyring import Keyring
from bot.store import keys
from bot.store.scripts import Lua

SEEN_TTL = 24 * 3600

_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], '*', 'u', ARGV[2], 'e', ARGV[3])
end
return false
"""


class Inbox:
    def __init__(self, r: redis.Redis, partitions: int, keyring: Keyring) -> None:
        self.redis, self.partitions, self.keyring = r, partitions, keyring
        self._accept = Lua(r, _ACCEPT)

    def accept(self, events: Iterable[Envelope]) -> int:
        """Queue every event not seen before; returns how many were new. Raises RedisError when down."""
        pipe = self.redis.pipeline(transaction=False)
        rung: set[int] = set()
        count = 0
        for event in events:
            rung.add(self._queue(pipe, self.keyring.user_key(event.chat_id), event))
            count += 1
        if not count:
            return 0
        results = pipe.execute()
        new = sum(1 for r in results if r)
        if new:
            self._ring(rung)
        return new

    def enqueue(self, user: str, event: Envelope) -> bool:
        """An event of our own (a counselor's message, a handoff ending) into the person's ordered stream.

        Same dedupe as LINE's events: enqueueing one event id twice queues it once.
        """
        pipe = self.redis.pipeline(transaction=False)
        p = self._queue(pipe, user, event)
        new = bool(pipe.execute()[0])
        if new:
            self._ring({p})
        return new

    def _queue(self, pipe: redis.client.Pipeline, user: str, event: Envelope) -> int:
        p = keys.partition_of(user, self.partitions)
        self._accept(keys=[keys.seen(p, event.event_id), keys.stream(p)],
                     args=[SEEN_TTL, user, self.keyring.seal(event.to_json())], client=pipe)
        return p

    def _ring(self, partitions: set[int]) -> None:
        """Best effort: a sweep finds the work anyway if this bell is lost."""
        bell = self.redis.pipeline(transaction=False)
        bell.rpush(keys.DOORBELL, *sorted(partitions))
        bell.ltrim(keys.DOORBELL, -1000, -1)
        bell.execute()
