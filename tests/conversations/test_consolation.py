"""The consolation flow: bands with their spread, notary fees, and deadlines computed from typed dates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.settings import Settings
from bot.wiring import build_engine
from tests.harness import assert_card, walk_to_card

ENGINE = build_engine(Settings())
AT = datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()  # "today" for these turns


CASES = [
    (["浮気", "これから離婚する", "2025/3/1"],
     ["離婚に至った（至る）場合", "100万円〜300万円", "500万円までとする事務所",
      "2028年3月1日まで（知った日から3年、今日からあと463日）",
      "100万円なら5,000円", "300万円なら1万3,000円", "2025年10月1日", "平成8年3月26日", "離婚から6か月",
      "1,200円"], ["離婚に至らない", "残り6か月を切って", "過ぎている"]),
    (["不倫", "離婚はしない", "令和5年6月1日"],
     ["離婚に至らない場合", "50万円〜100万円", "2026年6月1日", "過ぎている可能性"],
     ["今日からあと", "離婚に至った（至る）"]),
    # divorced: the partner's deadline (3 years from learning) and the divorce's own (3 years from the divorce)
    (["不倫", "もう離婚した", "2024/1/10", "2025/1/10"],
     ["2027年1月10日まで（知った日から3年、今日からあと47日）", "残り6か月を切って", "離婚に至った（至る）場合",
      "離婚そのものの慰謝料（配偶者への請求）は2028年1月10日まで（離婚から3年"], ["離婚に至らない"]),
    # the review's example: DV, divorced 2023-06-01. The divorce's 3 years have run; the injury's 5 may not have.
    (["DV", "もう離婚した", "2023/6/1", "わからない"],
     ["50万円〜300万円", "目安の期限（2026年6月1日、離婚から3年）を過ぎている可能性", "別に5年の期限",
      "民法724条の2", "民法159条", "被害と相手を知った時から5年"], ["2026年6月1日まで"]),
    (["DV", "もう離婚した", "2023/6/1", "2023/5/20"],
     ["過ぎている可能性", "暴力によるけが・心身の被害の賠償は2028年5月20日まで（今日からあと"], ["も、目安の期限"]),
    # 民法159条: 5 years from the harm end 2026-03-01, but not before 6 months after the divorce
    (["DV", "もう離婚した", "2026/9/1", "2021/3/1"],
     ["2029年9月1日まで", "賠償は2027年3月1日まで", "残り6か月を切って"], ["過ぎている"]),
    (["DV", "もう離婚した", "2021/1/10", "2020/12/1"],
     ["目安の期限（2024年1月10日、離婚から3年）", "賠償も、目安の期限（2025年12月1日）を過ぎている可能性"],
     ["まで（今日から"]),
    (["DV", "これから離婚する"], ["離婚から3年が目安", "離婚した日がわかれば", "被害と相手を知った時から5年"],
     ["今日からあと"]),
    (["生活費を渡さない等", "離婚はしない"], ["50万円〜300万円", "50万円〜500万円"], ["民法724条の2"]),
    (["セックスレス", "もう離婚した", "2026年10月"], ["0円〜100万円", "2029年10月1日", "記録", "100万円なら5,000円"],
     ["0円なら"]),
    (["性格の不一致だけ"], ["認められないのが一般的"], ["円〜", "公正証書", "時効"]),
]


@pytest.mark.parametrize(("said", "present", "absent"), CASES)
def test_consolation_paths(said: list[str], present: list[str], absent: list[str]) -> None:
    card = walk_to_card(ENGINE, "慰謝料", *said, at=AT)
    assert_card(card, present, absent)


def test_a_future_date_is_reasked() -> None:
    s = Session(fresh=False)
    for text in ["慰謝料", "浮気", "これから離婚する"]:
        ENGINE.step(s, Incoming("text", text, at=AT))
    reply = ENGINE.step(s, Incoming("text", "2027/1/1", at=AT))
    assert "今日より後" in reply.messages[0].text and s.state == "learned"


def test_pinned_bands() -> None:
    facts = ENGINE.facts
    assert facts["isha.affair.no_divorce"] == [500_000, 1_000_000]
    assert facts["isha.affair.divorce"] == [1_000_000, 3_000_000]
    assert facts["isha.affair.widest"] == [500_000, 5_000_000]
    assert facts["isha.dv.band"] == [500_000, 3_000_000] and facts["isha.dv.widest"] == [500_000, 5_000_000]
    assert facts["isha.desertion.band"] == [500_000, 3_000_000]
    assert facts["isha.sexless.band"] == [0, 1_000_000]


def test_through_line_in_english(new_chat) -> None:  # noqa: ANN001
    chat = new_chat(40)
    chat.say("consolation money")
    chat.tap("Affair")
    chat.tap("Going to divorce")
    card = chat.say("2025-03-01").text
    assert "¥1,000,000 to ¥3,000,000" in card and "1 March 2028" in card and "notarial deed" in card
    assert "2028-03-01" not in card


def test_the_sexless_card_states_its_range_once() -> None:
    card = walk_to_card(ENGINE, "慰謝料", "セックスレス", "離婚はしない", at=AT)
    assert card.count("0円〜100万円") == 1


def test_the_dv_limits_pinned_in_the_calculator() -> None:
    from bot.legal.registry import consolation

    out = consolation({"ground": "dv", "divorce": "divorced", "divorce_date": "2023-06-01",
                       "harm_date": "2022-01-01"}, ENGINE.facts, datetime(2026, 11, 24).date())
    assert out["last_day"] == "2026-06-01" and out["expired"]  # the divorce itself: 3 years
    assert out["body_last_day"] == "2027-01-01" and not out["body_expired"]  # the injury: 5 years
