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
     ["1,000,000円〜3,000,000円", "500,000円〜5,000,000円", "2028-03-01まで（今日からあと463日）",
      "1,000,000円なら5,000円", "3,000,000円なら13,000円", "2025-10-01", "平成8年3月26日", "離婚から6か月",
      "1,200円"], ["残り6か月を切って", "過ぎている"]),
    (["不倫", "離婚はしない", "令和5年6月1日"],
     ["500,000円〜1,000,000円", "2026-06-01", "過ぎている可能性"], ["今日からあと"]),
    (["不倫", "もう離婚した", "2024/1/10"], ["2027-01-10まで（今日からあと47日）", "残り6か月を切って"], []),
    (["DV", "もう離婚した", "2024/6/1"], ["500,000円〜3,000,000円", "2027-06-01まで", "診断書"], ["平成8年"]),
    (["DV", "これから離婚する"], ["離婚から3年が目安", "離婚した日がわかれば"], ["今日からあと"]),
    (["生活費を渡さない等", "離婚はしない"], ["500,000円〜3,000,000円", "500,000円〜5,000,000円"], []),
    (["セックスレス", "もう離婚した", "2026年10月"], ["0円〜1,000,000円", "2029-10-01", "記録"], []),
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
    assert "¥1,000,000 to ¥3,000,000" in card and "2028-03-01" in card and "notarial deed" in card
