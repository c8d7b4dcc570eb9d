"""Counseling windows' hours at their boundaries (weekday close, Saturday, Sunday, holidays, New Year), their
words ("open until 21:00", "opens Monday 9:00", "hours vary"), and every number pinned to CONTENT.md §8."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.content.texts import Texts
from bot.directory.in_words import closures, hours_summary, status
from bot.directory.windows import WindowError, is_open, load_windows, next_opening, open_until

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = load_windows(ROOT / "flows" / "windows.yaml")
FACTS = yaml.safe_load((ROOT / "flows" / "facts.yaml").read_text("utf-8"))
TEXTS = Texts.load(ROOT / "locales")
# CONTENT.md lives beside the repo (/work/shared for /work/<checkout>); a clone elsewhere on this machine
# still finds it there. The numbers are also pinned by hand below, so the check never depends on the file.
CONTENT = next((p for p in (ROOT.parent / "shared" / "CONTENT.md", Path("/work/shared/CONTENT.md")) if p.exists()),
               ROOT.parent / "shared" / "CONTENT.md")
SECTION_8_NUMBERS = {  # CONTENT.md §8, written by hand
    "police": "110", "dv_plus": "0120-279-889", "dv_navi": "#8008", "police_consult": "#9110", "child": "189",
    "onestop": "#8891", "yorisoi": "0120-279-338", "inochi": "0120-783-556", "inochi_navi": "0570-783-556",
    "houterasu": "0570-078374",
}
TZ = ZoneInfo("Asia/Tokyo")
ROUND_THE_CLOCK = ("police", "dv_plus", "child", "yorisoi")
VARYING = ("onestop", "dv_navi", "bar", "municipal")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def words(lang: str):  # noqa: ANN201 - the raw-text callable live.py takes
    return lambda key: TEXTS.raw(lang, key)


def test_every_window_of_content_section_8_is_there() -> None:
    assert list(WINDOWS) == ["police", "dv_plus", "child", "onestop", "yorisoi", "inochi", "inochi_navi", "dv_navi",
                             "police_consult", "houterasu", "bar", "municipal"]


@pytest.mark.parametrize(
    ("window", "when", "open_", "next_"),
    [
        ("houterasu", "2026-11-24 20:59", True, None),  # Tuesday, a minute before closing
        ("houterasu", "2026-11-24 21:00", False, "2026-11-25 09:00"),
        ("houterasu", "2026-11-24 08:59", False, "2026-11-24 09:00"),
        ("houterasu", "2026-11-28 16:59", True, None),  # Saturday
        ("houterasu", "2026-11-28 17:00", False, "2026-11-30 09:00"),  # → Monday
        ("houterasu", "2026-11-29 12:00", False, "2026-11-30 09:00"),  # Sunday
        ("houterasu", "2026-11-23 10:00", False, "2026-11-24 09:00"),  # 勤労感謝の日, a national holiday (Monday)
        ("houterasu", "2026-05-06 10:00", False, "2026-05-07 09:00"),  # 振替休日, a substitute holiday
        ("houterasu", "2026-12-31 10:00", False, "2027-01-04 09:00"),  # New Year closure (Thursday)
        ("houterasu", "2027-01-03 23:00", False, "2027-01-04 09:00"),
        ("houterasu", "2027-01-04 09:00", True, None),
        ("houterasu", "2026-12-28 20:30", True, None),  # the last evening before the closure
        ("police_consult", "2026-11-24 08:29", False, "2026-11-24 08:30"),
        ("police_consult", "2026-11-24 08:30", True, None),
        ("police_consult", "2026-11-24 17:14", True, None),
        ("police_consult", "2026-11-24 17:15", False, "2026-11-25 08:30"),
        ("police_consult", "2026-11-24 23:00", False, "2026-11-25 08:30"),  # not a 24-hour line
        ("police_consult", "2026-11-25 03:00", False, "2026-11-25 08:30"),
        ("police_consult", "2026-11-28 10:00", False, "2026-11-30 08:30"),  # Saturday
        ("police_consult", "2026-11-23 10:00", False, "2026-11-24 08:30"),  # a national holiday
        ("police_consult", "2026-05-06 10:00", False, "2026-05-07 08:30"),  # a substitute holiday
        ("police_consult", "2027-01-01 10:00", False, "2027-01-04 08:30"),  # 元日, then the weekend
        ("inochi", "2026-11-24 15:59", False, "2026-11-24 16:00"),  # 0120-783-556: 16:00–21:00 every day
        ("inochi", "2026-11-24 20:59", True, None),
        ("inochi", "2026-11-24 21:00", False, "2026-11-25 16:00"),
        ("inochi", "2026-11-29 16:00", True, None),  # Sunday
        ("inochi", "2026-05-06 18:00", True, None),  # holidays too
        ("inochi", "2026-12-31 18:00", True, None),
        ("inochi_navi", "2026-11-24 09:59", False, "2026-11-24 10:00"),  # 0570-783-556: 10:00–22:00
        ("inochi_navi", "2026-11-24 21:59", True, None),
        ("inochi_navi", "2026-11-24 22:00", False, "2026-11-25 10:00"),
        ("inochi_navi", "2026-11-28 17:00", True, None),  # Saturday
    ],
)
def test_hours_at_the_boundaries(window: str, when: str, open_: bool, next_: str | None) -> None:
    assert is_open(WINDOWS[window], at(when)) is open_
    if next_:
        assert next_opening(WINDOWS[window], at(when)) == at(next_)


@pytest.mark.parametrize(("when", "free_line", "navi_line"),
                         [("2026-11-24 12:00", False, True), ("2026-11-24 17:00", True, True),
                          ("2026-11-24 21:30", False, True), ("2026-11-24 22:30", False, False)])
def test_the_two_inochi_lines_keep_their_own_hours(when: str, free_line: bool, navi_line: bool) -> None:
    assert (is_open(WINDOWS["inochi"], at(when)), is_open(WINDOWS["inochi_navi"], at(when))) == (free_line, navi_line)
    assert FACTS[WINDOWS["inochi"].phone]["value"] != FACTS[WINDOWS["inochi_navi"].phone]["value"]


def test_open_until() -> None:
    assert str(open_until(WINDOWS["houterasu"], at("2026-11-24 10:00"))) == "21:00:00"
    assert str(open_until(WINDOWS["houterasu"], at("2026-11-28 10:00"))) == "17:00:00"
    assert open_until(WINDOWS["houterasu"], at("2026-11-29 10:00")) is None
    assert str(open_until(WINDOWS["police_consult"], at("2026-11-24 10:00"))) == "17:15:00"


@pytest.mark.parametrize("when", ["2026-12-31 03:00", "2026-05-06 23:59", "2026-11-29 00:00", "2027-01-01 12:00",
                                  "2026-11-24 21:00"])
@pytest.mark.parametrize("window", ROUND_THE_CLOCK)
def test_24_hour_lines_are_always_open(window: str, when: str) -> None:
    assert WINDOWS[window].always_open
    assert is_open(WINDOWS[window], at(when)) is True and open_until(WINDOWS[window], at(when)) is None


@pytest.mark.parametrize("window", VARYING)
def test_varying_hours_are_never_called_open_or_closed(window: str) -> None:
    w, moment = WINDOWS[window], at("2026-11-24 12:00")
    assert w.hours_vary and not w.always_open
    assert is_open(w, moment) is None and next_opening(w, moment) is None and open_until(w, moment) is None
    assert status(w, moment, words("ja")) == "受付時間は地域で違います"
    assert "check locally" in status(w, moment, words("en"))


@pytest.mark.parametrize(
    ("window", "when", "lang", "expected"),
    [
        ("houterasu", "2026-11-24 10:00", "ja", "いま受付中（21:00まで）"),
        ("houterasu", "2026-11-24 07:00", "ja", "受付は今日 9:00から"),
        ("houterasu", "2026-11-29 12:00", "ja", "受付は月曜 9:00から"),
        ("houterasu", "2026-12-31 10:00", "en", "opens Monday 9:00"),
        ("houterasu", "2026-11-28 10:00", "en", "open now (until 17:00)"),
        ("police_consult", "2026-11-24 10:00", "ja", "いま受付中（17:15ごろまで）"),
        ("police_consult", "2026-11-27 23:00", "ja", "受付は月曜 8:30ごろから"),
        ("police_consult", "2026-11-24 23:00", "en", "opens Wednesday about 8:30"),
        ("dv_plus", "2026-12-31 03:00", "ja", "24時間受付"),
        ("inochi", "2026-11-24 21:30", "en", "opens Wednesday 16:00"),
    ],
)
def test_status_in_words(window: str, when: str, lang: str, expected: str) -> None:
    assert status(WINDOWS[window], at(when), words(lang)) == expected


@pytest.mark.parametrize(
    ("window", "lang", "summary", "closed"),
    [
        ("houterasu", "ja", "平日 9:00〜21:00、土曜 9:00〜17:00", "祝日・12/29〜1/3は休み"),
        ("houterasu", "en", "weekdays 9:00–21:00, Saturday 9:00–17:00", "closed on national holidays and 12/29–1/3"),
        ("police_consult", "ja", "平日 8:30〜17:15ごろ", "祝日は休み"),
        ("inochi", "ja", "毎日 16:00〜21:00", None),
        ("inochi_navi", "en", "daily 10:00–22:00", None),
        ("police", "ja", None, None),  # round the clock: said by the status, not a timetable
        ("bar", "ja", None, None),
    ],
)
def test_weekly_hours_in_words(window: str, lang: str, summary: str | None, closed: str | None) -> None:
    assert hours_summary(WINDOWS[window], words(lang)) == summary
    assert closures(WINDOWS[window], words(lang)) == closed


def _section_8() -> str:
    text = CONTENT.read_text(encoding="utf-8")
    return text[text.index("## 8."):text.index("## 9.")]


@pytest.mark.parametrize("window", [w for w in WINDOWS.values() if w.phone], ids=lambda w: w.id)
def test_every_phone_is_a_fact_pinned_to_content(window) -> None:  # noqa: ANN001
    fact = FACTS[window.phone]
    assert fact["source"] and fact["checked"]
    # the research rated the lifelines "likely" (issue #16): such a record says what was checked, and when
    assert fact["confidence"] == "confirmed" or (fact["confidence"] == "likely" and "checked on" in fact["source"])
    assert str(fact["value"]) == SECTION_8_NUMBERS[window.id]
    if CONTENT.exists():
        assert re.search(rf"(?<![0-9-]){re.escape(str(fact['value']))}(?![0-9-])", _section_8()), fact["value"]


def test_only_the_local_offices_have_no_number() -> None:
    """CONTENT.md gives no number for the bar association or the city's consultation: none is made up."""
    assert {w.id for w in WINDOWS.values() if w.phone is None} == {"bar", "municipal"}
    assert all(w.url is None for w in WINDOWS.values())  # CONTENT.md gives no address to link


