"""Is a counseling window open now, and when does it open next? Pure functions of the window and a time.

Hours come from flows/windows.yaml; national holidays (substitute holidays included) from jpholiday, a
maintained library, not a hand-written list. Times are aware datetimes in KAKEHASHI_TZ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import jpholiday
import yaml

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Window:
    id: str
    name: Mapping[str, str]
    phone: str  # a fact id
    hours: Mapping[str, tuple[time, time | None]]  # weekday → (opens, closes); None closes = end of day
    closed_on_holidays: bool
    closed_dates: frozenset[str]  # "MM-DD"
    serves: tuple[str, ...]


def _span(text: str) -> tuple[time, time | None]:
    start, end = text.split("-")
    return time.fromisoformat(start), None if end == "24:00" else time.fromisoformat(end)


def load_windows(path: Path) -> dict[str, Window]:
    with open(path, encoding="utf-8") as fh:
        raw: dict[str, Any] = yaml.safe_load(fh) or {}
    return {
        wid: Window(wid, spec["name"], spec["phone"], {d: _span(h) for d, h in spec.get("hours", {}).items()},
                    bool(spec.get("closed_on_holidays")), frozenset(spec.get("closed_dates", ())),
                    tuple(spec.get("serves", ())))
        for wid, spec in raw.items()
    }


def closed_all_day(window: Window, day: date) -> bool:
    return (DAYS[day.weekday()] not in window.hours
            or (window.closed_on_holidays and jpholiday.is_holiday(day))
            or day.strftime("%m-%d") in window.closed_dates)


def is_open(window: Window, at: datetime) -> bool:
    if closed_all_day(window, at.date()):
        return False
    opens, closes = window.hours[DAYS[at.weekday()]]
    return opens <= at.time() and (closes is None or at.time() < closes)


def open_until(window: Window, at: datetime) -> time | None:
    """When an open window closes today (None when it is open to the end of the day, or closed)."""
    return window.hours[DAYS[at.weekday()]][1] if is_open(window, at) else None


def next_opening(window: Window, at: datetime, horizon_days: int = 14) -> datetime | None:
    """The next moment the window opens after `at` (None if it does not within the horizon)."""
    for offset in range(horizon_days + 1):
        day = at.date() + timedelta(days=offset)
        if closed_all_day(window, day):
            continue
        opens = datetime.combine(day, window.hours[DAYS[day.weekday()]][0], at.tzinfo)
        if opens > at:
            return opens
    return None
