"""Figures that need no servers: memory per idle session in Redis, one engine turn against a bare
`transitions` trigger (the floor: the state machine alone, no texts, no matching), and what sealing and
encoding one record costs."""

from __future__ import annotations

import base64
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet
from transitions import Machine

from bench.load import WALK
from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.settings import Settings
from bot.store.connection import open_redis
from bot.store.embedded import EmbeddedRedis
from bot.store.keyring import Keyring
from bot.store.sessions import SessionStore, reply_json
from bot.wiring import build_engine

SESSIONS = 100_000
TYPED = ("子供に会えません", "別居中の妻が子供に会わせてくれません", "はい", "いいえ", "つきまとい", "去年の春", "20万",
         "手取り18万くらい", "弁護士費用が心配です", "夫のDVが原因で離婚しました。慰謝料は？", "3人", "東京23区",
         "わからない", "ありがとうございました", "I can't see my kid")  # what people type (understanding's cost)


def session_bytes(count: int = SESSIONS) -> tuple[float, int]:
    """Mean MEMORY USAGE of idle sessions part-way through a flow, as the store writes them; and the count."""
    engine = build_engine(Settings())
    keyring = Keyring((base64.urlsafe_b64decode(base64.urlsafe_b64encode(b"b" * 32)),))
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis(Path(tmp)).start()
        try:
            r = open_redis(server.url)
            store = SessionStore(r, 7 * 86400, keyring)
            sample = Session(fresh=False)
            for kind, text in WALK[:3]:  # a person who has answered two questions
                engine.step(sample, Incoming(kind, text))  # type: ignore[arg-type]
            pipe = r.pipeline(transaction=False)
            for n in range(count):
                pipe.set(f"kh:{{{keyring.user_key(f'U{n}')}}}:session", keyring.seal(sample.to_json()),
                         ex=store.ttl)
                if n % 5000 == 4999:
                    pipe.execute()
            pipe.execute()
            keys = [k for _, k in zip(range(2000), r.scan_iter(match="kh:*:session", count=1000), strict=False)]
            usage = [int(r.memory_usage(k, samples=0) or 0) for k in keys]
            return statistics.mean(usage), int(r.dbsize())
        finally:
            server.stop()


def per_call_us(fn: Callable[[], object], seconds: float = 1.0) -> float:
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(100):
            fn()
        calls += 100
    return (time.perf_counter() - started) / calls * 1e6


def turn_vs_trigger() -> tuple[float, float]:
    """µs per engine turn (a person tapping through a flow and back), µs per bare trigger."""
    engine = build_engine(Settings())
    session = Session(fresh=False)
    steps = [Incoming(kind, text, at=1795482000.0) for kind, text in WALK]  # type: ignore[arg-type]
    position = [0]

    def turn() -> None:
        engine.step(session, steps[position[0] % len(steps)])
        position[0] += 1

    machine = Machine(model=None, states=["a", "b"], initial="a", auto_transitions=False,
                      transitions=[{"trigger": "go", "source": "a", "dest": "b"},
                                   {"trigger": "go", "source": "b", "dest": "a"}])

    class Model:
        state = "a"

    model, go = Model(), machine.events["go"]
    return per_call_us(turn), per_call_us(lambda: go.trigger(model))


def records() -> dict[str, float]:
    """µs to seal and open a session record with AES-GCM (what the keyring does) and with Fernet (what it did),
    and to write a result card's turn record as JSON in one pass against building to_dict() first."""
    engine = build_engine(Settings())
    session = Session(fresh=False)
    replies = [engine.step(session, Incoming(kind, text, at=1795482000.0)) for kind, text in WALK]  # type: ignore[arg-type]
    card = max(replies, key=lambda r: len(reply_json(r)))
    text, key = session.to_json(), b"m" * 32
    keyring, fernet = Keyring((key,)), Fernet(base64.urlsafe_b64encode(key))
    sealed, token = keyring.seal(text), fernet.encrypt(text.encode())
    return {
        "gcm_seal": per_call_us(lambda: keyring.seal(text)),
        "gcm_open": per_call_us(lambda: keyring.open(sealed)),
        "fernet_seal": per_call_us(lambda: fernet.encrypt(text.encode())),
        "fernet_open": per_call_us(lambda: fernet.decrypt(token)),
        "reply_json": per_call_us(lambda: reply_json(card)),
        "reply_to_dict_dumps": per_call_us(lambda: json.dumps(card.to_dict(), ensure_ascii=False)),
    }
