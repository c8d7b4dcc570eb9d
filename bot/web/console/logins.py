"""Console logins kept in Redis: a logout or a removed operator ends the session at once, and repeated
failures lock a name for a while.

The cookie carries only a random login id; what it means lives here with a TTL. Failures are counted per
name typed, existing or not, so a lockout answers the same for every name and cannot be used to probe them.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import cast

import redis

LIFETIME = 12 * 3600  # a shift, then log in again
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60  # the window failures are counted in, and how long a lock lasts


def login_key(login_id: str) -> str:
    return f"kh:{{console}}:login:{login_id}"


def failures_key(name: str) -> str:
    """Hashed: what someone typed as a name is not stored as it was typed."""
    return "kh:{console}:failures:" + hashlib.sha256(name.strip().lower().encode()).hexdigest()[:32]


class Logins:
    def __init__(self, r: redis.Redis, lifetime: int = LIFETIME) -> None:
        self.redis, self.lifetime = r, lifetime

    def start(self, name: str) -> str:
        login_id = secrets.token_urlsafe(32)
        self.redis.set(login_key(login_id), name, ex=self.lifetime)
        self.redis.delete(failures_key(name))
        return login_id

    def who(self, login_id: str) -> str | None:
        return cast(str | None, self.redis.get(login_key(login_id))) if login_id else None

    def end(self, login_id: str) -> None:
        self.redis.delete(login_key(login_id))

    def locked(self, name: str) -> bool:
        return int(cast(str | None, self.redis.get(failures_key(name))) or 0) >= MAX_FAILURES

    def failed(self, name: str) -> None:
        """Count a failure; the window starts at the first, and the fifth restarts it as the lock."""
        key = failures_key(name)
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(key, 0, nx=True, ex=LOCK_SECONDS)  # INCR keeps this expiry
        pipe.incr(key)
        count = int(pipe.execute()[1])
        if count >= MAX_FAILURES:
            self.redis.expire(key, LOCK_SECONDS)
