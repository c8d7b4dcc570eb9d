"""The protection-order flow: eligibility on a table, and every path through the webhook."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.legal.protection_order import OrderAnswers, assess_order
from tests import line_events as ev

FACTS = yaml.safe_load((Path(__file__).parents[2] / "flows" / "facts.yaml").read_text(encoding="utf-8"))

TABLE = [  # relationship, harm, continuing, shares_home, children → outcome, leave_home, child orders, consent
    ("married", "physical", False, True, "none", "dv_act", True, False, False),
    ("married", "physical", False, False, "none", "dv_act", False, False, False),
    ("married", "threat_life_body", False, True, "under_15", "dv_act", True, True, False),
    ("married", "threat_freedom", False, True, "over_15", "dv_act", False, True, True),  # leave-home: body/life only
    ("de_facto", "physical", False, True, "both", "dv_act", True, True, True),
    ("cohabiting", "threat_freedom", False, False, "none", "dv_act", False, False, False),
    ("former", "physical", True, False, "under_15", "dv_act", False, True, False),
    ("former", "physical", False, False, "none", "former_not_continuing", False, False, False),
    ("never_cohabited", "physical", False, False, "none", "stalker_act", False, False, False),
    ("married", "other", False, True, "none", "harm_not_covered", False, False, False),
]


@pytest.mark.parametrize(("rel", "harm", "cont", "home", "kids", "outcome", "leave", "child", "consent"), TABLE)
def test_eligibility(rel, harm, cont, home, kids, outcome, leave, child, consent) -> None:  # noqa: ANN001
    out = assess_order(OrderAnswers(rel, harm, cont, home, kids))
    assert (out.outcome, out.leave_home, out.child_orders, out.child_consent) == (outcome, leave, child, consent)
    assert ("leave_home" in out.orders) == leave
    if outcome == "dv_act":
        assert out.orders[:2] == ("approach", "contact")


def test_unknown_answers_raise() -> None:
    with pytest.raises(ValueError):
        assess_order(OrderAnswers("neighbour", "physical", False, False))  # type: ignore[arg-type]


PINNED = {"dv.fee": 1000, "dv.postage_tokyo": 2500, "dv.period.approach_years": 1,
          "dv.period.leave_home_months": 2, "dv.period.leave_home_extended_months": 6, "dv.child.consent_age": 15,
          "dv.penalty.years": 2, "dv.penalty.fine": 2000000, "dv.grounds_since": "2024-04-01",
          "dv.trackers_since": "2025-12-30", "window.police_consult.phone": "#9110",
          "dv.court": {"ja": "地方裁判所", "en": "district court"}}


@pytest.mark.parametrize(("fact_id", "value"), sorted(PINNED.items()))
def test_facts_pinned_to_content(fact_id: str, value: object) -> None:
    assert FACTS[fact_id]["value"] == value


def start(chat, danger: str = "いまは大丈夫") -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    assert "身の危険" in chat.tap("DV・保護命令").text
    chat.tap(danger)


PATHS = [  # taps after "danger now? no" → phrases in the card, phrases not in it
    (["夫・妻", "はい、同居している", "身体への暴力", "15歳以上の子がいる", "電話だけ"],
     ["接近禁止命令", "退去等命令", "2か月", "15歳以上", "宣誓供述書", "地方裁判所", "1,000円", "約2,500円",
      "2年以下の拘禁刑", "200万円以下の罰金", "DV相談＋（プラス） 0120-279-889", "#9110"],
     ["ストーカー規制法による警告"]),
    (["事実婚の相手", "いいえ、別に住んでいる", "自由・名誉・財産への脅し", "いない", "はい、出向いて相談した"],
     ["接近禁止命令", "相談は済んでいます", "2024年4月1日"], ["退去等命令", "子への接近禁止命令・", "宣誓供述書"]),
    (["同居したことのない相手", "身体への暴力", "いない", "まだしていない"],
     ["ストーカー規制法", "2025年12月30日", "#8008"], ["接近禁止命令"]),
    (["元の配偶者・元の同居相手", "別れた後に始まった", "命や体への脅し", "いない", "まだしていない"],
     ["別れた後に始まった暴力", "ストーカー規制法"], ["退去等命令"]),
    (["元の配偶者・元の同居相手", "はい、続いている", "命や体への脅し", "15歳未満の子がいる", "まだしていない"],
     ["接近禁止命令", "子への接近禁止命令・電話等禁止命令"], ["退去等命令", "同意が必要"]),
    (["同居している交際相手", "はい、同居している", "それ以外（暴言など）", "いない", "電話だけ"],
     ["生活費を渡さないといった締め付けだけ", "2024年4月1日から対象"], ["接近禁止命令"]),
]


@pytest.mark.parametrize(("taps", "present", "absent"), PATHS)
def test_paths(chat, taps: list[str], present: list[str], absent: list[str]) -> None:  # noqa: ANN001
    start(chat)
    for label in taps:
        chat.tap(label)
    card = chat.last.text
    assert "一般的な情報" in card
    for phrase in present:
        assert phrase in card, phrase
    for phrase in absent:
        assert phrase not in card, phrase
    assert "弁護士費用が心配" in chat.last.labels  # every result links the means test


def test_danger_now_gets_the_emergency_contacts_first(chat) -> None:  # noqa: ANN001
    start(chat, danger="はい、危ない")
    first = chat.last.texts[0]
    assert "110" in first and "0120-279-889" in first
    assert "どんな関係" in chat.last.texts[-1]


def test_english_path(new_chat) -> None:  # noqa: ANN001
    chat = new_chat(30)
    chat.say("domestic violence")
    for label in ["Not right now", "Husband or wife", "Yes, we do", "Physical violence", "No", "Not yet"]:
        chat.tap(label)
    card = chat.last.text
    assert "approach ban" in card and "district court" in card and "¥1,000" in card and "sworn" in card
