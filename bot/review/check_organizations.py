"""`kakehashi flows check`, the organizations part: flows/organizations.yaml reads (one default organization,
no area claimed twice, hours in the format of windows.yaml), and each organization's canned replies parse
with confirmed facts only."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.organizations import FILE, OrganizationError, Organizations
from bot.web.console.canned import CannedError, parse

MUNICIPALITY = re.compile(r".+[市区町村]")  # 八王子市, 千代田区, 奥多摩町, 檜原村


def organization_problems(flows_dir: Path, facts: Mapping[str, Any]) -> list[str]:
    path = flows_dir / FILE
    try:
        organizations = Organizations.load(path)
    except (OSError, yaml.YAMLError, OrganizationError) as exc:
        return [f"{FILE}: {exc}"]
    problems: list[str] = []
    for org in organizations:
        for code, names in org.municipalities.items():
            problems += [f"{FILE}: {org.id}: {name!r} ({code}) does not read as a municipality (…市/区/町/村)"
                         for name in names if not MUNICIPALITY.fullmatch(name)]
        canned = flows_dir / org.canned
        if not canned.exists():
            problems.append(f"{FILE}: {org.id}: canned replies file {org.canned} not found in flows/")
            continue
        try:
            parse(canned.read_text(encoding="utf-8"), facts)
        except CannedError as exc:
            problems.append(f"{org.canned} ({org.id}'s canned replies): {exc}")
    return problems
