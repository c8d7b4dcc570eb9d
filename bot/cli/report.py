"""`kakehashi report --org X --month 2026-11 [--format csv|json|table] [--lang ja|en]`: an organization's month,
small numbers hidden, to hand in (bot/reports)."""

from __future__ import annotations

import sys

import redis

from bot.cli.runtime import prepare
from bot.organizations import Organizations
from bot.reports.month import BadMonth, build, read_month
from bot.reports.render import render
from bot.reports.topics import topic_names
from bot.settings import Settings


def report(settings: Settings, r: redis.Redis, org: str, month: str, fmt: str, lang: str) -> int:
    """`org` is an id from organizations.yaml; "" is the default organization."""
    organizations = Organizations.load(settings.flows_dir)
    if org and not organizations.known(org):
        print(f"kakehashi report: no organization {org!r} (kakehashi orgs list)", file=sys.stderr)
        return 2
    org = organizations.get(org).id
    try:
        days = read_month(r, org, month)
    except BadMonth as exc:
        print(f"kakehashi report: {exc}", file=sys.stderr)
        return 2
    names = topic_names(settings.flows_dir, settings.locales_dir)
    sys.stdout.write(render(build(org, month, days, tuple(names)), fmt, lang, names))
    return 0


def cmd_report(settings: Settings, org: str, month: str, fmt: str, lang: str) -> int:
    settings, r, embedded = prepare(settings)
    try:
        return report(settings, r, org, month, fmt, lang)
    finally:
        if embedded:
            embedded.stop()
