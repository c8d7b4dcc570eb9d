"""Counseling windows' hours at their boundaries: weekday close, Saturday, Sunday, holidays, New Year."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.windows import is_open, load_windows, next_opening, open_until

WINDOWS = load_windows(Path(__file__).resolve().parent.parent / "flows" / "windows.yaml")
TZ = ZoneInfo("Asia/Tokyo")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("when", "open_", "next_"),
    [
        ("2026-11-24 20:59", True, None),  # Tuesday, a minute before closing
        ("2026-11-24 21:00", False, "2026-11-25 09:00"),
        ("2026-11-24 08:59", False, "2026-11-24 09:00"),
        ("2026-11-28 16:59", True, None),  # Saturday
        ("2026-11-28 17:00", False, "2026-11-30 09:00"),  # → Monday
        ("2026-11-29 12:00", False, "2026-11-30 09:00"),  # Sunday
        ("2026-11-23 10:00", False, "2026-11-24 09:00"),  # 勤労感謝の日, a national holiday (Monday)
        ("2026-05-06 10:00", False, "2026-05-07 09:00"),  # 振替休日, a substitute holiday
        ("2026-12-31 10:00", False, "2027-01-04 09:00"),  # New Year closure (Thursday)
        ("2027-01-03 23:00", False, "2027-01-04 09:00"),
        ("2027-01-04 09:00", True, None),
        ("2026-12-28 20:30", True, None),  # the last evening before the closure
    ],
)
def test_houterasu_hours(when: str, open_: bool, next_: str | None) -> None:
    window = WINDOWS["houterasu"]
    assert is_open(window, at(when)) is open_
    if next_:
        assert next_opening(window, at(when)) == at(next_)


def test_open_until() -> None:
    assert str(open_until(WINDOWS["houterasu"], at("2026-11-24 10:00"))) == "21:00:00"
    assert str(open_until(WINDOWS["houterasu"], at("2026-11-28 10:00"))) == "17:00:00"
    assert open_until(WINDOWS["houterasu"], at("2026-11-29 10:00")) is None


@pytest.mark.parametrize("when", ["2026-12-31 03:00", "2026-05-06 23:59", "2026-11-29 00:00"])
def test_24_hour_lines_are_always_open(when: str) -> None:
    assert is_open(WINDOWS["police"], at(when)) and is_open(WINDOWS["dv_plus"], at(when))
    assert open_until(WINDOWS["dv_plus"], at(when)) is None


def test_phones_are_facts() -> None:
    import yaml

    facts = yaml.safe_load((Path(__file__).resolve().parent.parent / "flows" / "facts.yaml").read_text("utf-8"))
    assert all(w.phone in facts for w in WINDOWS.values())


@pytest.mark.parametrize(
    ("when", "lang", "expected"),
    [
        ("2026-11-24 10:00", "ja", "いま受付中（21:00まで）"),
        ("2026-11-24 07:00", "ja", "受付は今日 9:00から"),
        ("2026-11-29 12:00", "ja", "受付は月曜 9:00から"),
        ("2026-12-31 10:00", "en", "opens Monday 9:00"),
        ("2026-11-28 10:00", "en", "open now (until 17:00)"),
    ],
)
def test_result_cards_say_honestly_when_houterasu_answers(when: str, lang: str, expected: str) -> None:
    from bot.engine.inputs import Incoming
    from bot.engine.session import Session
    from bot.runtime import engine_for
    from bot.settings import Settings

    engine = engine_for(Settings())
    s = Session(fresh=False, lang=lang)
    said = ["法テラス", "1", "1", "3", "0", "0", "0", "2"]
    for text in said:
        reply = engine.step(s, Incoming("text", text, at=at(when).timestamp()))
    card = reply.messages[-1]
    assert any(expected in body for _, body in card.sections), [b for _, b in card.sections]
