"""`kakehashi operators add|passwd|remove|list`: the console's accounts, managed from the server's shell.

Each account belongs to one organization (`--org`, flows/organizations.yaml; the default one when left out);
`--admin` is an admin of that organization, `--system` a system admin of every organization."""

from __future__ import annotations

import getpass
import sys

import redis

from bot.cli.runtime import prepare
from bot.organizations import OrganizationError, Organizations
from bot.settings import Settings
from bot.web.console.operators import ADMIN, COUNSELOR, SYSTEM, OperatorError, Operators


def read_password() -> str:
    """Typed twice without echo at a terminal; one line from a pipe, for scripts. Never a command-line
    argument, which other users of the machine could read in the process list."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise OperatorError("the two passwords differ")
    return first


def operators(r: redis.Redis, action: str, name: str, admin: bool, organizations: Organizations, org: str = "",
              system: bool = False) -> int:
    """`org`: for `add`, the organization's id ("": the default one)."""
    store = Operators(r)
    try:
        if action == "list":
            for op in store.all():
                print(f"{op.name}\t{op.role}\t{organizations.resolve(op.org)}")
        elif action == "remove":
            if not store.remove(name):
                print(f"kakehashi: no operator named {name!r}", file=sys.stderr)
                return 1
            print(f"removed {name}: their console login ends at their next click")
        elif action == "add":
            role = SYSTEM if system else ADMIN if admin else COUNSELOR
            belongs = organizations.get(org)  # raises for an organization not in organizations.yaml
            store.add(name, read_password(), role, org)
            print(f"added {name} ({role} of {belongs.id}); they log in at /console/")
        else:
            store.set_password(name, read_password())
            print(f"new password set for {name}")
    except (OperatorError, OrganizationError) as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_operators(settings: Settings, action: str, name: str, admin: bool, org: str = "", system: bool = False) -> int:
    organizations = Organizations.load(settings.flows_dir)
    settings, r, embedded = prepare(settings)
    try:
        return operators(r, action, name, admin, organizations, org, system)
    finally:
        if embedded:
            embedded.stop()
