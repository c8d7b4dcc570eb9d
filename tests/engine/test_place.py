"""Where the person lives, through the engine: asked once when a card recommends a window with a local office,
answered in words or declined, changed with 地域変更; the local windows first with their real hours."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.engine.inputs import Incoming
from bot.engine.replies import Card, Reply
from bot.engine.session import Session
from bot.settings import Settings
from bot.wiring import build_engine

ROOT = Path(__file__).resolve().parents[2]
ENGINE = build_engine(Settings())
TZ = ZoneInfo("Asia/Tokyo")
VISITATION = ["子供に会えない", "別居中", "ない", "10歳くらいまで", "いいえ・わからない", "何も決まっていない"]
VISITATION_EN = ["I can't see my child", "Separated", "No", "Up to about 10", "No, or not sure", "Nothing yet"]
ASK = "お住まいの都道府県を教えてください"
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=TZ).timestamp()


def step(engine, s: Session, text: str, at: float = TUESDAY_10, kind: str = "text") -> Reply:  # noqa: ANN001
    return engine.step(s, Incoming(kind, text, at=at))


def said(reply: Reply) -> str:
    parts = []
    for m in reply.messages:
        parts += [m.title, *(f"{h}\n{b}" for h, b in m.sections)] if isinstance(m, Card) else [m.text]
    return "\n".join(parts)


def to_card(engine, s: Session, answers: list[str], at: float = TUESDAY_10) -> Reply:  # noqa: ANN001
    reply = Reply()
    for text in answers:
        reply = step(engine, s, text, at)
    assert isinstance(reply.messages[-1], Card)
    return reply


def test_a_card_with_a_local_office_asks_once_and_osaka_then_comes_first() -> None:
    s = Session(fresh=False)
    card = to_card(ENGINE, s, VISITATION)
    assert ASK in said(card) and card.choices[0].label == "答えたくない"
    answered = step(ENGINE, s, "大阪に住んでます")
    text = said(answered)
    assert (s.place, s.city) == ("27", "")
    order = [text.index(n) for n in ("法テラス大阪", "大阪弁護士会 総合法律相談センター", "法テラス・サポートダイヤル")]
    assert order == sorted(order)
    assert "弁護士会の法律相談センター：" not in text  # the national entry gives way to the local centre
    assert "受付時間は窓口にご確認ください" in text  # no hours sourced: never "open now"
    again = to_card(ENGINE, s, ["メニュー", *VISITATION])
    assert ASK not in said(again)  # answered: never asked again
    where_to_ask = said(again)
    assert where_to_ask.index("法テラス大阪") < where_to_ask.index("法テラス・サポートダイヤル")


def test_declined_means_national_windows_only_and_no_second_question() -> None:
    s = Session(fresh=False)
    to_card(ENGINE, s, VISITATION)
    declined = step(ENGINE, s, "cmd:place_decline", kind="postback")
    assert s.place == "-" and "全国の窓口" in said(declined)
    card = said(to_card(ENGINE, s, ["メニュー", *VISITATION]))
    assert ASK not in card and "法テラス大阪" not in card and "弁護士会の法律相談センター" in card


def test_declined_in_words_too() -> None:
    s = Session(fresh=False)
    to_card(ENGINE, s, VISITATION)
    step(ENGINE, s, "答えたくない")
    assert s.place == "-"


def test_ignored_question_is_not_asked_again() -> None:
    s = Session(fresh=False)
    to_card(ENGINE, s, VISITATION)
    assert ASK not in said(to_card(ENGINE, s, ["メニュー", *VISITATION]))
    assert s.place == "" and s.place_asked


def test_a_municipality_later_and_a_move() -> None:
    s = Session(fresh=False)
    to_card(ENGINE, s, VISITATION)
    step(ENGINE, s, "東京の八王子")
    assert (s.place, s.city) == ("13", "八王子市")
    assert "法テラス（東京都）の事務所" in said(step(ENGINE, s, "相談先"))
    asked = step(ENGINE, s, "引っ越した")
    assert ASK in said(asked) and (s.place, s.city) == ("", "")
    step(ENGINE, s, "大阪市北区")
    assert (s.place, s.city) == ("27", "大阪市北区")


def test_a_short_statement_anywhere_is_understood_and_the_question_is_asked_again() -> None:
    s = Session(fresh=False)
    step(ENGINE, s, "子供に会えない")
    reply = step(ENGINE, s, "横浜に住んでいます")
    assert (s.place, s.city) == ("14", "横浜市") and "神奈川県横浜市ですね" in said(reply)
    assert "いまの状況" in said(reply) and "読み取れません" not in said(reply)  # the question it was at, again


def test_a_place_told_in_english_mid_question_asks_the_question_again_without_an_apology() -> None:
    s = Session(fresh=False, lang="en")
    step(ENGINE, s, "My wife had an affair")
    asked = said(step(ENGINE, s, "I live in Osaka"))
    assert s.place == "27" and "Osaka" in asked and "could not read" not in asked
    assert s.flow == "affair_separation"


def test_a_place_with_a_question_is_remembered_and_the_question_still_answered() -> None:
    """While the place question is open at the menu: 「大阪で離婚の相談がしたい」 gives both, not only the place."""
    s = Session(fresh=False)
    step(ENGINE, s, "相談先")  # asks
    reply = said(step(ENGINE, s, "大阪で離婚の相談がしたい"))
    assert s.place == "27" and "大阪府ですね" in reply
    # the rest of the message is routed too: to 法テラス's topic, or a question naming it beside a close second
    assert s.flow == "legal_aid" or (s.flow == "menu" and "弁護士費用が心配のことですか" in reply)


def test_the_place_survives_a_restart_and_goes_with_erasure() -> None:
    s = Session(fresh=False, place="27", city="大阪市", place_asked=True)
    s.restart()
    assert (s.place, s.city, s.place_asked) == ("27", "大阪市", True)
    step(ENGINE, s, "データ削除")
    erased = step(ENGINE, s, "はい")
    assert erased.erase  # the whole session is deleted after sending


def test_english() -> None:
    s = Session(fresh=False, lang="en")
    card = to_card(ENGINE, s, VISITATION_EN)
    assert "Which prefecture do you live in?" in said(card) and card.choices[0].label == "Rather not say"
    text = said(step(ENGINE, s, "I live in Osaka"))
    assert "Osaka: thank you" in text
    assert text.index("Houterasu Osaka") < text.index("Osaka Bar Association legal consultation center")


def test_dv_navi_says_it_routes_by_location_for_their_prefecture() -> None:
    """No invented centre numbers: #8008 connects to the centre near where the person calls from."""
    s = Session(fresh=False, place="27", place_asked=True, answers={"dv_victim": True})
    text = said(step(ENGINE, s, "相談先"))
    assert "DV相談ナビ #8008" in text and "大阪府の配偶者暴力相談支援センターへは#8008から" in text
    unknown = said(step(ENGINE, Session(fresh=False, answers={"dv_victim": True}), "相談先"))
    assert "配偶者暴力相談支援センターへは#8008から" not in unknown and ASK in unknown  # and asked, once


