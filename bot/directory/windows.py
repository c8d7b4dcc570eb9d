"""Counseling windows as data, and whether one is open: pure functions of the window and a time.

Hours come from flows/windows.yaml; national holidays (substitute holidays included) from jpholiday, a
maintained library, not a hand-written list. Times are aware datetimes in KAKEHASHI_TZ. A window whose hours
differ from place to place (the local centre's, the bar association's) is never called open or closed: we
do not know, and saying "open now" when it is not would send someone to a phone nobody answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import jpholiday
import yaml

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EMERGENCIES = ("danger", "suicide", "child", "sexual_violence")  # lines offered first, whatever the question
URGENCIES = (*EMERGENCIES, "dv", "normal")  # dv: DV without danger now; normal: everyday questions
ELIGIBILITY = ("means_test", "dv_victims")  # who may use the window's free service (法テラス)
LANGUAGE_GROUPS = ("ja", "foreign")
CHANNELS = ("phone", "chat", "mail")
VARIES = "varies"  # `hours: varies` in windows.yaml


class WindowError(ValueError):
    """windows.yaml says something we cannot read: a bad time, an unknown day or field value."""


@dataclass(frozen=True)
class Window:
    id: str
    name: Mapping[str, str]  # per locale
    phone: str | None  # a fact id; None where the number is the local office's (bar association, city hall)
    hours: Mapping[str, tuple[time, time | None]]  # weekday → (opens, closes); None closes = end of the day
    hours_vary: bool = False  # no single timetable: never said to be open or closed
    approximate: bool = False  # hours are "about" (they differ a little by prefecture)
    closed_on_holidays: bool = False
    closed_dates: tuple[str, ...] = ()  # "MM-DD", the window's own closures, in calendar order
    serves: tuple[str, ...] = ()  # flow ids of the problems it helps with
    urgencies: tuple[str, ...] = ()  # situations it takes on (URGENCIES)
    languages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # "ja"/"foreign" → channels
    eligibility: tuple[str, ...] = ()
    url: str | None = None

    @property
    def always_open(self) -> bool:
        """Around the clock on every day of the year: the lines a person in danger can always call."""
        return (not self.hours_vary and not self.closed_on_holidays and not self.closed_dates
                and all(self.hours.get(d) == (time(0), None) for d in DAYS))


def _span(text: str) -> tuple[time, time | None]:
    start, _, end = str(text).partition("-")
    try:
        opens, closes = time.fromisoformat(start), None if end == "24:00" else time.fromisoformat(end)
    except ValueError:
        raise WindowError(f"hours must read like 09:00-21:00, got {text!r}") from None
    if closes is not None and closes <= opens:
        raise WindowError(f"hours {text!r} close before they open")
    return opens, closes


def _hours(raw: Any) -> tuple[dict[str, tuple[time, time | None]], bool]:
    if raw == VARIES:
        return {}, True
    if not isinstance(raw, Mapping) or set(raw) - set(DAYS):
        raise WindowError(f"hours must be {VARIES!r} or a mapping of {DAYS} to spans, got {raw!r}")
    return {d: _span(raw[d]) for d in DAYS if d in raw}, False


def _closed_date(text: str) -> str:
    try:
        datetime.strptime(f"2024-{text}", "%Y-%m-%d")  # a leap year, so 02-29 is a date
    except ValueError:
        raise WindowError(f"closed_dates must be MM-DD, got {text!r}") from None
    return text


def _window(wid: str, spec: Mapping[str, Any]) -> Window:
    hours, vary = _hours(spec.get("hours", {}))
    return Window(
        id=wid,
        name=dict(spec["name"]),
        phone=spec.get("phone"),
        hours=hours,
        hours_vary=vary,
        approximate=bool(spec.get("approximate")),
        closed_on_holidays=bool(spec.get("closed_on_holidays")),
        closed_dates=tuple(_closed_date(str(d)) for d in spec.get("closed_dates", ())),
        serves=tuple(spec.get("serves", ())),
        urgencies=tuple(spec.get("urgencies", ())),
        languages={str(k): tuple(v) for k, v in (spec.get("languages") or {}).items()},
        eligibility=tuple(spec.get("eligibility", ())),
        url=spec.get("url"),
    )


def load_windows(path: Path) -> dict[str, Window]:
    """Windows in file order: that order is the priority among windows that fit equally well."""
    with open(path, encoding="utf-8") as fh:
        raw: dict[str, Any] = yaml.safe_load(fh) or {}
    try:
        return {wid: _window(wid, spec) for wid, spec in raw.items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise WindowError(f"windows.yaml: cannot read a window ({exc!r})") from None


def closed_all_day(window: Window, day: date) -> bool:
    return (DAYS[day.weekday()] not in window.hours
            or (window.closed_on_holidays and jpholiday.is_holiday(day))
            or day.strftime("%m-%d") in window.closed_dates)


def is_open(window: Window, at: datetime) -> bool | None:
    """Open at `at`? None when the hours vary by place: we cannot honestly say either way."""
    if window.hours_vary:
        return None
    if closed_all_day(window, at.date()):
        return False
    opens, closes = window.hours[DAYS[at.weekday()]]
    return opens <= at.time() and (closes is None or at.time() < closes)


def open_until(window: Window, at: datetime) -> time | None:
    """When an open window closes today (None when it is open to the end of the day, closed, or unknown)."""
    return window.hours[DAYS[at.weekday()]][1] if is_open(window, at) else None


def next_opening(window: Window, at: datetime, horizon_days: int = 14) -> datetime | None:
    """The next moment the window opens after `at` (None if unknown or not within the horizon)."""
    if window.hours_vary:
        return None
    for offset in range(horizon_days + 1):
        day = at.date() + timedelta(days=offset)
        if closed_all_day(window, day):
            continue
        opens = datetime.combine(day, window.hours[DAYS[day.weekday()]][0], at.tzinfo)
        if opens > at:
            return opens
    return None
