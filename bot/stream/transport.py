"""What the worker sends answers through: LINE (bot.line.transport) or a local chat (bot.local_chat)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.engine.replies import Reply
from bot.stream.envelope import Envelope


class Transport(Protocol):
    def send(self, env: Envelope, reply: Reply, done: int, mark: Callable[[int], None]) -> None:
        """Send what is left after `done` parts; `mark(n)` records progress between parts, not after the last."""

    def working(self, env: Envelope) -> None: ...
