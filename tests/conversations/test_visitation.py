"""The visitation (親子交流) flow: every branch of its card, both languages, facts pinned."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.wiring import build_engine
from tests.harness import assert_card, walk_to_card

ENGINE = build_engine(Settings())


CASES = [
    (["別居中", "ない", "10歳くらいまで", "いいえ・わからない", "何も決まっていない"],
     ["817条の13", "2026年4月1日", "817条の12", "1,200円", "約1,000円〜1,200円", "試行的", "審判", "送り迎え",
      "学校に突然行く", "0570-078374"], ["766条", "履行勧告", "制限されたり"]),
    (["離婚した後", "ある・言われている", "10歳くらいより上", "嫌がっていると言われた", "調停調書・審判がある"],
     ["766条", "履行勧告", "間接強制", "平成25年3月28日", "3万円〜10万円", "20万円", "制限されたり",
      "はっきり嫌がっている"], ["817条の13", "親子交流調停：", "調査官"]),
    (["離婚した後", "ない", "10歳くらいまで", "嫌がっていると言われた", "当事者間の約束がある"],
     ["調査官", "親子交流調停"], ["間接強制"]),
]


@pytest.mark.parametrize(("said", "present", "absent"), CASES)
def test_visitation_paths(said: list[str], present: list[str], absent: list[str]) -> None:
    card = walk_to_card(ENGINE, "子供に会えない", *said)
    assert_card(card, present, absent)


def test_english() -> None:
    card = walk_to_card(ENGINE, "子供に会えない", "Separated", "No", "Up to about 10", "No, or not sure", "Nothing yet",
                        lang="en")
    assert "817-13" in card and "¥1,200" in card and "general information" in card


def test_pinned() -> None:
    f = ENGINE.facts
    assert f["visit.fee"] == 1200 and f["visit.postage"] == {"low": 1000, "high": 1200}
    assert f["visit.indirect"] == {"low": 30000, "high": 100000} and f["visit.indirect_max_seen"] == 200000
    assert f["visit.reform_date"] == "2026-04-01"
