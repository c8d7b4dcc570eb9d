"""Which windows a person is sent to, and in which order (recommend)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.handoff.recommend import recommend
from bot.handoff.windows import EMERGENCIES, URGENCIES, load_windows

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = load_windows(ROOT / "flows" / "windows.yaml")
TZ = ZoneInfo("Asia/Tokyo")
TUESDAY_10, TUESDAY_22, SUNDAY_3 = "2026-11-24 10:00", "2026-11-24 22:00", "2026-11-29 03:00"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def ids(problem: str | None, urgencies: tuple[str, ...], means_ok: bool | None, when: str) -> list[str]:
    return [w.id for w in recommend(WINDOWS.values(), problem, urgencies, means_ok, at(when))]


@pytest.mark.parametrize(
    ("problem", "urgencies", "means_ok", "when", "expected"),
    [
        ("legal_aid", (), None, TUESDAY_10, ["houterasu", "bar", "municipal"]),  # open first
        ("legal_aid", (), None, TUESDAY_22, ["bar", "municipal", "houterasu"]),  # unknown hours before closed
        ("legal_aid", (), True, TUESDAY_10, ["houterasu", "bar", "municipal"]),
        ("legal_aid", (), False, TUESDAY_10, ["bar", "municipal", "houterasu"]),  # means rule the free one out
        ("visitation", ("danger",), None, SUNDAY_3, ["police", "dv_plus", "bar", "municipal", "houterasu"]),
        ("legal_aid", ("danger",), False, TUESDAY_10, ["police", "dv_plus", "bar", "municipal", "houterasu"]),
        ("consolation", ("suicide",), None, "2026-11-24 23:00",
         ["yorisoi", "inochi", "inochi_navi", "bar", "municipal", "houterasu"]),  # both lifelines closed
        ("consolation", ("suicide",), None, "2026-11-24 21:30",
         ["yorisoi", "inochi_navi", "inochi", "bar", "municipal", "houterasu"]),  # only the 0570 line answers
        ("custody_2026", ("child",), None, TUESDAY_10, ["police", "child", "houterasu", "bar", "municipal"]),
        ("custody_2026", ("sexual_violence",), None, TUESDAY_10, ["onestop", "houterasu", "bar", "municipal"]),
        ("custody_2026", ("dv",), None, TUESDAY_10,
         ["houterasu", "bar", "municipal", "dv_plus", "yorisoi", "police_consult", "dv_navi"]),
        ("protection_order", (), None, TUESDAY_22, ["police", "dv_plus", "dv_navi", "police_consult", "houterasu"]),
        ("protection_order", (), None, TUESDAY_10, ["police", "dv_plus", "police_consult", "houterasu", "dv_navi"]),
        (None, (), None, TUESDAY_10, ["yorisoi", "houterasu", "bar", "municipal"]),  # everyday questions
        (None, ("normal",), None, TUESDAY_22, ["yorisoi", "bar", "municipal", "houterasu"]),
        ("menu", (), None, TUESDAY_10, []),  # no window serves the menu
    ],
)
def test_recommend(problem: str | None, urgencies: tuple[str, ...], means_ok: bool | None, when: str,
                   expected: list[str]) -> None:
    assert ids(problem, urgencies, means_ok, when) == expected


PROBLEMS = [None, "visitation", "affair_separation", "protection_order", "consolation", "legal_aid", "custody_2026"]


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)), problem=st.sampled_from(PROBLEMS),
       urgencies=st.sets(st.sampled_from(URGENCIES), min_size=1), means_ok=st.sampled_from([None, True, False]))
def test_the_lines_for_a_danger_always_come_first(moment: datetime, problem: str | None, urgencies: set[str],
                                                  means_ok: bool | None) -> None:
    """Whatever the time, problem or means: the windows for the danger seen lead, 24-hour ones at the very top."""
    found = recommend(WINDOWS.values(), problem, urgencies, means_ok, moment.replace(tzinfo=TZ))
    for_danger = [w for w in WINDOWS.values() if set(w.urgencies) & urgencies & set(EMERGENCIES)]
    assert {w.id for w in found[:len(for_danger)]} == {w.id for w in for_danger}
    round_the_clock = [w for w in for_danger if w.always_open]
    assert {w.id for w in found[:len(round_the_clock)]} == {w.id for w in round_the_clock}
    assert len({w.id for w in found}) == len(found)
