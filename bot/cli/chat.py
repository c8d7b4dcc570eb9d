"""`kakehashi chat`: a terminal conversation through the same stream, worker, engine and Redis — no LINE.

What the bot (or a counselor, during a handoff) says is printed as it arrives, so a counselor's reply
from the console shows up here while you type.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import redis

from bot.cli.runtime import prepare
from bot.engine.replies import Card, Reply, Text
from bot.local_chat import LocalChat
from bot.settings import Settings
from bot.store.sessions import SessionStore
from bot.wiring import build_worker, shared


def show(reply: Reply) -> None:
    for message in reply.messages:
        print()
        print(message.text if isinstance(message, Text) else message.as_text() if isinstance(message, Card) else "")
    if reply.choices:
        print()
        print("  " + "  ".join(f"[{i}] {c.label}" + (f" ({c.uri})" if c.uri else "")
                               for i, c in enumerate(reply.choices, 1)))
    print("\n> ", end="", flush=True)


def chat(settings: Settings, r: redis.Redis, name: str) -> None:
    parts = shared(settings, r)
    local = LocalChat(r, parts.inbox, parts.keyring, f"terminal:{name}", parts.clock)
    last: list[Reply] = [Reply()]  # the latest reply with buttons, for [n]
    heard = [time.monotonic()]  # when the last reply arrived
    stop = threading.Event()

    def printer() -> None:
        while not stop.is_set():
            reply = local.receive(timeout=0.5)
            if reply is not None:
                heard[0] = time.monotonic()
                if reply.choices:
                    last[0] = reply
                show(reply)

    def settle(quiet_s: float = 1.5, limit_s: float = 10.0) -> None:
        """Input ended (a script piped in): print what is still on its way before leaving."""
        end = time.monotonic() + limit_s
        while time.monotonic() < end and time.monotonic() - heard[0] < quiet_s:
            time.sleep(0.1)

    print("Kakehashi in your terminal. Type your answer, [n] to tap button n, /sticker, or /quit.")
    fresh = SessionStore(r, settings.session_ttl, parts.keyring).load(local.user).fresh
    # A returning person resumes where they were: "continue" re-asks the current question.
    local.send("follow") if fresh else local.send("postback", "cmd:continue")
    threading.Thread(target=printer, name="kh-chat-printer", daemon=True).start()
    try:
        while True:
            try:
                line = input().strip()
            except EOFError:
                settle()
                print()
                return
            except KeyboardInterrupt:
                print()
                return
            if line in ("/quit", "/exit"):
                return
            if line == "/sticker":
                local.send("sticker")
            elif line.startswith("[") and line.endswith("]") and line[1:-1].isdigit():
                _pick(local, last[0], int(line[1:-1]))
            elif line:
                local.send("text", line)
    finally:
        stop.set()


def _pick(local: LocalChat, reply: Reply, number: int) -> None:
    if not 1 <= number <= len(reply.choices):
        local.send("text", str(number))
        return
    choice = reply.choices[number - 1]
    if choice.uri:
        print(f"(on a phone this opens {choice.uri})\n> ", end="", flush=True)
    elif choice.data:
        local.send("postback", choice.data)
    else:
        local.send("text", choice.text)


def cmd_chat(settings: Settings, name: str) -> int:
    """Its own worker threads too, so the chat works with or without `serve` running beside it."""
    if not os.environ.get("KAKEHASHI_LOG_LEVEL"):
        logging.getLogger().setLevel(logging.WARNING)  # the conversation, not server logs, on this screen
    settings, r, embedded = prepare(settings)
    try:
        worker = build_worker(settings.with_(worker_threads=2), r).start()
        try:
            chat(settings, r, name)
        finally:
            worker.stop()
    finally:
        if embedded:
            embedded.stop()
    return 0
