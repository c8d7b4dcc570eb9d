"""Facts that depend on the moment: whether a counseling window is open now, in words (`{open.houterasu}`).

Computed only when a text asks for it, from the time the person wrote — never the server's clock. Every
sentence is a locale text (`windows.*`); only times and the data's own days are filled in here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta

from bot.directory.windows import DAYS, Window, is_open, next_opening, open_until

DAY_KEYS = DAYS
Text = Callable[[str], str]  # a raw locale text, in the person's language


def fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def clock(window: Window, moment: time | datetime, text: Text) -> str:
    """9:00, or "9:00ごろ" / "about 9:00" for hours that differ a little by prefecture."""
    shown = moment.strftime("%-H:%M")
    return fill(text("windows.about"), time=shown) if window.approximate else shown


def status(window: Window, at: datetime, text: Text) -> str:
    """"open until 21:00" / "open 24 hours" / "opens Monday 9:00" / "hours vary by area"."""
    state = is_open(window, at)
    if state is None:
        return text("windows.hours_vary")
    if state:
        if window.always_open:
            return text("windows.open_all_day")
        until = open_until(window, at)
        return fill(text("windows.open_until"), until=clock(window, until, text) if until else "24:00")
    opens = next_opening(window, at)
    if opens is None:
        return text("windows.closed")
    day = text("windows.today") if opens.date() == at.date() else text(f"windows.day.{DAYS[opens.weekday()]}")
    return fill(text("windows.opens_at"), when=f"{day} {clock(window, opens, text)}")


def _days(days: list[str], text: Text) -> str:
    if len(days) == len(DAYS):
        return text("windows.every_day")
    if days == list(DAYS[:5]):
        return text("windows.weekdays")
    names = [text(f"windows.day.{d}") for d in days]
    return names[0] if len(names) == 1 else fill(text("windows.span"), start=names[0], end=names[-1])


def hours_summary(window: Window, text: Text) -> str | None:
    """"平日 9:00〜21:00、土曜 9:00〜17:00", from the data; None for round-the-clock lines and varying hours."""
    if window.hours_vary or window.always_open or not window.hours:
        return None
    runs: list[tuple[list[str], tuple[time, time | None]]] = []  # consecutive days with the same hours
    for index, day in enumerate(DAYS):
        span = window.hours.get(day)
        if span is None:
            continue
        if runs and runs[-1][1] == span and runs[-1][0][-1] == DAYS[index - 1]:
            runs[-1][0].append(day)
        else:
            runs.append(([day], span))
    parts = []
    for days, (opens, closes) in runs:
        shown = fill(text("windows.span"), start=opens.strftime("%-H:%M"),
                     end=closes.strftime("%-H:%M") if closes else "24:00")
        parts.append(f"{_days(days, text)} {fill(text('windows.about'), time=shown) if window.approximate else shown}")
    return text("windows.list").join(parts)


def closures(window: Window, text: Text) -> str | None:
    """"祝日・12/29〜1/3は休み": the days a window with a timetable is closed besides its weekly ones."""
    parts = [text("windows.holidays")] if window.closed_on_holidays else []
    for first, last in _runs(window.closed_dates):
        parts.append(first if first == last else fill(text("windows.span"), start=first, end=last))
    return fill(text("windows.closed_on"), days=text("windows.and").join(parts)) if parts else None


def _runs(dates: tuple[str, ...]) -> list[tuple[str, str]]:
    """"MM-DD" dates in calendar order → (first, last) of each run of days, as M/D; a run may cross New Year."""
    runs: list[tuple[str, str]] = []
    previous: date | None = None
    for text in dates:
        day = date(2024, *map(int, text.split("-")))  # a leap year, so 02-29 is a date
        shown = f"{day.month}/{day.day}"
        new_year = (previous, day) == (date(2024, 12, 31), date(2024, 1, 1))
        if previous is not None and (day - previous == timedelta(days=1) or new_year):
            runs[-1] = (runs[-1][0], shown)
        else:
            runs.append((shown, shown))
        previous = day
    return runs


class OpenNow(Mapping[str, str]):
    """window id → "open until 21:00" / "open 24 hours" / "opens Monday 9:00", in the person's language."""

    def __init__(self, windows: Mapping[str, Window], at: datetime, text: Text) -> None:
        """`text(key)` gives a raw locale text; {until} and {when} are filled here."""
        self.windows, self.at, self.text = windows, at, text

    def __getitem__(self, window_id: str) -> str:
        return status(self.windows[window_id], self.at, self.text)

    def __iter__(self) -> Iterator[str]:
        return iter(self.windows)

    def __len__(self) -> int:
        return len(self.windows)
