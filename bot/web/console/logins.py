"""Console logins kept in Redis: a logout or a removed operator ends the session at once, and repeated
failures lock a name (and a client address) for a while.

The cookie carries only a random login id; what it means lives here with a TTL. Failures are counted per
name typed, existing or not, so a lockout answers the same for every name and cannot be used to probe them.

An attempt is counted *before* its password is checked (`reserve`), in one script for the name and the
address: however many requests arrive at once, in however many web processes, at most MAX_FAILURES
passwords are ever verified per name per window, and MAX_ADDRESS_FAILURES per client address.
"""

from __future__ import annotations

import secrets
from typing import cast

import redis

from bot.store import keys

LIFETIME = 12 * 3600  # a shift, then log in again
MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20  # one office behind one address has several counselors: more than one name's worth
LOCK_SECONDS = 15 * 60  # the window failures are counted in, and how long a lock lasts

# KEYS: name counter, address counter. ARGV: name limit, address limit, window.
# Each counter's window starts at its first attempt, and restarts at its limit (the lock lasts a full window).
# An attempt over either limit is not counted (a refused attempt checks no password) and answers 0.
_RESERVE = """
local limits = {tonumber(ARGV[1]), tonumber(ARGV[2])}
local counts = {}
for i = 1, 2 do
  counts[i] = redis.call('INCR', KEYS[i])
end
if counts[1] > limits[1] or counts[2] > limits[2] then
  for i = 1, 2 do
    if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
  end
  return 0
end
for i = 1, 2 do
  if counts[i] == 1 or counts[i] == limits[i] then redis.call('EXPIRE', KEYS[i], ARGV[3]) end
end
return 1
"""


login_key, failures_key, address_key = keys.console_login, keys.login_failures, keys.login_failures_from


class Logins:
    def __init__(self, r: redis.Redis, lifetime: int = LIFETIME) -> None:
        self.redis, self.lifetime = r, lifetime

    def start(self, name: str, address: str = "") -> str:
        """A login for `name`; its earlier failures are forgotten, and this attempt is not held against the
        address (only failures are)."""
        login_id = secrets.token_urlsafe(32)
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(login_key(login_id), name, ex=self.lifetime)
        pipe.delete(failures_key(name))
        pipe.execute()
        if address:
            self._undo(address_key(address))
        return login_id

    def who(self, login_id: str) -> str | None:
        return cast(str | None, self.redis.get(login_key(login_id))) if login_id else None

    def end(self, login_id: str) -> None:
        self.redis.delete(login_key(login_id))

    def locked(self, name: str) -> bool:
        return int(cast(str | None, self.redis.get(failures_key(name))) or 0) >= MAX_FAILURES

    def reserve(self, name: str, address: str) -> bool:
        """Count this attempt as a failure in advance; False (nothing counted) when the name or the address
        has used up its attempts. Only a reserved attempt may have its password checked."""
        return bool(self.redis.eval(_RESERVE, 2, failures_key(name), address_key(address),
                                    MAX_FAILURES, MAX_ADDRESS_FAILURES, LOCK_SECONDS))

    def release(self, name: str, address: str) -> None:
        """Give back a reserved attempt whose password was never checked (the server was too busy)."""
        self._undo(failures_key(name))
        self._undo(address_key(address))

    def _undo(self, key: str) -> None:
        """One attempt fewer, never below zero (the key may have expired meanwhile)."""
        self.redis.eval("if redis.call('GET', KEYS[1]) and tonumber(redis.call('GET', KEYS[1])) > 0 then "
                        "return redis.call('DECR', KEYS[1]) end return 0", 1, key)
