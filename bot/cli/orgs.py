"""`kakehashi orgs add|list`: the organizations sharing this bot, managed by the system admin.

They live in flows/organizations.yaml (of KAKEHASHI_CONTENT_DIR when set), reviewable data like the rest of
flows/: `add` appends one organization there, after checking the file still reads with it (one default, no
area claimed twice); the bot's processes read the file when they start.
"""

from __future__ import annotations

import sys
from pathlib import Path

import redis
import yaml

from bot.cli.runtime import prepare
from bot.organizations import DAYS_OPEN_DEFAULT, FILE, Organization, OrganizationError, Organizations
from bot.settings import Settings
from bot.web.console.operators import Operators


def org_block(org_id: str, name_ja: str, name_en: str, prefectures: list[str], municipalities: list[str],
              hours: str, like: Organization) -> dict[str, object]:
    """One organization as organizations.yaml writes it. `municipalities`: "13:八王子市"; `hours`: one span for
    Monday to Friday (closed on national holidays), or "" for the same hours as `like` (the default one)."""
    areas: dict[str, list[str]] = {}
    for item in municipalities:
        code, _, name = item.partition(":")
        if not name.strip():
            raise OrganizationError(f"a municipality is PREFECTURE:NAME, like 13:八王子市, got {item!r}")
        areas.setdefault(code.strip(), []).append(name.strip())
    block: dict[str, object] = {"name": {"ja": name_ja, "en": name_en}}
    if prefectures:
        block["prefectures"] = prefectures
    if areas:
        block["municipalities"] = areas
    if hours:
        block["hours"] = {day: hours for day in DAYS_OPEN_DEFAULT}
        block["closed_on_holidays"] = True
    else:
        block["hours"] = {day: f"{o:%H:%M}-{'24:00' if c is None else f'{c:%H:%M}'}"
                          for day, (o, c) in like.hours.hours.items()}
        block["closed_on_holidays"] = like.hours.closed_on_holidays
        if like.hours.closed_dates:
            block["closed_dates"] = list(like.hours.closed_dates)
    return {org_id: block}


def add(path: Path, org_id: str, name_ja: str, name_en: str, prefectures: list[str], municipalities: list[str],
        hours: str) -> Organization:
    """Append the organization to the file, once the file with it still reads; the file is left as it was
    otherwise (its comments included)."""
    source = path.read_text(encoding="utf-8")
    current = yaml.safe_load(source) or {}
    if org_id in current:
        raise OrganizationError(f"{org_id!r} exists already in {FILE}")
    block = org_block(org_id, name_ja, name_en, prefectures, municipalities, hours,
                      Organizations.parse(current).default)
    added = Organizations.parse({**current, **block})  # raises when an area is taken, hours do not read…
    text = yaml.safe_dump(block, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)
    path.write_text(source.rstrip("\n") + "\n" + text, encoding="utf-8")
    return added.get(org_id)


def listing(organizations: Organizations, r: redis.Redis | None) -> list[str]:
    """One line each: id, names, what it serves, how many console accounts it has."""
    counts: dict[str, int] = {}
    for op in Operators(r).all() if r is not None else []:
        org_id = organizations.resolve(op.org)
        counts[org_id] = counts.get(org_id, 0) + 1
    lines = []
    for org in organizations:
        areas = [*org.prefectures, *(f"{code}:{name}" for code, names in org.municipalities.items() for name in names)]
        serves = "everyone else (default)" if org.default else ""
        serves = ", ".join(filter(None, (", ".join(areas), serves))) or "-"
        lines.append(f"{org.id}\t{org.label('ja')} / {org.label('en')}\t{serves}\t{counts.get(org.id, 0)} operator(s)")
    return lines


def cmd_orgs(settings: Settings, action: str, org_id: str = "", name_ja: str = "", name_en: str = "",
             prefectures: list[str] | None = None, municipalities: list[str] | None = None, hours: str = "") -> int:
    path = settings.flows_dir / FILE
    try:
        if action == "add":
            org = add(path, org_id, name_ja, name_en, prefectures or [], municipalities or [], hours)
            print(f"added {org.id} to {path}; `kakehashi flows check`, then restart serve/worker to use it")
            return 0
        organizations = Organizations.load(path)
    except (OSError, yaml.YAMLError, OrganizationError) as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 1
    settings, r, embedded = prepare(settings)
    try:
        for line in listing(organizations, r):
            print(line)
    finally:
        if embedded:
            embedded.stop()
    return 0
