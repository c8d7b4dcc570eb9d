"""Which organization serves a person: several organizations share one bot, each serving its own area.

flows/organizations.yaml lists them: a name, the prefectures (JIS codes "01".."47") and municipalities
(named per prefecture, like 「八王子市」 under "13") it serves, its hours in the format of windows.yaml, and
the file of its canned replies. Exactly one is `default: true` and serves everyone no other claims (and
whoever did not say where they live). The most specific claim wins: a municipality before its prefecture.

Pure: no Redis, no clock. The engine asks it whose hours to promise, the desk whose queue a ticket joins,
the reports whose figures a ticket counts in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.directory.windows import Window, WindowError
from bot.directory.windows import _window as read_window  # the same reader: the hours format is windows.yaml's

ORG_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
CANNED_FILE = re.compile(r"canned\.yaml|canned/[A-Za-z0-9_-]+\.yaml")  # other lists in flows/canned/, not flows
PREFECTURES = tuple(f"{n:02d}" for n in range(1, 48))  # JIS X 0401
DEFAULT_CANNED = "canned.yaml"
DAYS_OPEN_DEFAULT = ("mon", "tue", "wed", "thu", "fri")  # what `kakehashi orgs add --hours` sets
FILE = "organizations.yaml"


class OrganizationError(ValueError):
    """organizations.yaml cannot be used; the message says where."""


@dataclass(frozen=True)
class Organization:
    id: str
    name: Mapping[str, str]  # per locale
    hours: Window  # when its counselors read the queue (KAKEHASHI_TZ)
    prefectures: tuple[str, ...] = ()
    municipalities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # prefecture → names
    canned: str = DEFAULT_CANNED  # its canned replies: flows/canned.yaml, or a list of its own in flows/canned/
    default: bool = False

    def label(self, lang: str = "ja") -> str:
        return self.name.get(lang) or self.name.get("ja") or self.id


class Organizations:
    """Every organization, in file order, and who serves where."""

    def __init__(self, organizations: list[Organization]) -> None:
        defaults = [o for o in organizations if o.default]
        if len(defaults) != 1:
            raise OrganizationError(f"exactly one organization must be `default: true`, found {len(defaults)}")
        self.default = defaults[0]
        self._by_id = {o.id: o for o in organizations}
        self._prefectures: dict[str, Organization] = {}
        self._municipalities: dict[tuple[str, str], Organization] = {}
        for org in organizations:
            for code in org.prefectures:
                _claim(self._prefectures, code, org, f"prefecture {code}")
            for code, names in org.municipalities.items():
                for name in names:
                    _claim(self._municipalities, (code, name), org, f"municipality {code} {name}")

    @classmethod
    def load(cls, path: Path) -> Organizations:
        """From organizations.yaml (a directory means the file of that name in it)."""
        path = path / FILE if path.is_dir() else path
        with open(path, encoding="utf-8") as fh:
            return cls.parse(yaml.safe_load(fh) or {})

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Organizations:
        if not isinstance(raw, Mapping) or not raw:
            raise OrganizationError("expected organizations: `<id>: {name: {ja, en}, hours: …}`")
        return cls([_organization(str(oid), spec) for oid, spec in raw.items()])

    def serving(self, place: str, city: str) -> Organization:
        """Who serves a person in prefecture `place` ("" unknown, "-" declined) and municipality `city`."""
        return (self._municipalities.get((place, city)) or self._prefectures.get(place) or self.default)

    def get(self, org_id: str) -> Organization:
        """The organization of that id; "" (a record from before organizations) is the default one."""
        if not org_id:
            return self.default
        try:
            return self._by_id[org_id]
        except KeyError:
            raise OrganizationError(f"no organization {org_id!r} (known: {', '.join(self._by_id)})") from None

    def known(self, org_id: str) -> bool:
        return org_id in self._by_id

    def resolve(self, org_id: str) -> str:
        """A stored org id as it stands today: one no longer in the file falls to the default organization."""
        return org_id if org_id in self._by_id else self.default.id

    def __iter__(self) -> Iterator[Organization]:
        return iter(self._by_id.values())

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)


def _claim(claims: dict[Any, Organization], area: Any, org: Organization, what: str) -> None:
    if area in claims and claims[area].id != org.id:
        raise OrganizationError(f"{what} is claimed by both {claims[area].id} and {org.id}")
    claims[area] = org


def _organization(oid: str, spec: Any) -> Organization:
    if not ORG_ID.fullmatch(oid):
        raise OrganizationError(f"{oid!r}: an id is 1–32 lower-case letters, digits, '_' or '-'")
    if not isinstance(spec, Mapping):
        raise OrganizationError(f"{oid}: expected a mapping")
    name = spec.get("name")
    if not isinstance(name, Mapping) or not all(str(name.get(lang) or "").strip() for lang in ("ja", "en")):
        raise OrganizationError(f"{oid}: name needs ja and en")
    unknown = set(spec) - {"name", "default", "prefectures", "municipalities", "hours", "closed_on_holidays",
                           "closed_dates", "canned"}
    if unknown:
        raise OrganizationError(f"{oid}: unknown fields {sorted(unknown)}")
    prefectures = tuple(str(p) for p in spec.get("prefectures") or ())
    municipalities_raw = spec.get("municipalities") or {}
    if not isinstance(municipalities_raw, Mapping):
        raise OrganizationError(f"{oid}: municipalities are `<prefecture code>: [names]`")
    municipalities = {str(code): tuple(str(n).strip() for n in names or ())
                      for code, names in municipalities_raw.items()}
    for code in (*prefectures, *municipalities):
        if code not in PREFECTURES:
            raise OrganizationError(f"{oid}: {code!r} is not a prefecture code (\"01\"..\"47\", quoted)")
    if any(not n for names in municipalities.values() for n in names):
        raise OrganizationError(f"{oid}: an empty municipality name")
    if len(set(prefectures)) != len(prefectures):
        raise OrganizationError(f"{oid}: a prefecture listed twice")
    if not spec.get("hours"):
        raise OrganizationError(f"{oid}: hours are needed (when its counselors read the queue)")
    hours_spec = {k: spec[k] for k in ("hours", "closed_on_holidays", "closed_dates") if k in spec}
    try:
        hours = read_window(oid, {**hours_spec, "name": dict(name)})
    except WindowError as exc:
        raise OrganizationError(f"{oid}: {exc}") from None
    if hours.hours_vary:
        raise OrganizationError(f"{oid}: an organization's own hours cannot vary by place")
    canned = str(spec.get("canned") or DEFAULT_CANNED)
    if not CANNED_FILE.fullmatch(canned):
        raise OrganizationError(f"{oid}: canned is canned.yaml or canned/<name>.yaml (in flows/), got {canned!r}")
    return Organization(oid, {str(k): str(v) for k, v in name.items()}, hours, prefectures, municipalities, canned,
                        bool(spec.get("default")))