def test_facts_only_a_window_line_states_are_in_content() -> None:
    section = _section_8()
    assert FACTS["window.dv_plus.chat_hours"]["value"] == "12:00–22:00" and "chat 12:00–22:00" in section
    assert "foreign languages by chat/mail" in section and WINDOWS["dv_plus"].languages["foreign"] == ("chat", "mail")
    assert "weekdays about 8:30–17:15" in section and WINDOWS["police_consult"].approximate


@pytest.mark.parametrize(
    ("hours", "message"),
    [('{mon: "21:00-09:00"}', "close before they open"), ('{mon: "9am-5pm"}', "must read like"),
     ('{moon: "09:00-17:00"}', "mapping"), ("sometimes", "mapping")],
)
def test_a_broken_timetable_is_reported(tmp_path: Path, hours: str, message: str) -> None:
    (tmp_path / "windows.yaml").write_text(f"w:\n  name: {{ja: 窓口, en: Desk}}\n  hours: {hours}\n", encoding="utf-8")
    with pytest.raises(WindowError, match=message):
        load_windows(tmp_path / "windows.yaml")


def test_open_now_is_a_placeholder_scope_for_texts() -> None:
    """`{open.houterasu}` in a text reads the same words as the card's own section."""
    from bot.directory.in_words import OpenNow

    live = OpenNow(WINDOWS, at("2026-11-24 10:00"), words("ja"))
    assert live["houterasu"] == "いま受付中（21:00まで）" and live["dv_navi"] == "受付時間は地域で違います"
    assert set(live) == set(WINDOWS) and len(live) == len(WINDOWS)


def test_open_to_midnight_is_not_called_24_hours() -> None:
    from datetime import time

    from bot.directory.windows import Window

    evening = Window("evening", {"ja": "夜の窓口", "en": "Evening desk"}, None, {"mon": (time(16), None)})
    assert status(evening, at("2026-11-30 20:00"), words("ja")) == "いま受付中（24:00まで）"
    assert status(evening, at("2026-11-30 15:00"), words("en")) == "opens today 16:00"
