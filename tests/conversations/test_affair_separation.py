"""The affair-during-separation flow: the breakdown leaning from all three sides, bands, deadline."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.legal.breakdown import BreakdownAnswers, assess_breakdown
from bot.settings import Settings
from bot.wiring import build_engine
from tests.harness import walk_to_card

ENGINE = build_engine(Settings())
AT = datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()


@pytest.mark.parametrize(
    ("after", "for_divorce", "in_progress", "little", "long", "outcome"),
    [
        (False, True, True, True, True, "before_separation"),
        (True, False, True, True, True, "not_broken"),  # a work or care separation is not a breakdown
        (True, True, False, False, False, "not_broken"),
        (True, True, True, False, False, "grey"),
        (True, True, False, True, False, "grey"),
        (True, True, True, True, False, "leans_broken"),
        (True, True, True, True, True, "leans_broken"),
    ],
)
def test_breakdown_leaning(after, for_divorce, in_progress, little, long, outcome) -> None:  # noqa: ANN001
    assert assess_breakdown(BreakdownAnswers(after, for_divorce, in_progress, little, long)).outcome == outcome


CASES = [
    (["配偶者に不倫された", "別居する前から", "離婚はしない", "2025/3/1"],
     ["責任が生じるのが一般的", "平成8年3月26日", "離婚に至らない場合", "50万円〜100万円", "2028年3月1日まで",
      "証拠を保存"], ["平成31年", "離婚に至った（至る）"]),
    (["不倫相手として請求された", "別居した後", "離婚を前提に別居", "進んでいた", "ほとんどなかった", "1年以上",
      "もう離婚した", "2025/5/1", "わからない"],
     ["否定されることがあります", "平成31年2月19日", "離婚に至った（至る）場合", "100万円〜300万円", "知った日から3年",
      "無視", "2028年5月1日まで（離婚から3年"],
     ["離婚に至らない"]),
    (["自分が不倫し請求された", "別居した後", "単身赴任・介護など", "進んでいなかった", "あった", "1年未満",
      "離婚はしない", "2023/1/5"],
     ["見られにくい可能性", "過ぎている可能性"], ["証拠を保存"]),
    (["配偶者に不倫された", "別居した後", "離婚を前提に別居", "進んでいた", "あった", "1年未満",
      "これから離婚する", "2024/5/1"],
     ["判断が分かれやすい", "残り6か月を切って"], []),
]


@pytest.mark.parametrize(("said", "present", "absent"), CASES)
def test_affair_separation_paths(said: list[str], present: list[str], absent: list[str]) -> None:
    card = walk_to_card(ENGINE, "浮気", *said, at=AT)
    assert "一般的な情報" in card
    assert "大丈夫」とは限らず" in card  # never "separated means safe"
    for phrase in present:
        assert phrase in card, phrase
    for phrase in absent:
        assert phrase not in card, phrase


def test_english_from_the_partner_side(new_chat) -> None:  # noqa: ANN001
    chat = new_chat(50)
    chat.say("affair")
    for label in ["I am the partner", "Before separating", "Not divorcing"]:
        chat.tap(label)
    card = chat.tap("Don't know").text
    assert "19 February 2019" in card and "3 years from learning" in card
