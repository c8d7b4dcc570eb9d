"""Who may use the console: counselors and admins of one organization each, and system admins, with argon2
password hashes in Redis.

A counselor sees and answers their organization's queue; an admin of an organization also reads its audit
log and edits its canned replies; a system admin does that for every organization (and sees every queue).
One hash field per operator (`kh:{console}:operators`, name → JSON: hash, role, org — "" or missing is the
default organization, as for every account made before organizations). The password itself is never stored,
and a login for a name that does not exist costs the same argon2 work, so timing does not reveal names.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.store import keys

OPERATORS = keys.CONSOLE_OPERATORS
COUNSELOR, ADMIN, SYSTEM = "counselor", "admin", "system"
ROLES = (COUNSELOR, ADMIN, SYSTEM)
NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
MIN_PASSWORD = 10


class OperatorError(ValueError):
    """A name or password the console will not accept; the message says why."""


@dataclass(frozen=True)
class Operator:
    name: str
    role: str
    created: float
    org: str = ""  # their organization's id ("": the default organization)

    @property
    def admin(self) -> bool:
        return self.role in (ADMIN, SYSTEM)

    @property
    def system(self) -> bool:
        """A system admin: every organization's queue, audit log and canned replies."""
        return self.role == SYSTEM


class Operators:
    def __init__(self, r: redis.Redis, hasher: PasswordHasher | None = None) -> None:
        self.redis, self.hasher = r, hasher or PasswordHasher()

    @cached_property
    def _dummy(self) -> str:
        """Verified against when a name is unknown (made on first need: hashing costs ~0.1 s by design)."""
        return self.hasher.hash("not a password anyone has")

    def add(self, name: str, password: str, role: str = COUNSELOR, org: str = "") -> Operator:
        """`org`: an organization's id, checked by the caller against organizations.yaml ("": the default)."""
        if not NAME.fullmatch(name):
            raise OperatorError("a name is 1–32 lower-case letters, digits, '.', '_' or '-', starting with a letter "
                                "or digit")
        if role not in ROLES:
            raise OperatorError(f"role must be one of {', '.join(ROLES)}")
        _check_password(password)
        created = time.time()
        record = {"hash": self.hasher.hash(password), "role": role, "created": created, "org": org}
        if not self.redis.hsetnx(OPERATORS, name, json.dumps(record)):
            raise OperatorError(f"{name!r} exists already (use `kakehashi operators passwd {name}`)")
        return Operator(name, role, created, org)

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        record = self._record(name)
        if record is None:
            raise OperatorError(f"no operator named {name!r}")
        record["hash"] = self.hasher.hash(password)
        self.redis.hset(OPERATORS, name, json.dumps(record))

    def remove(self, name: str) -> bool:
        return bool(self.redis.hdel(OPERATORS, name))

    def get(self, name: str) -> Operator | None:
        record = self._record(name)
        return _operator(name, record) if record else None

    def all(self) -> list[Operator]:
        names = sorted(cast(list[str], self.redis.hkeys(OPERATORS)))
        return [op for op in (self.get(n) for n in names) if op is not None]

    def verify(self, name: str, password: str) -> Operator | None:
        """The operator when the password is right; None otherwise, after the same amount of work."""
        record = self._record(name)
        try:
            self.hasher.verify(record["hash"] if record else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return None
        if record is None:
            return None
        if self.hasher.check_needs_rehash(record["hash"]):  # stronger parameters since it was set
            record["hash"] = self.hasher.hash(password)
            self.redis.hset(OPERATORS, name, json.dumps(record))
        return _operator(name, record)

    def _record(self, name: str) -> dict[str, str] | None:
        raw = cast(str | None, self.redis.hget(OPERATORS, name)) if NAME.fullmatch(name) else None
        return json.loads(raw) if raw else None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise OperatorError(f"a password needs at least {MIN_PASSWORD} characters")
    if password != password.strip():
        raise OperatorError("a password must not begin or end with spaces (they are easy to lose when typing)")


def _operator(name: str, record: dict[str, str]) -> Operator:
    return Operator(name, record["role"], float(record["created"]), str(record.get("org") or ""))
