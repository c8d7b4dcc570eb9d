"""The LINE transport: render the engine's reply to LINE messages and send them."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.replies import Reply
from bot.line.render import render
from bot.line.sender import LineSender
from bot.stream.envelope import Envelope


class LineTransport:
    def __init__(self, sender: LineSender) -> None:
        self.sender = sender

    def send(self, env: Envelope, reply: Reply, done: int, mark: Callable[[int], None]) -> None:
        self.sender.deliver(env, render(reply), done, mark, quiet=reply.quiet)

    def working(self, env: Envelope) -> None:
        """LINE shows the loading animation in one-to-one chats only (user ids start with U)."""
        if env.chat_id.startswith("U"):
            self.sender.show_loading(env.chat_id)
