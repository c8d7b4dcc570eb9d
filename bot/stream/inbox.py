"""The webhook's side of the event streams: drop redeliveries, append, ring the workers' doorbell.

The event (it holds what the person typed and their LINE id) is sealed before it is stored. Dedupe and
append happen in one Lua script on the partition's slot, so an event is either seen-and-queued
or neither: a Redis failure in between cannot mark an event seen that was never queued.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

from bot.store import keys
from bot.store.keyring import Keyring
from bot.store.scripts import eval_in
from bot.stream.envelope import Envelope

SEEN_TTL = 24 * 3600  # the default of Settings.event_window: LINE's events older than it are not taken at all

_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], '*', 'u', ARGV[2], 'e', ARGV[3])
end
return false
"""


class Inbox:
    def __init__(self, r: redis.Redis, partitions: int, keyring: Keyring, seen_ttl: int = SEEN_TTL) -> None:
        self.redis, self.partitions, self.keyring, self.seen_ttl = r, partitions, keyring, seen_ttl

    def accept(self, events: Iterable[Envelope]) -> int:
        """Queue every event not seen before; returns how many were new. Raises RedisError when down.

        One round trip for the whole batch: the scripts and the doorbell go in one pipeline (as EVAL: see
        bot/store/scripts.py).
        """
        pipe = self.redis.pipeline(transaction=False)
        rung = {self._queue(pipe, self.keyring.user_key(event.chat_id), event) for event in events}
        count = len(pipe)  # scripts queued (a cluster pipeline keeps no command_stack)
        if not count:
            return 0
        self._ring(pipe, rung)
        return sum(1 for r in pipe.execute()[:count] if r)

    def enqueue(self, user: str, event: Envelope) -> bool:
        """An event of our own (a counselor's message, a handoff ending) into the person's ordered stream.

        Same dedupe as LINE's events: enqueueing one event id twice queues it once.
        """
        pipe = self.redis.pipeline(transaction=False)
        self._ring(pipe, {self._queue(pipe, user, event)})
        return bool(pipe.execute()[0])

    def _queue(self, pipe: redis.client.Pipeline, user: str, event: Envelope) -> int:
        p = keys.partition_of(user, self.partitions)
        eval_in(pipe, _ACCEPT, [keys.seen(p, event.event_id), keys.stream(p)], self.seen_ttl, user,
                self.keyring.seal(event.to_json()))
        return p

    @staticmethod
    def _ring(pipe: redis.client.Pipeline, partitions: set[int]) -> None:
        """Wake the workers (best effort: a sweep finds the work anyway if this bell is lost or rings for an
        event that turned out to be a redelivery)."""
        pipe.rpush(keys.DOORBELL, *sorted(partitions))
        pipe.ltrim(keys.DOORBELL, -1000, -1)