# ── hours, with a timetable: test data in a copy of the content, not the real office's ──
@pytest.fixture(scope="module")
def timed(tmp_path_factory):  # noqa: ANN001, ANN201
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(ROOT / "flows", content / "flows")
    shutil.copytree(ROOT / "locales", content / "locales")
    path = content / "flows" / "places" / "local_windows.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["prefectures"]["27"]["houterasu"].update(
        phone="0570-000-000", hours={d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")},
        closed_on_holidays=True)  # TEST DATA: a made-up timetable and number
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return build_engine(replace(Settings(), flows_dir=content / "flows", locales_dir=content / "locales"))


@pytest.mark.parametrize(
    ("when", "status"),
    [
        ("2026-11-24 10:00", "法テラス大阪 0570-000-000（平日 9:00〜17:00）：いま受付中（17:00まで）"),
        ("2026-11-24 17:00", "法テラス大阪 0570-000-000（平日 9:00〜17:00）：受付は水曜 9:00から"),
        ("2026-11-28 12:00", "受付は月曜 9:00から"),  # Saturday
        ("2026-11-23 12:00", "受付は火曜 9:00から"),  # 勤労感謝の日
    ],
)
def test_local_hours_open_and_closed(timed, when: str, status: str) -> None:  # noqa: ANN001
    at = datetime.fromisoformat(when).replace(tzinfo=TZ).timestamp()
    s = Session(fresh=False, place="27", place_asked=True)
    card = to_card(timed, s, VISITATION, at)
    assert status in said(card)
    open_now = when == "2026-11-24 10:00"
    assert any(c.uri == "tel:0570000000" for c in card.choices) is open_now  # a call button only while open


HIROSHIMA_LINE = "親子のための相談LINE（広島市）（平日 12:00〜22:00）："


@pytest.mark.parametrize(
    ("when", "status"),
    [
        ("2026-11-24 13:00", "いま受付中（22:00まで）"),
        ("2026-11-24 10:00", "受付は今日 12:00から"),
        ("2026-08-06 13:00", "受付は金曜 12:00から"),  # the city's own closed day (a Thursday)
        ("2026-11-23 13:00", "受付は火曜 12:00から"),  # 勤労感謝の日
    ],
)
def test_a_municipal_line_consultation_for_its_residents_with_its_hours(when: str, status: str) -> None:
    at = datetime.fromisoformat(when).replace(tzinfo=TZ).timestamp()
    s = Session(fresh=False, place="34", city="広島市中区", place_asked=True)  # a ward of 広島市
    assert HIROSHIMA_LINE + status in said(to_card(ENGINE, s, VISITATION, at))


def test_a_municipal_line_is_not_offered_to_the_next_town_nor_on_unrelated_cards() -> None:
    kure = Session(fresh=False, place="34", city="呉市", place_asked=True)
    assert "相談LINE" not in said(to_card(ENGINE, kure, VISITATION))
    hiroshima = Session(fresh=False, place="34", city="広島市", place_asked=True)
    assert "相談LINE" not in said(step(ENGINE, hiroshima, "相談先"))  # at the menu: everyday questions only
