"""Handoff tickets in Redis: what a counselor needs to help, and who holds the chat.

A ticket's record and transcript live under the person's hash tag (`kh:{<user>}:ticket:<id>`), so the turn
that opens it, relays to it or cancels it writes them in the same transaction as the session. The record
names the organization whose queue it is in (bot/organizations.py; "" in a record from before organizations
is the default one). Each organization's index (waiting, held, closed, expiring) shares its own tag
`{handoff:<org>}`; which ticket belongs to which person is one hash under `{handoff}`. The indexes are
derived from the records and `publish` makes them agree again, so repeating it after a crash is harmless.

Status changes that can race (a claim against a timeout or a cancel) are one Lua script on the record:
only one of them finds the ticket still `queued`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any, cast

import redis

from bot.clock import Clock, system_clock
from bot.desk.records import DANGER, NORMAL, Line, Summary, Ticket
from bot.engine.replies import CLOSED, ENDED_BY_PERSON, QUEUED, WITH_COUNSELOR, TicketAction, TicketNote
from bot.organizations import Organizations
from bot.store import keys
from bot.store.keyring import Keyring

OWNERS = keys.HANDOFF_OWNERS

# KEYS[1] ticket record; ARGV: from-status, to-status, then field/value pairs to set.
_MOVE = """
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
"""

# KEYS[1] ticket record; ARGV: queued, with_counselor, the new organization, when its wait ends.
_TRANSFER = """
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= ARGV[1] and status ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'org', ARGV[3], 'expires', ARGV[4])
redis.call('HDEL', KEYS[1], 'counselor', 'claimed_at')
return 1
"""


record_key, transcript_key, tickets_of_key = keys.ticket, keys.transcript, keys.tickets_of


class TicketStore:
    def __init__(self, r: redis.Redis, keyring: Keyring, retention_s: int, organizations: Organizations,
                 clock: Clock = system_clock) -> None:
        self.clock, self.organizations = clock, organizations
        self.redis, self.keyring, self.retention_s = r, keyring, retention_s
        self._move = r.register_script(_MOVE)
        self._transfer = r.register_script(_TRANSFER)

    # ── writes inside a turn's transaction (the worker's pipeline, after MULTI) ─────────────
    def write_open(self, pipe: Any, user: str, ticket: str, chat_id: str, summary: Summary, priority: int,
                   created: float, expires: float, org: str = "") -> None:
        """`org`: the organization serving the person ("": the default one)."""
        pipe.hset(record_key(user, ticket), mapping={
            "status": QUEUED, "priority": priority, "created": created, "expires": expires,
            "org": self.organizations.resolve(org),
            "summary": self.keyring.seal(summary.to_json()), "chat": self.keyring.seal(chat_id)})
        pipe.sadd(tickets_of_key(user), ticket)

    def write_lines(self, pipe: Any, user: str, ticket: str, lines: Iterable[Line]) -> None:
        sealed = [self.keyring.seal(json.dumps(asdict(line), ensure_ascii=False)) for line in lines]
        if sealed:
            pipe.rpush(transcript_key(user, ticket), *sealed)

    def write_priority(self, pipe: Any, user: str, ticket: str, priority: int) -> None:
        pipe.hset(record_key(user, ticket), "priority", priority)

    def write_note(self, pipe: Any, user: str, chat_id: str, note: TicketNote) -> None:
        """What a turn did to the ticket, in the turn's transaction: written once with the session."""
        if note.action is TicketAction.OPEN and note.summary is not None:
            self.write_open(pipe, user, note.ticket, chat_id, Summary.from_dict(note.summary),
                            DANGER if note.danger else NORMAL,
                            note.at, note.expires, note.org)
        elif note.danger:
            self.write_priority(pipe, user, note.ticket, DANGER)
            if note.summary is not None:  # danger kinds accumulate: 死にたい after 殴られた shows both
                pipe.hset(record_key(user, note.ticket), "summary",
                          self.keyring.seal(Summary.from_dict(note.summary).to_json()))
        self.write_lines(pipe, user, note.ticket, (Line(who, text, note.at or self.clock(),
                                                        mid=note.message_id if who == "user" else "")
                                                   for who, text in note.lines))

    def settle(self, user: str, note: TicketNote, now: float) -> None:
        """After the turn's transaction (again after a crash: idempotent): close what the person ended,
        and bring the console's index up to date."""
        if note.action in ENDED_BY_PERSON:
            for status in (QUEUED, WITH_COUNSELOR):
                self.move(user, note.ticket, status, CLOSED, outcome=note.action, closed_at=now, publish=False)
        if note.action is not TicketAction.ERASED:
            self.publish(user, note.ticket)

    # ── status changes that may race: one script on the record ────────────────────────────
    def move(self, user: str, ticket: str, from_status: str, to_status: str, *, publish: bool = True,
             **fields: str | float) -> bool:
        args: list[str | float] = [from_status, to_status]
        for name, value in fields.items():
            args += [name, value]
        moved = bool(self._move(keys=[record_key(user, ticket)], args=args))
        if moved:
            if to_status == CLOSED:
                self._expire_content(user, ticket)
            if publish:
                self.publish(user, ticket)
        return moved

    def claim(self, ticket: str, counselor: str, now: float) -> bool:
        """The first counselor to answer takes the ticket; everyone else is told it is taken."""
        user = self.owner(ticket)
        return bool(user) and self.move(user, ticket, QUEUED, WITH_COUNSELOR, counselor=counselor,
                                        claimed_at=now)

    def close(self, ticket: str, outcome: str, now: float) -> bool:
        """A counselor ends the conversation (from queued or held); the bot then takes over again."""
        user = self.owner(ticket)
        if not user:
            return False
        return any(self.move(user, ticket, status, CLOSED, outcome=outcome, closed_at=now)
                   for status in (WITH_COUNSELOR, QUEUED))

    def _expire_content(self, user: str, ticket: str) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.expire(record_key(user, ticket), self.retention_s)
        pipe.expire(transcript_key(user, ticket), self.retention_s)
        pipe.execute()

    # ── the console's indexes, one per organization ───────────────────────────────────────
    def publish(self, user: str, ticket: str) -> None:
        """Make the indexes agree with the record (idempotent: run again after any change or crash)."""
        raw = cast(dict[str, str], self.redis.hgetall(record_key(user, ticket)))
        org = self.organizations.resolve(raw.get("org", "")) if raw else ""
        self._leave(ticket, but=org)  # other organizations' queues (a transfer, or what a crash left)
        if not raw:  # erased: nothing of it stays
            self.redis.hdel(OWNERS, ticket)
            return
        self.redis.hset(OWNERS, ticket, user)  # before the index: whatever is listed can be read
        index = _Index(org)
        pipe = self.redis.pipeline(transaction=True)  # one organization's keys: one slot
        pipe.zrem(index.waiting, ticket)
        pipe.zrem(index.held, ticket)
        pipe.zrem(index.expiring, ticket)
        status = raw.get("status")
        if status == QUEUED:
            pipe.zadd(index.waiting, {ticket: int(raw.get("priority", NORMAL)) * 1e10 + float(raw["created"])})
            pipe.zadd(index.expiring, {ticket: float(raw.get("expires", 0))})
        elif status == WITH_COUNSELOR:
            pipe.zadd(index.held, {ticket: float(raw.get("claimed_at", 0))})
        else:
            pipe.zadd(index.closed, {ticket: float(raw.get("closed_at") or self.clock())})
        pipe.execute()

    def _leave(self, ticket: str, but: str = "") -> None:
        """Out of every organization's index except `but`'s (one pipeline, not a transaction: many slots)."""
        pipe = self.redis.pipeline(transaction=False)
        for org in self.organizations.ids:
            if org != but:
                for name in keys.INDEXES:
                    pipe.zrem(keys.handoff_index(org, name), ticket)
        pipe.execute()

    def transfer(self, ticket: str, to_org: str, expires: float) -> bool:
        """Hand a waiting or held ticket to another organization's queue: waiting there, in its place in time
        (its creation is kept), until `expires`. False when it has ended or is that organization's already."""
        current = self.get(ticket)
        if current is None or current.org == to_org or not self.organizations.known(to_org):
            return False
        moved = bool(self._transfer(keys=[record_key(current.user, ticket)],
                                    args=[QUEUED, WITH_COUNSELOR, to_org, expires]))
        if moved:
            self.publish(current.user, ticket)
        return moved

    def adopt_legacy(self) -> int:
        """Tickets in the one queue from before organizations join their organization's (the default one):
        run at a worker's start; nothing to do once done."""
        adopted = 0
        for legacy in keys.LEGACY_HANDOFF:
            for ticket in cast(list[str], self.redis.zrange(legacy, 0, -1)):
                user = self.owner(ticket)
                if user:
                    self.publish(user, ticket)
                self.redis.zrem(legacy, ticket)
                adopted += 1
        return adopted

    def forget_message(self, user: str, message_id: str) -> int:
        """The person unsent a message on LINE: it leaves every transcript it is in."""
        removed = 0
        for ticket in cast(set[str], self.redis.smembers(tickets_of_key(user))):
            key = transcript_key(user, ticket)
            for sealed in cast(list[str], self.redis.lrange(key, 0, -1)):
                if json.loads(self.keyring.open(sealed)).get("mid") == message_id:
                    removed += int(cast(int, self.redis.lrem(key, 1, sealed)))
        return removed

    def forget_user(self, user: str) -> None:
        """Before a person's data is erased: take their tickets out of the indexes too."""
        for ticket in cast(set[str], self.redis.smembers(tickets_of_key(user))):
            self._leave(ticket)
            self.redis.hdel(OWNERS, ticket)

    def owner(self, ticket: str) -> str:
        return cast(str | None, self.redis.hget(OWNERS, ticket)) or ""

    def due(self, now: float, limit: int = 100) -> list[str]:
        """Queued tickets whose wait is over, in every organization's queue."""
        found: list[str] = []
        for org in self.organizations.ids:
            found += cast(list[str], self.redis.zrangebyscore(_Index(org).expiring, "-inf", now, start=0,
                                                              num=limit - len(found)))
            if len(found) >= limit:
                break
        return found

    def purge_closed(self, now: float) -> int:
        """Forget closed tickets past the retention period (their content has expired already)."""
        purged = 0
        for org in self.organizations.ids:
            closed = _Index(org).closed
            old = cast(list[str], self.redis.zrangebyscore(closed, "-inf", now - self.retention_s))
            for ticket in old:
                # Two steps, as the person's keys and the index live in different cluster slots: the
                # person's first, so a crash in between leaves an index entry the next purge finds again.
                user = self.owner(ticket)
                if user:
                    content = self.redis.pipeline(transaction=True)
                    content.srem(tickets_of_key(user), ticket)
                    content.delete(record_key(user, ticket), transcript_key(user, ticket))
                    content.execute()
                self.redis.zrem(closed, ticket)
                self.redis.hdel(OWNERS, ticket)
            purged += len(old)
        return purged

    # ── reading, for the console ──────────────────────────────────────────────────────────
    def waiting(self, org: str = "") -> list[Ticket]:
        """One organization's queue ("": the default organization's)."""
        return self._many(cast(list[str], self.redis.zrange(self._index(org).waiting, 0, -1)))

    def held(self, org: str = "") -> list[Ticket]:
        return self._many(cast(list[str], self.redis.zrange(self._index(org).held, 0, -1)))

    def recently_closed(self, limit: int = 50, org: str = "") -> list[Ticket]:
        return self._many(cast(list[str], self.redis.zrevrange(self._index(org).closed, 0, limit - 1)))

    def figures(self) -> tuple[int, int, float | None]:
        """For /metrics: tickets waiting, tickets held (every organization's), and when the longest-waiting
        one was opened."""
        pipe = self.redis.pipeline(transaction=False)
        for org in self.organizations.ids:
            index = _Index(org)
            pipe.zcard(index.waiting)
            pipe.zcard(index.held)
            for priority in (DANGER, NORMAL):  # scores are priority * 1e10 + created: the oldest of each band
                pipe.zrangebyscore(index.waiting, priority * 1e10, (priority + 1) * 1e10, start=0, num=1,
                                   withscores=True)
        results = pipe.execute()
        waiting = held = 0
        opened: list[float] = []
        for i in range(0, len(results), 4):
            waiting, held = waiting + int(results[i]), held + int(results[i + 1])
            opened += [score - priority * 1e10 for priority, first in zip((DANGER, NORMAL), results[i + 2:i + 4],
                                                                           strict=True) for _, score in first]
        return waiting, held, min(opened) if opened else None

    def _index(self, org: str) -> _Index:
        return _Index(self.organizations.get(org).id)

    def _many(self, tickets: list[str]) -> list[Ticket]:
        return [t for t in (self.get(tid) for tid in tickets) if t is not None]

    def get(self, ticket: str) -> Ticket | None:
        user = self.owner(ticket)
        raw = cast(dict[str, str], self.redis.hgetall(record_key(user, ticket))) if user else {}
        if not raw:
            return None
        summary = Summary.from_json(self.keyring.open(raw["summary"])) if raw.get("summary") else Summary()
        return Ticket(ticket, user, raw.get("status", ""), int(raw.get("priority", NORMAL)),
                      float(raw.get("created", 0)), float(raw.get("expires", 0)), summary,
                      raw.get("counselor", ""), float(raw.get("claimed_at", 0)), float(raw.get("closed_at", 0)),
                      raw.get("outcome", ""), self.organizations.resolve(raw.get("org", "")))

    def chat_id(self, ticket: Ticket) -> str:
        """Where a counselor's message goes (the LINE chat): used to push, never displayed."""
        sealed = cast(str | None, self.redis.hget(record_key(ticket.user, ticket.id), "chat"))
        return self.keyring.open(sealed) if sealed else ""

    def transcript(self, ticket: Ticket) -> list[Line]:
        raw = cast(list[str], self.redis.lrange(transcript_key(ticket.user, ticket.id), 0, -1))
        return [Line(**json.loads(self.keyring.open(item))) for item in raw]

    def add_line(self, ticket: Ticket, line: Line) -> None:
        """A counselor's line, written when they send it (the person receives it through the worker)."""
        pipe = self.redis.pipeline(transaction=False)
        self.write_lines(pipe, ticket.user, ticket.id, [line])
        pipe.execute()



class _Index:
    """The names of one organization's index keys."""

    def __init__(self, org: str) -> None:
        self.waiting, self.held, self.expiring, self.closed = (keys.handoff_index(org, name) for name in keys.INDEXES)
