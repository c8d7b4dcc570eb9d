"""Admins only: the organization's monthly report as tables and charts, a month picker and a CSV download —
the numbers `kakehashi report` prints, small cells hidden the same way (bot/reports)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

import redis
from flask import Response, abort, current_app, render_template, request

from bot.reports import vocabulary as v
from bot.reports.charts import bars, hbars, heatmap
from bot.reports.labels import label, title
from bot.reports.month import BadMonth, Report, build, read_month
from bot.reports.render import NOTE, ShownTable, column_name, render, shown, waits
from bot.reports.topics import topic_names
from bot.settings import Settings
from bot.web.console.web import acting_org, admin_only, console, ctx

LANG = "ja"  # the console is Japanese first; English names are in the CSV's and the CLI's --lang en


@lru_cache(maxsize=4)
def _names(flows_dir: Path, locales_dir: Path) -> dict[str, tuple[str, str]]:
    return topic_names(flows_dir, locales_dir)


def _wanted() -> tuple[str, str, Report, dict[str, tuple[str, str]]]:
    """The admin's organization (a system admin's chosen one) and the month asked for (this month by default, in
    KAKEHASHI_TZ), and its report."""
    settings: Settings = current_app.extensions["kakehashi.settings"]
    r: redis.Redis = current_app.extensions["kakehashi.redis"]
    month = request.args.get("month") or datetime.fromtimestamp(ctx().desk.clock(), settings.zone).strftime("%Y-%m")
    org = acting_org().id
    try:
        days = read_month(r, org, month)
    except BadMonth:
        abort(400)
    names = _names(settings.flows_dir, settings.locales_dir)
    return org, month, build(org, month, days, tuple(names)), names


@console.get("/reports")
def reports() -> str:
    admin_only()
    org, month, report, names = _wanted()
    tables = {s.table.id: s for s in shown(report)}
    first = int(month[5:])
    year = int(month[:4])
    earlier = f"{year - (first == 1)}-{12 if first == 1 else first - 1:02d}"
    later = f"{year + (first == 12)}-{1 if first == 12 else first + 1:02d}"
    return render_template(
        "reports.html", org=org, org_name=acting_org().label(LANG), month=month, earlier=earlier, later=later,
        note=NOTE[LANG], tables=tables,
        order=[s.table.id for s in shown(report)], waits=waits(report), charts=_charts(tables, names),
        name=lambda word: label(word, LANG, names), title=lambda table_id: title(table_id, LANG),
        column=lambda table, word: column_name(table, word, LANG, names))


@console.get("/reports.csv")
def reports_csv() -> Response:
    admin_only()
    org, month, report, names = _wanted()
    return Response(render(report, "csv", LANG, names), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="kakehashi-{org}-{month}.csv"'})


def _charts(tables: dict[str, ShownTable], names: dict[str, tuple[str, str]]) -> dict[str, object]:
    def column(table_id: str, column_id: str) -> list[tuple[str, str]]:
        s = tables[table_id]
        at = s.table.columns.index(column_id)
        return [(label(row, LANG, names), cells[at]) for row, cells in zip(s.table.rows, s.shown.cells, strict=True)]

    per_day = zip(tables["days"].table.rows, (shown_ for _, shown_ in column("days", "first")), strict=True)
    days = [(row[-2:].lstrip("0"), value) for row, value in per_day]
    hours = tables["hours"]
    return {
        "days": bars("日ごとの最初のメッセージ", days, height=200),
        "topics": hbars("話題ごとの相談開始", column("topics", "started")),
        "hours": heatmap("曜日と時刻", [label(d, LANG) for d in hours.table.rows], hours.table.columns,
                         hours.shown.cells),
        "wait": bars("最初の返信までの時間", column(v.WAIT, "count")),
        "outcome": hbars("相談の結果", column(v.OUTCOME, "count"), width=450, label_w=120),
        "referral": hbars("結果カードの主な紹介先", column(v.REFERRAL, "count"), width=450,
                          label_w=220),
    }
