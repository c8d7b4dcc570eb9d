"""`kakehashi chat`: a terminal conversation through the same engine and Redis — no LINE needed."""

from __future__ import annotations

import uuid

import redis

from bot.engine.inputs import Incoming
from bot.engine.replies import Card, Reply, Text
from bot.keyring import resolve_keyring
from bot.line.render import card_text
from bot.runtime import engine_for
from bot.settings import Settings
from bot.store.sessions import SessionStore


def show(reply: Reply) -> None:
    for message in reply.messages:
        print()
        print(message.text if isinstance(message, Text) else card_text(message) if isinstance(message, Card) else "")
    if reply.choices:
        print()
        print("  " + "  ".join(f"[{i}] {c.label}" + (f" ({c.uri})" if c.uri else "")
                               for i, c in enumerate(reply.choices, 1)))


def chat(settings: Settings, r: redis.Redis, name: str) -> None:
    engine = engine_for(settings)
    keyring = resolve_keyring(settings)
    store = SessionStore(r, settings.session_ttl, keyring)
    user = keyring.user_key(f"terminal:{name}")
    print("Kakehashi in your terminal. Type your answer, [n] to tap button n, /sticker, or /quit.")
    reply = Reply()

    def turn(incoming: Incoming) -> Reply:
        reply = store.take_turn(user, uuid.uuid4().hex, lambda s: engine.step(s, incoming)).reply
        if reply.erase:
            store.erase(user)
        return reply

    # A returning person resumes where they were: "continue" re-asks the current question.
    show(reply := turn(Incoming("follow")) if store.load(user).fresh else turn(Incoming("postback", "cmd:continue")))
    while True:
        try:
            line = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if line in ("/quit", "/exit"):
            return
        if line == "/sticker":
            incoming = Incoming("sticker")
        elif line.startswith("[") and line.endswith("]") and line[1:-1].isdigit():
            line = line[1:-1]
            incoming = _pick(reply, line)
        else:
            incoming = Incoming("text", line)
        show(reply := turn(incoming))


def _pick(reply: Reply, number: str) -> Incoming:
    index = int(number) - 1
    if 0 <= index < len(reply.choices):
        choice = reply.choices[index]
        if choice.uri:
            print(f"(on a phone this opens {choice.uri})")
            return Incoming("postback", "cmd:continue")
        return Incoming("postback", choice.data) if choice.data else Incoming("text", choice.text)
    return Incoming("text", number)
