"""One organization's month: its days' hashes read in one round trip and added up into the report's tables.

`read_month` is the only I/O; `build` is a pure function of the counts, so the tables, their order and their
totals are tested without Redis.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

import redis

from bot.desk.records import OUTCOMES
from bot.language.danger import CATEGORIES
from bot.reports import vocabulary as v
from bot.store import keys

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAILY = ("added", "blocked", "first", "started", "finished", "danger", "requested")
BY_PLACE = ("first", "started", "danger", "requested")

DayCounts = Mapping[str, int]  # field → count, one day


class BadMonth(ValueError):
    pass


def days_of(month: str) -> list[date]:
    """Every day of `month` (YYYY-MM)."""
    found = MONTH.match(month)
    if found is None:
        raise BadMonth(f"{month!r} is not a month like 2026-11")
    year, number = int(found[1]), int(found[2])
    return [date(year, number, d) for d in range(1, calendar.monthrange(year, number)[1] + 1)]


def read_month(r: redis.Redis, org: str, month: str) -> dict[date, dict[str, int]]:
    """Every day's counts of `org` in `month`: one pipelined round trip, every key in the organization's slot."""
    if not v.ORG_ID.match(org):
        raise BadMonth(f"{org!r} is not an organization id")
    days = days_of(month)
    pipe = r.pipeline(transaction=False)
    for day in days:
        pipe.hgetall(keys.report_day(org, day.isoformat()))
    found = cast(list[dict[str, str]], pipe.execute())
    return {day: {name: int(n) for name, n in raw.items()} for day, raw in zip(days, found, strict=True)}


@dataclass(frozen=True)
class Table:
    """Counts with their labels' ids. `row_totals` / `column_totals`: whether the table shows them (the lines
    that add up, which bot/reports/suppress.py protects)."""

    id: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    row_totals: bool = False
    column_totals: bool = True
    grand_total: bool = False  # only the sum of every cell (the hours' heatmap: it equals the first messages)


@dataclass(frozen=True)
class Report:
    org: str
    month: str
    tables: tuple[Table, ...]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


def build(org: str, month: str, days: Mapping[date, DayCounts], topics: Sequence[str] = ()) -> Report:
    """The month's tables. `topics`: the flow ids to list even when nobody started them (in that order)."""
    total: Counter[tuple[str, str]] = Counter()  # (metric, detail)
    daily: dict[date, Counter[str]] = {}
    places: dict[str, Counter[str]] = {}
    hours = [[0] * 24 for _ in WEEKDAYS]
    for day, counts in sorted(days.items()):
        daily[day] = Counter()
        for name, n in counts.items():
            parsed = v.parse_field(name)
            if parsed is None:
                continue
            metric, detail, place = parsed
            total[metric, detail] += n
            for column in _columns(metric, detail):
                daily[day][column] += n
                places.setdefault(place, Counter())[column] += n
            if metric == v.FIRST and detail.isdecimal() and int(detail) < 24:
                hours[day.weekday()][int(detail)] += n

    def of(metric: str) -> dict[str, int]:
        return {d: n for (m, d), n in total.items() if m == metric}

    def listed(metric: str, fixed: Sequence[str]) -> Table:
        counts = of(metric)
        rows = (*fixed, *sorted(set(counts) - set(fixed)))
        return Table(metric, rows, ("count",), tuple((counts.get(row, 0),) for row in rows))

    summary_rows = (("friends_added", total[v.FRIENDS, "added"]), ("friends_blocked", total[v.FRIENDS, "blocked"]),
                    ("first", sum(of(v.FIRST).values())), ("started", sum(of(v.STARTED).values())),
                    ("finished", sum(of(v.FINISHED).values())), ("danger", sum(of(v.DANGER).values())),
                    *((f"handoff_{step}", total[v.HANDOFF, step]) for step in v.HANDOFF_STEPS))
    topic_rows = (*topics, *sorted((set(of(v.STARTED)) | set(of(v.FINISHED))) - set(topics)))
    place_rows = (*sorted(p for p in places if p in v.PREFECTURES),
                  *(p for p in (v.UNKNOWN_PLACE, v.DECLINED_PLACE) if p in places))
    tables = (
        Table("summary", tuple(r for r, _ in summary_rows), ("count",), tuple((n,) for _, n in summary_rows),
              column_totals=False),
        Table("days", tuple(d.isoformat() for d in sorted(daily)), DAILY,
              tuple(tuple(daily[d][c] for c in DAILY) for d in sorted(daily))),
        Table("topics", topic_rows, ("started", "finished"),
              tuple((total[v.STARTED, t], total[v.FINISHED, t]) for t in topic_rows)),
        listed(v.DANGER, CATEGORIES),
        Table(v.HANDOFF, v.HANDOFF_STEPS, ("count",), tuple((total[v.HANDOFF, s],) for s in v.HANDOFF_STEPS),
              column_totals=False),
        listed(v.WAIT, v.wait_buckets()),
        listed(v.OUTCOME, OUTCOMES),
        listed(v.REFERRAL, v.REFERRALS),
        Table("places", place_rows, BY_PLACE, tuple(tuple(places[p][c] for c in BY_PLACE) for p in place_rows)),
        Table("hours", WEEKDAYS, tuple(str(h) for h in range(24)), tuple(tuple(row) for row in hours),
              column_totals=False, grand_total=True),
        listed(v.LANGUAGE, ("ja", "en")),
    )
    return Report(org, month, tables)


def _columns(metric: str, detail: str) -> tuple[str, ...]:
    """The daily and by-place columns a counted field adds to."""
    if metric == v.FRIENDS:
        return (detail,) if detail in ("added", "blocked") else ()
    if metric == v.HANDOFF:
        return ("requested",) if detail == "requested" else ()
    return (metric,) if metric in (v.FIRST, v.STARTED, v.FINISHED, v.DANGER) else ()
