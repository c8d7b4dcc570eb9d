"""Local conversations (the terminal chat, the web simulator): the same stream, worker and engine as LINE.

A local chat id starts with `local:`. Its events enter the person's stream like LINE's; the worker drops
each reply, sealed, into the person's outbox — both as the engine said it (for the terminal) and as the
LINE messages it would send (for the simulator, which draws them like LINE does). So what works here
(ordering, handoff, a counselor's message arriving later, a card LINE would refuse) works on LINE.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any, cast

import redis

from bot.clock import Clock, system_clock
from bot.engine.replies import Reply
from bot.line.render import render
from bot.line.sender import LOADING_S
from bot.store import keys
from bot.store.keyring import Keyring
from bot.stream.envelope import Envelope, Undeliverable
from bot.stream.inbox import Inbox
from bot.stream.transport import Transport

PREFIX = "local:"
OUTBOX_TTL = 24 * 3600
BLOCK_S = 1.0  # one BLPOP at most this long, well under the client's socket timeout


outbox_key = keys.outbox


class LocalTransport:
    """The worker's side: one outbox entry per reply, sent once (`done` says it went already)."""

    def __init__(self, r: redis.Redis, keyring: Keyring) -> None:
        self.redis, self.keyring = r, keyring

    def send(self, env: Envelope, reply: Reply, done: int, mark: Callable[[int], None]) -> None:
        if done:
            return
        line = render(reply)  # raises RenderError as the LINE transport would
        self._put(env, {"reply": reply.to_dict(), "line": line})  # one part: nothing to mark before the ack

    def working(self, env: Envelope) -> None:
        self._put(env, {"loading": LOADING_S})

    def _put(self, env: Envelope, entry: dict[str, Any]) -> None:
        key = outbox_key(self.keyring.user_key(env.chat_id))
        pipe = self.redis.pipeline(transaction=True)
        pipe.rpush(key, self.keyring.seal(json.dumps(entry, ensure_ascii=False)))
        pipe.expire(key, OUTBOX_TTL)
        pipe.execute()


class Router:
    """LINE chats to LINE, local chats to their outbox."""

    def __init__(self, line: Transport | None, local: Transport) -> None:
        self.line, self.local = line, local

    def _for(self, env: Envelope) -> Transport:
        if env.chat_id.startswith(PREFIX):
            return self.local
        if self.line is None:
            raise Undeliverable("a LINE event but no LINE_CHANNEL_ACCESS_TOKEN")
        return self.line

    def send(self, env: Envelope, reply: Reply, done: int, mark: Callable[[int], None]) -> None:
        self._for(env).send(env, reply, done, mark)

    def working(self, env: Envelope) -> None:
        self._for(env).working(env)


class LocalChat:
    """The client's side: send what the person did, read what the bot (or a counselor) said."""

    def __init__(self, r: redis.Redis, inbox: Inbox, keyring: Keyring, name: str, clock: Clock = system_clock) -> None:
        self.redis, self.inbox, self.keyring, self.clock = r, inbox, keyring, clock
        self.chat_id = PREFIX + name
        self.user = keyring.user_key(self.chat_id)
        self._unread: list[dict[str, Any]] = []  # taken from the outbox together, not yet handed out

    def send(self, kind: str, text: str = "", params: dict[str, str] | None = None) -> None:
        self.inbox.enqueue(self.user, Envelope(event_id=uuid.uuid4().hex, chat_id=self.chat_id, kind=kind,
                                               text=text, params=params or {}, timestamp=int(self.clock() * 1000)))

    def entries(self, wait: float) -> list[dict[str, Any]]:
        """Whatever arrived: waits up to `wait` seconds for the first entry, then takes all that are there.

        BLPOP blocks in short slices: with timeout 0 it would block forever, and one longer than the client's
        socket timeout (5 s) ends in an error while Redis may still pop an entry for the abandoned call.
        """
        key = outbox_key(self.user)
        deadline = time.monotonic() + wait
        items = cast(list[str] | None, self.redis.lpop(key, 100)) or []
        while not items and (left := deadline - time.monotonic()) > 0:
            first = cast(Any, self.redis.blpop([key], timeout=max(min(left, BLOCK_S), 0.01)))
            if first:
                items = [first[1], *(cast(list[str] | None, self.redis.lpop(key, 100)) or [])]
        return [json.loads(self.keyring.open(item)) for item in items]

    def receive(self, timeout: float) -> Reply | None:
        """The next reply (the terminal has no loading animation to show), waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            while self._unread:
                entry = self._unread.pop(0)
                if "reply" in entry:
                    return Reply.from_dict(entry["reply"])
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._unread = self.entries(left)
