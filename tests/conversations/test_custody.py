"""The 2026 custody flow: which rules apply by the divorce date, statutory support, DV → sole custody."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.legal.custody import custody_rules
from bot.settings import Settings
from bot.wiring import build_engine
from tests.harness import assert_card, walk_to_card

ENGINE = build_engine(Settings())
AT = datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()


@pytest.mark.parametrize(
    ("divorce", "kind", "agreed", "dv", "outcome", "statutory", "sole"),
    [
        (date(2026, 3, 31), "agreement", False, False, "old_rules", False, False),
        (date(2026, 4, 1), "agreement", False, False, "new_rules", True, False),
        (date(2026, 4, 1), "agreement", True, False, "new_rules", False, False),
        (date(2026, 5, 1), "court", False, True, "new_rules", False, True),
        (None, "agreement", False, True, "new_rules", True, True),
        (date(2020, 1, 1), "agreement", False, True, "old_rules", False, True),  # 819条7項 binds 親権者変更 too
    ],
)
def test_rules_by_date(divorce, kind, agreed, dv, outcome, statutory, sole) -> None:  # noqa: ANN001
    r = custody_rules(divorce, kind, agreed, dv)
    assert (r.outcome, r.statutory_support, r.sole_required) == (outcome, statutory, sole)


CASES = [
    (["離婚した", "2026/4/1", "話し合い（協議離婚）", "取り決めていない", "ない"],
     ["新しいルール", "共同親権か単独親権", "法定養育費", "月2万円", "8万円"], ["819条7項", "共同親権にするよう"]),
    (["離婚した", "2026/3/31", "話し合い（協議離婚）", "取り決めていない", "ない"],
     ["共同親権にするよう求められるようになりました", "取り決めがない場合のしくみ", "子ども1人につき月2万円"],
     ["8万円", "新しいルール", "制度が変わったあと", "819条7項"]),
    (["まだ・これから", "調停・審判・裁判", "取り決めがある", "ある"],
     ["819条7項", "公正証書", "0120-279-889"], ["法定養育費」として"]),
]


@pytest.mark.parametrize(("said", "present", "absent"), CASES)
def test_custody_paths(said: list[str], present: list[str], absent: list[str]) -> None:
    card = walk_to_card(ENGINE, "共同親権", *said, at=AT)
    assert_card(card, present, absent)


def test_pinned() -> None:
    f = ENGINE.facts
    assert f["support.statutory"] == 20000 and f["support.lien"] == 80000 and f["custody.reform_date"] == "2026-04-01"
