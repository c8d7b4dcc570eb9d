"""What every long-running command needs first: a Redis (the embedded one when REDIS_URL is unset) and the data
key; and a way to wait for SIGTERM."""

from __future__ import annotations

import signal
import threading

import redis

from bot.settings import Settings
from bot.store.connection import ensure_redis_url, open_redis
from bot.store.embedded import EmbeddedRedis
from bot.store.keyring import encoded, resolve_keyring


def prepare(settings: Settings) -> tuple[Settings, redis.Redis, EmbeddedRedis | None]:
    """Settings naming a reachable Redis and the data key (so child processes get both), its client, and the
    embedded server when this process started one (the caller stops it on every exit path)."""
    keyring = resolve_keyring(settings)
    settings, embedded = ensure_redis_url(settings)
    settings = settings.with_(data_key=encoded(keyring))
    return settings, open_redis(settings.redis_url or "", cluster=settings.redis_cluster), embedded


def child_env(settings: Settings) -> dict[str, str]:
    """What a child process (gunicorn's app factory) must be told that the environment may not hold."""
    return {"REDIS_URL": settings.redis_url or "", "KAKEHASHI_DATA_KEY": settings.data_key or "",
            "KAKEHASHI_LOG_FORMAT": settings.log_format or "text"}


def wait_for_signal() -> threading.Event:
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    return done
