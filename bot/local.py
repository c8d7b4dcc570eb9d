"""Local conversations (the terminal chat, the web simulator): the same stream, worker and engine as LINE.

A local chat id starts with `local:`. Its events enter the person's stream like LINE's; the worker renders
nothing for LINE but drops each reply, sealed, into the person's outbox, which the local client reads. So
what works here (ordering, handoff, a counselor's message arriving later) works on LINE.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol, cast

import redis

from bot.engine.replies import Reply
from bot.envelope import Envelope, Undeliverable
from bot.keyring import Keyring
from bot.store.inbox import Inbox

PREFIX = "local:"
OUTBOX_TTL = 24 * 3600


class Transport(Protocol):
    def send(self, env: Envelope, reply: Reply, done: int, mark: Callable[[int], None]) -> None: ...


def outbox_key(user: str) -> str:
    return f"kh:{{{user}}}:outbox"


class LocalTransport:
    """The worker's side: one outbox entry per reply, sent once (`done` says it went already)."""

    def __init__(self, r: redis.Redis, keyring: Keyring) -> None:
        self.redis, self.keyring = r, keyring

    def send(self, env: Envelope, reply: Reply, done: int, mark: Callable[[int], None]) -> None:
        if done:
            return
        key = outbox_key(self.keyring.user_key(env.chat_id))
        pipe = self.redis.pipeline(transaction=True)
        pipe.rpush(key, self.keyring.seal(json.dumps(reply.to_dict(), ensure_ascii=False)))
        pipe.expire(key, OUTBOX_TTL)
        pipe.execute()
        mark(1)


class Router:
    """LINE chats to LINE, local chats to their outbox."""

    def __init__(self, line: Transport | None, local: Transport) -> None:
        self.line, self.local = line, local

    def send(self, env: Envelope, reply: Reply, done: int, mark: Callable[[int], None]) -> None:
        if env.chat_id.startswith(PREFIX):
            self.local.send(env, reply, done, mark)
        elif self.line is None:
            raise Undeliverable("a LINE event but no LINE_CHANNEL_ACCESS_TOKEN")
        else:
            self.line.send(env, reply, done, mark)


class LocalChat:
    """The client's side: send what the person did, read what the bot (or a counselor) said."""

    def __init__(self, r: redis.Redis, inbox: Inbox, keyring: Keyring, name: str) -> None:
        self.redis, self.inbox, self.keyring = r, inbox, keyring
        self.chat_id = PREFIX + name
        self.user = keyring.user_key(self.chat_id)

    def send(self, kind: str, text: str = "", params: dict[str, str] | None = None) -> None:
        self.inbox.enqueue(self.user, Envelope(event_id=uuid.uuid4().hex, chat_id=self.chat_id, kind=kind,
                                               text=text, params=params or {}, timestamp=int(time.time() * 1000)))

    def receive(self, timeout: float) -> Reply | None:
        """The next reply, waiting up to `timeout` seconds."""
        got = cast(Any, self.redis.blpop([outbox_key(self.user)], timeout=timeout))
        return Reply.from_dict(json.loads(self.keyring.open(got[1]))) if got else None
