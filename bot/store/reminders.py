"""The reminders people asked for, kept in Redis so they survive restarts and are sent once by many workers.

Two keys: each person's reminders (id → sealed record: whom to push to and what to say) under their own hash tag,
so erasing their data erases these; and one sorted set of "<user key>:<id>" by due time under its own tag, so
finding what is due is one range on one slot. A scheduler *claims* due members with one script that pushes their
score a lease ahead: another scheduler (another worker process) no longer sees them as due, and a scheduler that
dies holding a claim lets them fall due again when the lease runs out. Queuing is idempotent (the inbox dedupes
on the event id), so a claim repeated after a crash cannot send twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import redis

from bot.engine.replies import Reminder
from bot.store import keys
from bot.store.keyring import Keyring

CLAIM_LEASE_S = 60  # a claimed reminder not queued within this falls due again (its claimant died)

_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], ARGV[2], member)
end
return due
"""

# Done only when the member still holds this claim: a reminder set again meanwhile (a new due time) stays.
_DONE = """
if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
"""


class ReminderStore:
    def __init__(self, r: redis.Redis, keyring: Keyring) -> None:
        self.redis, self.keyring = r, keyring

    def schedule(self, user: str, chat_id: str, reminders: Sequence[Reminder]) -> None:
        """Record, then index: the index never names a reminder without its record. Idempotent (a turn's retry
        writes the same ids and times)."""
        if not reminders:
            return
        sealed: dict[Any, Any] = {r.id: self.keyring.seal(json.dumps({"chat": chat_id, **asdict(r)}))
                                  for r in reminders}
        self.redis.hset(keys.reminders(user), mapping=sealed)
        self.redis.zadd(keys.REMINDERS_DUE, {f"{user}:{r.id}": r.due for r in reminders})

    def cancel_all(self, user: str) -> None:
        """Index first: a scheduler between the two finds no record and drops the member."""
        ids: list[str] = self.redis.hkeys(keys.reminders(user))  # type: ignore[assignment]
        if ids:
            self.redis.zrem(keys.REMINDERS_DUE, *(f"{user}:{rid}" for rid in ids))
        self.redis.delete(keys.reminders(user))

    def claim(self, now: float, limit: int = 100) -> list[tuple[str, str, float]]:
        """Due reminders as (user, id, claim), each claimed by this caller alone until `now` + the lease."""
        until = float(int(now) + CLAIM_LEASE_S)  # whole seconds: compared again, exactly, when done
        members: list[str] = self.redis.eval(_CLAIM, 1, keys.REMINDERS_DUE, now, until, limit)  # type: ignore[assignment]
        claims = []
        for member in members:
            user, _, rid = member.partition(":")
            claims.append((user, rid, until))
        return claims

    def record(self, user: str, rid: str) -> dict[str, Any] | None:
        sealed: str | None = self.redis.hget(keys.reminders(user), rid)  # type: ignore[assignment]
        return json.loads(self.keyring.open(sealed)) if sealed else None

    def done(self, user: str, rid: str, claim: float) -> None:
        """Queued (or found gone): out of the index, and its record deleted unless it was set again meanwhile."""
        if self.redis.eval(_DONE, 1, keys.REMINDERS_DUE, f"{user}:{rid}", int(claim)):
            self.redis.hdel(keys.reminders(user), rid)

    def pending(self, user: str) -> int:
        """How many reminders this person has waiting (for tests and the person's own questions)."""
        return int(self.redis.hlen(keys.reminders(user)))  # type: ignore[arg-type]
