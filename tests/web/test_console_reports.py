"""The monthly report in the console: admins only, the same hidden cells as `kakehashi report`, a month picker,
a CSV download; and in Chromium, with a screenshot at a laptop's width."""

from __future__ import annotations

import csv
import io
from typing import Any

import redis

from bot.store import keys
from bot.store.counters import Counters, flush_all
from tests.browser import screenshot
from tests.console import PASSWORD, add_operator


def seed(r: redis.Redis, day: str, counts: dict[str, int], org: str = "kakehashi") -> None:
    """Counts as the worker's tally leaves them (bot/reports/vocabulary.py names the fields)."""
    counters = Counters(r)
    for name, n in counts.items():
        counters.add_in(keys.report_day(org, day), name, n)
    counters.flush()


A_MONTH = {"first:9:13": 12, "first:21:13": 3, "first:21:27": 6, "language:ja:13": 15, "language:en:27": 6,
           "started:visitation:13": 9, "started:legal_aid:27": 5, "finished:visitation:13": 7,
           "danger:violence:13": 2, "danger:suicide:27": 1, "handoff:requested:13": 8, "handoff:answered:13": 7,
           "wait:300:13": 4, "wait:1800:13": 2, "wait:14400:13": 1, "outcome:houterasu:13": 6,
           "outcome:police:13": 1, "referral:general:13": 5, "referral:houterasu:13": 2,
           "friends:added:unknown": 20}


def test_only_admins_see_the_report_and_its_csv(app, counselor, console_admin, r: redis.Redis) -> None:  # noqa: ANN001
    seed(r, "2026-11-02", A_MONTH)
    assert counselor.get("/console/reports").status_code == 403
    assert counselor.get("/console/reports.csv?month=2026-11").status_code == 403
    assert "nav-reports" not in counselor.get("/console/").get_data(as_text=True)

    page = console_admin.get("/console/reports?month=2026-11").get_data(as_text=True)
    assert 'id="nav-reports"' in page and 'value="2026-11"' in page
    assert '<b id="org-name">かけはし' in page  # the organization by its name, its id beside it
    assert 'href="/console/reports?month=2026-10&amp;org=kakehashi"' in page  # the month before
    assert 'href="/console/reports?month=2026-12&amp;org=kakehashi"' in page
    # 法テラス 6 and 警察 1 of 7: 1 is small, and 7 shown would give it away.
    assert '<tr data-row="police"><th>警察</th><td class="n" data-value="&lt;5">' in page
    assert '<tr data-row="houterasu"><th>法テラス</th><td class="n" data-value="x">' in page
    assert "中央値 <small>median</small> <b>5分以内</b>" in page and "90% <b>4時間以内</b>" in page
    assert page.count("<svg") == 6 and "<script" not in page.split("<main>")[1]
    assert console_admin.get("/console/reports").status_code == 200  # this month, by the console's clock
    assert console_admin.get("/console/reports?month=2026-13").status_code == 400
    # an admin of one organization sees their own figures whatever the address asks for
    other = console_admin.get("/console/reports?month=2026-11&org=osaka").get_data(as_text=True)
    assert 'href="/console/reports?month=2026-10&amp;org=kakehashi"' in other

    download = console_admin.get("/console/reports.csv?month=2026-11")
    assert download.headers["Content-Disposition"] == 'attachment; filename="kakehashi-kakehashi-2026-11.csv"'
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    value = {(row["table"], row["row"], row["column"]): row["value"] for row in rows}
    assert value["summary", "first", "count"] == "21" and value["places", "27", "first"] == "6"
    assert value["danger", "suicide", "count"] == "<5" and value["danger", "total", "count"] == "<5"
    assert value["outcome", "police", "count"] == "<5" and value["outcome", "houterasu", "count"] == "x"
    assert value["reply_wait", "median", "seconds"] == "300"
    assert value["referral", "houterasu", "count"] == "<5" and value["referral", "general", "count"] == "x"
    assert value["referral", "total", "count"] == value["summary", "finished", "count"] == "7"


def test_the_report_page_in_chromium_from_real_conversations(page: Any, live_app: str, app, new_chat,  # noqa: ANN001
                                                             r: redis.Redis) -> None:
    for n in range(1, 7):  # six people ask about their child on a Wednesday at noon; one of them in English
        new_chat(n).say("子どもに会えない" if n < 6 else "I can't see my child")
    new_chat(1).say("殴られた")
    flush_all()
    seed(r, "2026-11-03", A_MONTH)  # and an earlier, busier day of the month
    add_operator(app, "mori", admin=True)
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live_app}/console/login?next=/console/reports")
    page.fill("#login-username", "mori")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#month")
    page.fill("#month", "2026-11")
    page.click("#month-show")
    page.wait_for_selector("#table-topics")
    started = page.locator('#table-topics tr[data-row="visitation"] td').first.inner_text()
    assert started == "15"  # 9 seeded and 6 just now
    wednesday_noon = page.locator("svg.heatmap rect").nth(2 * 24 + 12).get_attribute("data-value")
    assert wednesday_noon == "6"
    assert page.locator('#table-danger tr[data-row="violence"] td').first.inner_text() == "<5"
    assert page.locator("svg.chart").count() == 6
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # nothing runs off a laptop's screen
    screenshot(page, "console-reports")
    with page.expect_download() as download:
        page.click("#csv-download")
    text = download.value.path().read_text(encoding="utf-8")
    assert "topics,visitation,子どもに会えない（親子交流）,started,相談開始,15" in text
