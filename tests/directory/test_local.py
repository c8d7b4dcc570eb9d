"""Local windows as data (flows/places/local_windows.yaml): every prefecture present, every entry sourced, and
`flows check` catching what a reviewer could get wrong."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from bot.content.texts import Texts
from bot.directory.local import load_local_windows, parse_local_windows, read_raw
from bot.directory.places import PREFECTURES
from bot.review.check_local import local_problems, local_text_problems, phone_problem

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "flows" / "places" / "local_windows.yaml"


def test_the_shipped_data_passes_its_own_checks() -> None:
    assert local_problems(read_raw(DATA)) == []
    assert local_text_problems(Texts.load(ROOT / "locales")) == []


def test_every_prefecture_has_its_houterasu_office_and_osaka_its_named_windows() -> None:
    local = load_local_windows(DATA)
    assert set(local.windows) == set(PREFECTURES)
    assert all("houterasu" in local.for_place(code) for code in PREFECTURES)
    osaka = local.for_place("27")
    assert osaka["houterasu"].window.name["ja"] == "法テラス大阪"
    assert osaka["bar"].window.name["ja"] == "大阪弁護士会 総合法律相談センター"
    assert local.dv_centre["via"] == "#8008"


def test_no_local_number_or_hours_without_a_source() -> None:
    """Honesty about the data: every phone and timetable shipped comes with the page it was read from."""
    for entries in read_raw(DATA)["prefectures"].values():
        for spec in entries.values():
            if isinstance(spec, dict) and ("phone" in spec or "hours" in spec):
                assert spec["source"].startswith("http") and spec["checked"]


def _broken(change: Any) -> list[str]:
    raw = copy.deepcopy(read_raw(DATA))
    change(raw)
    return local_problems(raw)


def test_check_finds_a_missing_prefecture() -> None:
    assert _broken(lambda r: r["prefectures"].pop("47")) == ["local_windows: prefecture 47 (沖縄県) is missing"]


def test_check_finds_an_unsourced_or_undated_entry() -> None:
    def unsourced(raw: dict) -> None:
        del raw["prefectures"]["27"]["bar"]["source"]
        raw["prefectures"]["13"]["houterasu"]["checked"] = "last week"

    problems = _broken(unsourced)
    assert any("27/bar: no source URL" in p for p in problems)
    assert any("13/houterasu: no checked date" in p for p in problems)


@pytest.mark.parametrize("phone", ["06-6364-1248", "0570-078374", "050-3383-5425", "0120-279-889", "#8008"])
def test_japanese_numbers_and_short_codes_pass(phone: str) -> None:
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["06 6364 1248", "+81-6-6364-1248", "6364-1248", "#80", "06-6364-12489", "tbd"])
def test_other_phone_forms_fail(phone: str) -> None:
    assert phone_problem(phone) is not None


def test_check_finds_bad_phone_and_hours() -> None:
    def bad(raw: dict) -> None:
        raw["prefectures"]["27"]["bar"].update(phone="06 6364", hours={"mon": "9:00-17:00"})
        raw["prefectures"]["27"]["houterasu"].update(hours={"mon": "17:00-09:00"}, name={"ja": "法テラス大阪"})

    problems = _broken(bad)
    assert any("27/bar: phone '06 6364'" in p for p in problems)
    assert any("27/bar: hours must read like" in p for p in problems)
    assert any("27/houterasu: hours '17:00-09:00' close before they open" in p for p in problems)
    assert any("27/houterasu: no name in en" in p for p in problems)


def test_a_sourced_phone_becomes_a_fact_for_the_texts() -> None:
    raw = copy.deepcopy(read_raw(DATA))
    raw["prefectures"]["27"]["bar"]["phone"] = "06-0000-0000"  # test data, not a real number
    local = parse_local_windows(raw)
    assert local.phones == {"local.27.bar.phone": "06-0000-0000"}
    assert local.for_place("27")["bar"].window.phone == "local.27.bar.phone"


def test_check_finds_a_line_consultation_offered_nowhere_or_in_an_unknown_town() -> None:
    def bad(raw: dict) -> None:
        line = raw["prefectures"]["34"]["line"][0]
        line.update(city="八王子市", serves=["no_such_flow"], urgencies=[])

    problems = local_problems(_broken_raw(bad), flows=["visitation", "custody_2026"])
    assert any("34/line[0]: '八王子市' is not a municipality of prefecture 34" in p for p in problems)
    assert any("34/line[0]: serves unknown flow 'no_such_flow'" in p for p in problems)


def test_a_city_line_is_for_its_residents_and_a_prefecture_line_for_everyone() -> None:
    local = load_local_windows(DATA)
    assert [w.city for w in local.lines_for("34", "広島市南区")] == ["広島市"]
    assert local.lines_for("34", "呉市") == () and local.lines_for("34", "") == ()
    assert len(local.lines_for("14", "")) == 1  # 神奈川県's, for the whole prefecture


def _broken_raw(change: Any) -> dict:
    raw = copy.deepcopy(read_raw(DATA))
    change(raw)
    return raw
