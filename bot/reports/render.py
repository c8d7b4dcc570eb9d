"""The report as people read it: every table with its small numbers hidden (bot/reports/suppress.py), as a
plain-text table, CSV or JSON. The console's page renders the same `Shown` tables."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from bot.reports import vocabulary as v
from bot.reports.labels import label, title
from bot.reports.month import Report, Table
from bot.reports.suppress import SMALL, THRESHOLD, Shown, percentile, suppress

FORMATS = ("table", "csv", "json")
NOTE = {
    "ja": f"{THRESHOLD}未満の数は「{SMALL}」、合計から小さな数が分からないよう隠した数は「x」と表示しています。",
    "en": f"Counts under {THRESHOLD} are shown as \"{SMALL}\"; \"x\" hides a count from which a small one could be "
          "worked out with the totals.",
}


@dataclass(frozen=True)
class ShownTable:
    table: Table
    shown: Shown


@dataclass(frozen=True)
class Waits:
    """Median and 90th percentile of the time to a first counselor reply, as the bucket they fall in (None
    when fewer than THRESHOLD tickets were answered: too few to say anything about)."""

    median: str | None
    p90: str | None


def shown(report: Report) -> list[ShownTable]:
    return [ShownTable(t, suppress(t.cells, row_totals=t.row_totals, column_totals=t.column_totals,
                                   grand_total=t.grand_total))
            for t in report.tables]


def waits(report: Report) -> Waits:
    table = report.table(v.WAIT)
    counts = [row[0] for row in table.cells]
    if sum(counts) < THRESHOLD:
        return Waits(None, None)
    at = [percentile(counts, q) for q in (0.5, 0.9)]
    return Waits(*(table.rows[i] if i is not None else None for i in at))


def column_name(table: Table, column: str, lang: str, names: Mapping[str, tuple[str, str]]) -> str:
    if table.id == "hours":  # hours, not prefecture codes: "13" is 13時 here
        return f"{column}時" if lang == "ja" else column
    return label(column, lang, names)


def as_json(report: Report, lang: str, names: Mapping[str, tuple[str, str]]) -> str:
    wait = waits(report)
    out = {
        "org": report.org, "month": report.month, "note": NOTE[lang],
        "reply_wait": {"median": wait.median, "p90": wait.p90, "unit": "bucket upper bound, seconds"},
        "tables": [{
            "id": s.table.id, "title": title(s.table.id, lang),
            "columns": [{"id": c, "label": column_name(s.table, c, lang, names)} for c in s.table.columns],
            "rows": [{"id": r, "label": label(r, lang, names), "cells": list(cells),
                      **({"total": s.shown.row_totals[i]} if s.shown.row_totals else {})}
                     for i, (r, cells) in enumerate(zip(s.table.rows, s.shown.cells, strict=True))],
            **({"totals": list(s.shown.column_totals)} if s.shown.column_totals else {}),
            **({"grand_total": s.shown.grand_total} if s.shown.grand_total is not None else {}),
        } for s in shown(report)],
    }
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def as_csv(report: Report, lang: str, names: Mapping[str, tuple[str, str]]) -> str:
    """One value per line (table, row, column, value), for a spreadsheet's pivot table."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["org", "month", "table", "row", "row_label", "column", "column_label", "value"])
    for s in shown(report):
        t = s.table
        for r, cells, total in _rows(s):
            for c, value in zip((*t.columns, "total"), (*cells, total), strict=False):
                if value:  # None or "": no such total
                    out.writerow([report.org, report.month, t.id, r, label(r, lang, names), c,
                                  column_name(t, c, lang, names) if c != "total" else label("total", lang), value])
    wait = waits(report)
    for name, value in (("median", wait.median), ("p90", wait.p90)):
        out.writerow([report.org, report.month, "reply_wait", name, name, "seconds", "", value or SMALL])
    return buffer.getvalue()


def _total_column(s: ShownTable) -> bool:
    return bool(s.shown.row_totals) or (s.shown.grand_total is not None and not s.shown.column_totals)


def _rows(s: ShownTable) -> list[tuple[str, tuple[str, ...], str | None]]:
    """Each row with its total (None when the table has no total column; "" for a row of a table whose only
    total is the sum of every cell), then the totals row."""
    only_grand = _total_column(s) and not s.shown.row_totals
    rows = [(r, cells, s.shown.row_totals[i] if s.shown.row_totals else "" if only_grand else None)
            for i, (r, cells) in enumerate(zip(s.table.rows, s.shown.cells, strict=True))]
    if s.shown.column_totals:
        rows.append(("total", s.shown.column_totals, s.shown.grand_total))
    elif only_grand:
        rows.append(("total", tuple("" for _ in s.table.columns), s.shown.grand_total))
    return rows


def as_text(report: Report, lang: str, names: Mapping[str, tuple[str, str]]) -> str:
    """Aligned columns for a terminal (Japanese characters counted as two)."""
    lines = [f"{report.org} {report.month}", NOTE[lang], ""]
    wait = waits(report)
    for s in shown(report):
        t = s.table
        lines.append(f"■ {title(t.id, lang)}")
        header = ["", *(column_name(t, c, lang, names) for c in t.columns)]
        if _total_column(s):
            header.append(label("total", lang))
        body = [[label(r, lang, names) if r != "total" else label("total", lang), *cells,
                 *([total] if total is not None else [])] for r, cells, total in _rows(s)]
        widths = [max(_width(row[i]) for row in [header, *body]) for i in range(len(header))]
        for row in [header, *body]:
            lines.append("  ".join(_pad(cell, w, left=i == 0) for i, (cell, w) in enumerate(zip(row, widths,
                                                                                                 strict=True))))
        if t.id == v.WAIT:
            lines.append(f"median: {_wait_text(wait.median, lang)}  p90: {_wait_text(wait.p90, lang)}")
        lines.append("")
    return "\n".join(lines)


def _wait_text(bucket: str | None, lang: str) -> str:
    return label(bucket, lang) if bucket else SMALL


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, left: bool) -> str:
    gap = " " * (width - _width(text))
    return text + gap if left else gap + text


def render(report: Report, fmt: str, lang: str = "ja", names: Mapping[str, tuple[str, str]] | None = None) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    names = names or {}
    return {"table": as_text, "csv": as_csv, "json": as_json}[fmt](report, lang, names)

