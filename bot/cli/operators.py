"""`kakehashi operators add|passwd|remove|list`: the console's accounts, managed from the server's shell."""

from __future__ import annotations

import getpass
import sys

import redis

from bot.cli.runtime import prepare
from bot.settings import Settings
from bot.web.console.operators import ADMIN, COUNSELOR, OperatorError, Operators


def read_password() -> str:
    """Typed twice without echo at a terminal; one line from a pipe, for scripts. Never a command-line
    argument, which other users of the machine could read in the process list."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise OperatorError("the two passwords differ")
    return first


def operators(r: redis.Redis, action: str, name: str, admin: bool) -> int:
    store = Operators(r)
    try:
        if action == "list":
            for op in store.all():
                print(f"{op.name}\t{op.role}")
        elif action == "remove":
            if not store.remove(name):
                print(f"kakehashi: no operator named {name!r}", file=sys.stderr)
                return 1
            print(f"removed {name}: their console login ends at their next click")
        elif action == "add":
            role = ADMIN if admin else COUNSELOR
            store.add(name, read_password(), role)
            print(f"added {name} ({role}); they log in at /console/")
        else:
            store.set_password(name, read_password())
            print(f"new password set for {name}")
    except OperatorError as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_operators(settings: Settings, action: str, name: str, admin: bool) -> int:
    settings, r, embedded = prepare(settings)
    try:
        return operators(r, action, name, admin)
    finally:
        if embedded:
            embedded.stop()
