"""Which windows a person is sent to, in which order (recommend), and the "Where to ask" part of result cards."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.directory.recommend import recommend
from bot.directory.windows import EMERGENCIES, URGENCIES, load_windows
from bot.engine.inputs import Incoming
from bot.engine.referral import URGENCY_OF_DANGER
from bot.engine.replies import Card, Reply
from bot.engine.session import Session
from bot.language.danger import CATEGORIES
from bot.settings import Settings
from bot.wiring import build_engine
from tests.harness import walk_to_card

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = load_windows(ROOT / "flows" / "windows.yaml")
ENGINE = build_engine(Settings())
TZ = ZoneInfo("Asia/Tokyo")
TUESDAY_10, TUESDAY_22, SUNDAY_3 = "2026-11-24 10:00", "2026-11-24 22:00", "2026-11-29 03:00"
VISITATION = ["子供に会えない", "別居中", "ない", "10歳くらいまで", "いいえ・わからない", "何も決まっていない"]
LEGAL_AID = ["法テラス", "配偶者はいない", "1", "それ以外・わからない", "182000", "0", "0", "いいえ"]  # within limits


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
        ("custody_2026", ("sexual_violence",), None, TUESDAY_10,
         ["police", "onestop", "houterasu", "bar", "municipal"]),
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


def test_every_danger_category_has_windows() -> None:
    assert set(CATEGORIES) <= set(URGENCY_OF_DANGER)  # sexual_violence may come before its detection
    for urgency in URGENCY_OF_DANGER.values():
        assert any(urgency in w.urgencies and w.always_open for w in WINDOWS.values()), urgency


# ── the section on result cards ──────────────────────────────────────────────


def reply_for(start: str, *said: str, when: str, lang: str = "ja") -> Reply:
    s = Session(fresh=False, lang=lang)
    reply = ENGINE.step(s, Incoming("text", start, at=at(when).timestamp()))
    for text in said:
        reply = ENGINE.step(s, Incoming("text", text, at=at(when).timestamp()))
    assert isinstance(reply.messages[-1], Card), reply
    return reply


def where_to_ask(reply: Reply) -> str:
    card = reply.messages[-1]
    assert isinstance(card, Card)
    bodies = [body for heading, body in card.sections if heading in ("相談先", "Where to ask")]
    assert len(bodies) == 1, card.sections
    return bodies[0]


HOUTERASU = "・法テラス・サポートダイヤル 0570-078374（平日 9:00〜21:00、土曜 9:00〜17:00）："


@pytest.mark.parametrize(
    ("when", "status"),
    [
        ("2026-11-24 20:59", "いま受付中（21:00まで）"),
        ("2026-11-24 21:00", "受付は水曜 9:00から"),
        ("2026-11-28 17:00", "受付は月曜 9:00から"),  # Saturday closing
        ("2026-11-29 12:00", "受付は月曜 9:00から"),  # Sunday
        ("2026-11-23 12:00", "受付は火曜 9:00から"),  # a national holiday (Monday)
        ("2026-05-06 12:00", "受付は木曜 9:00から"),  # a substitute holiday
        ("2026-12-31 12:00", "受付は月曜 9:00から"),  # New Year closure, through 1/3
        ("2027-01-04 09:00", "いま受付中（21:00まで）"),
    ],
)
def test_visitation_card_says_when_houterasu_answers(when: str, status: str) -> None:
    card = walk_to_card(ENGINE, *VISITATION, at=at(when).timestamp())
    assert HOUTERASU + status in card
    assert card.count("0570-078374") == 1  # the section is the one place a card lists the dial
    assert "無料法律相談には収入と資産の基準があります" in card  # means test not taken yet


@pytest.mark.parametrize(
    ("when", "lang", "line"),
    [
        ("2026-11-24 10:00", "ja", "いま受付中（21:00まで）"),
        ("2026-11-24 07:00", "ja", "受付は今日 9:00から"),
        ("2026-12-31 10:00", "en", "- Houterasu support dial 0570-078374 (weekdays 9:00–21:00, Saturday 9:00–17:00): "
                                   "opens Monday 9:00"),
        ("2026-11-28 10:00", "en", "open now (until 17:00)"),
    ],
)
def test_legal_aid_card_lists_houterasu_once_with_its_hours(when: str, lang: str, line: str) -> None:
    reply = reply_for(*LEGAL_AID, when=when, lang=lang)
    section = where_to_ask(reply)
    assert line in section
    card = reply.messages[-1]
    assert isinstance(card, Card)
    assert sum(body.count("0570-078374") for _, body in card.sections) == 1
    assert "基準があります" not in section and "income and assets limit" not in section  # the card just said


def test_over_the_limits_the_lawyers_come_before_houterasu() -> None:
    section = where_to_ask(reply_for(*LEGAL_AID[:4], "50万", "0", "0", "いいえ", when=TUESDAY_10))
    assert section.index("弁護士会") < section.index("市区町村") < section.index("法テラス")


def test_a_dv_victim_over_the_limits_still_gets_houterasu_first() -> None:
    section = where_to_ask(reply_for(*LEGAL_AID[:4], "50万", "0", "0", "はい", when=TUESDAY_10))
    assert section.startswith("・法テラス")
    assert "収入にかかわらず" in section and "DV相談＋（プラス） 0120-279-889：24時間受付" in section


def test_danger_typed_mid_flow_puts_the_emergency_lines_first() -> None:
    said = [*VISITATION[:2], "さっき殴られた", *VISITATION[2:]]
    section = where_to_ask(reply_for(*said, when=SUNDAY_3))
    lines = [line for line in section.splitlines() if line.startswith("・")]
    assert lines[:2] == ["・警察（緊急） 110：24時間受付", "・DV相談＋（プラス） 0120-279-889：24時間受付"]
    assert "法テラス" in lines[-1] and "受付は月曜 9:00から" in lines[-1]


def test_suicidal_words_bring_the_lifelines_with_their_own_hours() -> None:
    said = [*VISITATION[:2], "もう死にたい", *VISITATION[2:]]
    section = where_to_ask(reply_for(*said, when="2026-11-24 21:30"))
    lines = [line for line in section.splitlines() if line.startswith("・")]
    assert lines[0] == "・よりそいホットライン 0120-279-338：24時間受付"
    assert lines[1] == "・いのちの電話 0570-783-556（毎日 10:00〜22:00）：いま受付中（22:00まで）"
    assert lines[2] == "・いのちの電話 0120-783-556（毎日 16:00〜21:00）：受付は水曜 16:00から"


def test_protection_order_card_when_the_person_said_danger_now() -> None:
    reply = reply_for("DV", "はい、危ない", "夫・妻", "はい、同居している", "身体への暴力", "いない", "まだしていない",
                      when=TUESDAY_22)
    section = where_to_ask(reply)
    assert section.startswith("・警察（緊急） 110：24時間受付\n　いま危険があるとき")
    assert "・警察相談専用電話 #9110（平日 8:30〜17:15ごろ）：受付は水曜 8:30ごろから" in section
    assert "・DV相談ナビ #8008：受付時間は地域で違います" in section
    assert "外国語でも相談できます（チャット・メール）" in section
    calls = [c for c in reply.choices if c.uri]
    assert [(c.label, c.uri) for c in calls] == [("110に電話", "tel:110"), ("DV相談＋に電話", "tel:0120279889")]
    assert [c.label for c in reply.choices][-3:] == ["メニュー", "人と話したい", "とじる"]  # quick exit stays


@pytest.mark.parametrize(("when", "expected"), [(TUESDAY_10, ["tel:0570078374"]), (TUESDAY_22, [])])
def test_call_buttons_only_for_windows_that_answer_now(when: str, expected: list[str]) -> None:
    reply = reply_for(*VISITATION, when=when)
    assert [c.uri for c in reply.choices if c.uri] == expected  # the local offices have no number to call


def test_custody_with_dv_risk_adds_the_dv_lines() -> None:
    said = ["共同親権", "まだ・これから", "話し合い（協議離婚）", "取り決めていない"]
    without = where_to_ask(reply_for(*said, "ない", when=TUESDAY_10))
    with_dv = where_to_ask(reply_for(*said, "ある", when=TUESDAY_10))
    assert "DV相談＋" not in without and "・DV相談＋（プラス） 0120-279-889：24時間受付" in with_dv
    assert with_dv.startswith("・法テラス")


def test_english_card() -> None:
    card = walk_to_card(ENGINE, "I can't see my child", "Separated", "No", "Up to about 10", "No, or not sure",
                        "Nothing yet", at=at("2026-11-24 22:00").timestamp(), lang="en")
    assert "Where to ask\n- Bar association legal consultation center: hours vary by area, check locally" in card
    assert ("- Houterasu support dial 0570-078374 (weekdays 9:00–21:00, Saturday 9:00–17:00): "
            "opens Wednesday 9:00") in card
    assert "closed on national holidays and 12/29–1/3" in card


def test_the_menus_emergency_card_is_left_as_it_is() -> None:
    """That card is itself the list of emergency lines: no second list under it, even after a danger word."""
    reply = reply_for("殴られた", "緊急", when=TUESDAY_10)
    card = reply.messages[-1]
    assert isinstance(card, Card) and not any(h == "相談先" for h, _ in card.sections)


ANSWERS = {"count": "2", "yen": "100000", "date": "2025/3/1", "text": "x"}


def test_every_result_card_stays_within_line_limits_at_any_hour() -> None:
    """Each flow's last-option path, in both languages, at a few hours: buttons ≤ 13, labels ≤ 20, text ≤ 5,000."""

    start = at("2026-11-24 00:30")
    for hours in (0, 9, 13, 21, 100):
        moment = (start + timedelta(hours=hours)).timestamp()
        for flow_id in [f for f in ENGINE.flows if f != "menu"]:
            for lang in ("ja", "en"):
                s = Session(flow="menu", state="start", fresh=False, lang=lang, answers={"danger": ["violence"]})
                reply = ENGINE.step(s, Incoming("postback", f"opt:menu.start.{flow_id}", at=moment))
                for _ in range(20):
                    node = ENGINE.flows[s.flow].nodes[s.state]
                    if node.kind == "result":
                        break
                    if node.kind == "input":
                        reply = ENGINE.step(s, Incoming("text", ANSWERS[node.format or "text"], at=moment))
                    else:
                        data = f"opt:{s.flow}.{node.name}.{node.options[-1].id}"
                        reply = ENGINE.step(s, Incoming("postback", data, at=moment))
                card = reply.messages[-1]
                assert isinstance(card, Card), (flow_id, lang)
                assert len(reply.choices) <= 13 and all(len(c.label) <= 20 for c in reply.choices)
                assert len(card.as_text()) <= 5000
                assert "110" in where_to_ask(reply)
