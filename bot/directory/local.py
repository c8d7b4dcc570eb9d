"""Local windows (flows/places/local_windows.yaml): the 法テラス office and the bar association's legal consultation
centre of the prefecture a person lives in, and municipal LINE consultations, shown before the national windows.

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
LINE = "line"  # a list of municipal (or prefecture-wide) LINE consultations
FIELDS = ("name", "phone", "hours", "closed_on_holidays", "closed_dates", "fee", "note", "url", "source", "checked")
LINE_FIELDS = (*FIELDS, "city", "serves", "urgencies")


@dataclass(frozen=True)
class LocalWindow:
    kind: str  # houterasu / bar / line
    place: str  # the prefecture's JIS code
    window: Window  # id "local.<kind>" ("local.line.<n>"), phone a fact id "local.<place>.<kind>.phone" or None
    named: bool  # the source names the office; else the locale text local.name.<kind> names it
    hours_known: bool
    fee: Mapping[str, str] = field(default_factory=dict)
    note: Mapping[str, str] = field(default_factory=dict)  # e.g. hours the timetable cannot hold, as the source says
    source: str = ""
    checked: str = ""
    city: str = ""  # a LINE consultation for one municipality's residents; "" the whole prefecture


@dataclass(frozen=True)
class LocalDirectory:
    windows: Mapping[str, Mapping[str, LocalWindow]]  # place → kind → window
    lines: Mapping[str, tuple[LocalWindow, ...]] = field(default_factory=dict)  # place → LINE consultations
    dv_centre: Mapping[str, str] = field(default_factory=dict)  # via (#8008), source, checked
    phones: Mapping[str, str] = field(default_factory=dict)  # fact id → number, for the texts and call buttons

    def for_place(self, place: str) -> Mapping[str, LocalWindow]:
        return self.windows.get(place, {})

    def lines_for(self, place: str, city: str) -> tuple[LocalWindow, ...]:
        """The prefecture's LINE consultations for everyone, and the municipality's own for its residents
        (a ward of 広島市 is in 広島市)."""
        return tuple(line for line in self.lines.get(place, ()) if not line.city or city.startswith(line.city))


def _window(place: str, kind: str, spec: Mapping[str, Any], wid: str) -> tuple[LocalWindow, str | None]:
    hours_raw = spec.get("hours")
    hours, vary = _hours(hours_raw) if hours_raw is not None else ({}, True)
    phone = spec.get("phone")
    fact = f"local.{place}.{wid.removeprefix('local.')}.phone" if phone else None
    window = Window(id=wid, name=dict(spec.get("name") or {}), phone=fact, hours=hours, hours_vary=vary,
                    closed_on_holidays=bool(spec.get("closed_on_holidays")),
                    closed_dates=tuple(_closed_date(str(d)) for d in spec.get("closed_dates", ())),
                    serves=tuple(spec.get("serves", ())), urgencies=tuple(spec.get("urgencies", ())),
                    url=spec.get("url"))
    local = LocalWindow(kind, place, window, named=bool(spec.get("name")), hours_known=hours_raw is not None,
                        fee=dict(spec.get("fee") or {}), note=dict(spec.get("note") or {}),
                        source=str(spec.get("source", "")), checked=str(spec.get("checked", "")),
                        city=str(spec.get("city", "")))
    return local, (str(phone) if phone else None)


def parse_local_windows(raw: Mapping[str, Any]) -> LocalDirectory:
    windows: dict[str, dict[str, LocalWindow]] = {}
    lines: dict[str, tuple[LocalWindow, ...]] = {}
    phones: dict[str, str] = {}
    try:
        for place, entries in (raw.get("prefectures") or {}).items():
            place, entries = str(place), entries or {}
            found = [(kind, entries[kind], f"local.{kind}") for kind in KINDS if kind in entries]
            found += [(LINE, spec, f"local.line.{n}") for n, spec in enumerate(entries.get(LINE, ()))]
            for kind, spec, wid in found:
                local, phone = _window(place, kind, spec, wid)
                if kind == LINE:
                    lines[place] = (*lines.get(place, ()), local)
                else:
                    windows.setdefault(place, {})[kind] = local
                if phone and local.window.phone:
                    phones[local.window.phone] = phone
    except (KeyError, TypeError, AttributeError) as exc:
        raise WindowError(f"local_windows.yaml: cannot read an entry ({exc!r})") from None
    return LocalDirectory(windows, lines, dict(raw.get("dv_centre") or {}), phones)


def read_raw(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def load_local_windows(path: Path) -> LocalDirectory:
    return parse_local_windows(read_raw(path))
