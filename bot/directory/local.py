"""Local windows (flows/places/local_windows.yaml): the 法テラス office and the bar association's legal consultation
centre of the prefecture a person lives in, shown before the national windows they stand in for.

An entry carries only what an official page said: no phone or hours unless sourced. A window without hours is
never called open or closed (`hours_known` is False); the bot tells the person to check with the office.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.directory.windows import Window, WindowError, _closed_date, _hours

KINDS = ("houterasu", "bar")  # each stands in for the national window of the same id (windows.yaml)
FIELDS = ("name", "phone", "hours", "closed_on_holidays", "closed_dates", "fee", "url", "source", "checked")


@dataclass(frozen=True)
class LocalWindow:
    kind: str  # houterasu / bar
    place: str  # the prefecture's JIS code
    window: Window  # id "local.<kind>", phone a fact id "local.<place>.<kind>.phone" (or None), hours or varies
    named: bool  # the source names the office; else the locale text local.name.<kind> names it
    hours_known: bool
    fee: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    checked: str = ""


@dataclass(frozen=True)
class LocalLine:
    """A municipality's own LINE consultation, where one could be sourced."""

    city: str
    name: Mapping[str, str]
    source: str
    checked: str


@dataclass(frozen=True)
class LocalDirectory:
    windows: Mapping[str, Mapping[str, LocalWindow]]  # place → kind → window
    lines: Mapping[str, tuple[LocalLine, ...]] = field(default_factory=dict)  # place → municipal LINE services
    dv_centre: Mapping[str, str] = field(default_factory=dict)  # via (#8008), source, checked
    phones: Mapping[str, str] = field(default_factory=dict)  # fact id → number, for the texts and call buttons

    def for_place(self, place: str) -> Mapping[str, LocalWindow]:
        return self.windows.get(place, {})


def _window(place: str, kind: str, spec: Mapping[str, Any]) -> tuple[LocalWindow, str | None]:
    hours_raw = spec.get("hours")
    hours, vary = _hours(hours_raw) if hours_raw is not None else ({}, True)
    phone = spec.get("phone")
    fact = f"local.{place}.{kind}.phone" if phone else None
    window = Window(id=f"local.{kind}", name=dict(spec.get("name") or {}), phone=fact, hours=hours, hours_vary=vary,
                    closed_on_holidays=bool(spec.get("closed_on_holidays")),
                    closed_dates=tuple(_closed_date(str(d)) for d in spec.get("closed_dates", ())),
                    url=spec.get("url"))
    local = LocalWindow(kind, place, window, named=bool(spec.get("name")), hours_known=hours_raw is not None,
                        fee=dict(spec.get("fee") or {}), source=str(spec.get("source", "")),
                        checked=str(spec.get("checked", "")))
    return local, (str(phone) if phone else None)


def parse_local_windows(raw: Mapping[str, Any]) -> LocalDirectory:
    windows: dict[str, dict[str, LocalWindow]] = {}
    lines: dict[str, tuple[LocalLine, ...]] = {}
    phones: dict[str, str] = {}
    try:
        for place, entries in (raw.get("prefectures") or {}).items():
            place = str(place)
            for kind in KINDS:
                if kind in (entries or {}):
                    local, phone = _window(place, kind, entries[kind])
                    windows.setdefault(place, {})[kind] = local
                    if phone and local.window.phone:
                        phones[local.window.phone] = phone
            lines[place] = tuple(LocalLine(str(e["city"]), dict(e["name"]), str(e["source"]), str(e["checked"]))
                                 for e in (entries or {}).get("line", ()))
    except (KeyError, TypeError, AttributeError) as exc:
        raise WindowError(f"local_windows.yaml: cannot read an entry ({exc!r})") from None
    return LocalDirectory(windows, lines, dict(raw.get("dv_centre") or {}), phones)


def read_raw(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def load_local_windows(path: Path) -> LocalDirectory:
    return parse_local_windows(read_raw(path))
