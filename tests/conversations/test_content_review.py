"""The November 2026 content review (issue #16): each corrected figure, rule and reply, pinned.

Bands and deadlines live in test_consolation / test_affair_separation / test_custody; here are the rest: the
area question, the danger replies' open-now buttons, the emergency card, sexual violence, the number and
date formatter, and `flows check` refusing numbers and dates written the way no Japanese reader writes them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content.texts import day, yen
from bot.engine.inputs import Incoming
from bot.engine.replies import Card, Reply
from bot.engine.safety_replies import danger_reply
from bot.engine.session import Session
from bot.engine.turn import Turn
from bot.review.check import style_problems
from bot.settings import Settings
from bot.wiring import build_engine
from tests.review.test_flows_check import copy_content, run_check

ENGINE = build_engine(Settings())
TZ = ZoneInfo("Asia/Tokyo")


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=TZ).timestamp()


# ── one formatter for money and dates ─────────────────────────────────────────
@pytest.mark.parametrize(("amount", "ja", "en"), [
    (2_000_000, "200万円", "¥2,000,000"), (474_900, "47万4,900円", "¥474,900"), (5_500, "5,500円", "¥5,500"),
    (0, "0円", "¥0"), (10_000, "1万円", "¥10,000"), (13_000, "1万3,000円", "¥13,000"),
    (100_000_000, "1億円", "¥100,000,000"), (123_450_000, "1億2,345万円", "¥123,450,000"),
])
def test_money_as_each_language_writes_it(amount: int, ja: str, en: str) -> None:
    assert (yen(amount, "ja"), yen(amount, "en")) == (ja, en)


def test_dates_as_each_language_writes_them() -> None:
    assert day("2026-04-01", "ja") == "2026年4月1日" and day(date(2026, 4, 1), "en") == "1 April 2026"


def test_a_placeholder_names_its_format() -> None:
    texts = ENGINE.texts
    facts = {"fine": 2_000_000, "since": "2026-04-01"}
    texts.by_lang["ja"]["t.x"] = "{fine|yen}以下、{since|date}から"
    texts.by_lang["en"]["t.x"] = "up to {fine|yen}, from {since|date}"
    try:
        assert texts.get("ja", "t.x", facts) == "200万円以下、2026年4月1日から"
        assert texts.get("en", "t.x", facts) == "up to ¥2,000,000, from 1 April 2026"
    finally:
        del texts.by_lang["ja"]["t.x"], texts.by_lang["en"]["t.x"]


@pytest.mark.parametrize(("raw", "found"), [
    ("2026-04-01から", "ISO way"), ("2,000,000円以下の罰金", "unformatted"), ("¥474,900", "unformatted"),
    ("{dv.penalty.fine}円以下", "without the formatter"), ("{custody.reform_date}から", "without the formatter"),
    ("{isha.last_day}まで", "without the formatter"), ("{dv.court.ja}へ", None), ("{dv.penalty.fine|yen}以下", None),
    ("2026年4月1日から、1,200円", None), ("13,000円", "unformatted"), ("1万3,000円", None),
])
def test_style_problems(raw: str, found: str | None) -> None:
    from bot.content.facts import load_facts

    problems = style_problems(raw, "ja", load_facts(Path("flows/facts.yaml")))
    assert (found in " ".join(problems)) if found else not problems, problems


def test_flows_check_fails_on_an_iso_date_or_raw_amount_in_japanese(capsys, tmp_path) -> None:  # noqa: ANN001
    flows, locales = copy_content(tmp_path)
    ja = (locales / "ja.yaml").read_text()
    ja = ja.replace("{dv.penalty.fine|yen}以下の罰金", "2,000,000円以下の罰金")
    ja = ja.replace("{dv.grounds_since|date}から", "2024-04-01から")
    (locales / "ja.yaml").write_text(ja)
    code, out = run_check(capsys, flows, locales)
    assert code == 1
    assert "'2,000,000円' unformatted" in out and "'2024-04-01' the ISO way" in out


def test_flows_check_refuses_a_call_button_label_line_would_refuse(capsys, tmp_path) -> None:  # noqa: ANN001
    flows, locales = copy_content(tmp_path)
    ja = (locales / "ja.yaml").read_text()
    too_long = "    dv_plus: DV相談＋（プラス）の24時間無料電話窓口に電話\n"
    (locales / "ja.yaml").write_text(ja.replace("    dv_plus: DV相談＋に電話\n", too_long))
    code, out = run_check(capsys, flows, locales)
    assert code == 1 and "call button 'windows.call_name.dv_plus' is over 20 characters" in out


def test_no_card_shows_an_iso_date_or_a_raw_amount() -> None:
    card = walk("共同親権", "離婚した", "2026/3/31", "話し合い（協議離婚）", "取り決めがある", "ある")
    text = "\n".join(b for _, b in card.sections)
    assert "2026年4月1日" in text and "2026-04-01" not in text and "80,000円" not in text


# ── 東京 is not the 23 wards (item 3) ─────────────────────────────────────────
def area_of(said: str) -> tuple[str, str]:
    s = Session(fresh=False)
    for text in ["法テラス", "配偶者はいない", "1"]:
        ENGINE.step(s, Incoming("text", text))
    reply = ENGINE.step(s, Incoming("text", said))
    return s.answers.get("area", ""), reply.messages[0].text if reply.messages else ""


@pytest.mark.parametrize(("said", "area"), [
    ("東京23区", "tokyo23"), ("世田谷区は23区", "tokyo23"), ("東京都八王子市", "large_city"),
    ("武蔵野市", "large_city"), ("川崎市", "large_city"), ("さいたま市", "large_city"), ("札幌市", "large_city"),
    ("福岡市", "large_city"), ("青森市", ""), ("東京", ""),
])
def test_the_area_question_understands_cities(said: str, area: str) -> None:
    assert area_of(said)[0] == area


def test_the_area_question_names_the_first_grade_cities_and_its_source() -> None:
    s = Session(fresh=False)
    for text in ["法テラス", "配偶者はいない"]:
        ENGINE.step(s, Incoming("text", text))
    question = ENGINE.step(s, Incoming("text", "1")).messages[-1].text
    assert "一級地" in question and "川崎市" in question and "札幌市" in question and "福岡市" in question
    from bot.content.facts import load_facts

    fact = load_facts(Path("flows/facts.yaml"))["hou.first_grade"]
    assert "級地区分" in fact.source and fact.confidence == "likely"


def test_a_hachioji_household_does_not_get_the_ward_rent_cap() -> None:
    s = Session(fresh=False)
    for text in ["法テラス", "配偶者はいない", "1", "東京都八王子市", "250000", "60000", "0", "いいえ"]:
        reply = ENGINE.step(s, Incoming("text", text))
    assert s.answers["means"]["rent_allowance"] == 41_000  # not the wards' 53,000
    assert s.answers["means"]["outcome"] == "over_income"  # 200,200 + 41,000 < 250,000
    assert isinstance(reply.messages[-1], Card)


def test_the_spouse_note_only_when_the_spouse_is_the_other_side() -> None:
    for said, shown in [("いいえ", False), ("はい、相手は配偶者", True)]:
        s = Session(fresh=False)
        ENGINE.step(s, Incoming("text", "法テラス"))
        question = ENGINE.step(s, Incoming("text", said)).messages[-1].text
        assert ("相談の相手である配偶者は数えません" in question) == shown
        assert "相手方の配偶者" not in question


# ── danger replies: buttons only for lines open now (item 5), sexual violence (item 6) ──
def danger(text: str, when: str) -> Reply:
    return ENGINE.step(Session(fresh=False), Incoming("text", text, at=at(when)))


def calls(reply: Reply) -> list[str]:
    return [c.uri for c in reply.choices if c.uri]


@pytest.mark.parametrize(("when", "expected"), [
    ("2026-11-24 21:04", ["tel:110", "tel:0120279338", "tel:0570783556"]),  # the 0120 line closed at 21:00
    ("2026-11-24 17:00", ["tel:110", "tel:0120279338", "tel:0120783556"]),  # the free line is open
    ("2026-11-24 23:30", ["tel:110", "tel:0120279338"]),  # only よりそい (24h) answers, and 110
    ("2026-11-24 09:00", ["tel:110", "tel:0120279338"]),
])
def test_the_suicide_reply_calls_only_lines_open_now(when: str, expected: list[str]) -> None:
    reply = danger("死にたい", when)
    assert calls(reply) == expected
    assert "0570-783-556" in reply.messages[0].text and "よりそいホットライン" in reply.messages[0].text


def test_a_second_danger_message_is_warm() -> None:
    s = Session(fresh=False)
    ENGINE.step(s, Incoming("text", "殴られた"))
    again = ENGINE.step(s, Incoming("text", "また殴られた")).messages[0].text
    assert again.startswith("大丈夫ですか") and "110" in again


def test_the_emergency_card_has_the_suicide_lines_and_189() -> None:
    reply = ENGINE.step(Session(fresh=False), Incoming("postback", "cmd:emergency", at=at("2026-11-24 21:04")))
    card = reply.messages[0]
    assert isinstance(card, Card)
    text = "\n".join(b for _, b in card.sections)
    assert "189" in text and "0120-279-338" in text and "0570-783-556" in text and "#8891" in text
    assert calls(reply) == ["tel:110", "tel:0120279889", "tel:189", "tel:0120279338", "tel:0570783556"]


def test_sexual_violence_gets_the_one_stop_centre() -> None:
    s = Session(fresh=False)
    turn = Turn(ENGINE.texts, ENGINE.facts, s, datetime(2026, 11, 24, 3, tzinfo=TZ), ENGINE.windows)
    reply = danger_reply(turn, ("sexual_violence",))
    text = reply.messages[0].text
    assert "#8891" in text and "ワンストップ支援センター" in text and "110" in text
    assert calls(reply) == ["tel:110"]  # "#8891" is not dialable from a tel: link on every phone
    card = walk("慰謝料", "性格の不一致だけ", answers={"danger": ["sexual_violence"]})
    assert "性犯罪・性暴力ワンストップ支援センター #8891" in "\n".join(b for _, b in card.sections)


def test_canned_replies_include_the_lifelines_and_8891() -> None:
    from bot.content.facts import shown_values
    from bot.web.console.canned import parse

    facts = shown_values(__import__("bot.content.facts", fromlist=["load_facts"]).load_facts(Path("flows/facts.yaml")))
    texts = parse(Path("flows/canned.yaml").read_text(encoding="utf-8"), facts)
    assert "0120-279-338" in texts.get("ja", "yorisoi.text", facts)
    assert "0570-783-556" in texts.get("ja", "inochi.text", facts)
    assert "#8891" in texts.get("ja", "onestop.text", facts)


def walk(start: str, *said: str, answers: dict | None = None, when: str = "2026-11-24 12:00") -> Card:
    s = Session(fresh=False, answers=dict(answers or {}))
    reply = ENGINE.step(s, Incoming("text", start, at=at(when)))
    for text in said:
        reply = ENGINE.step(s, Incoming("text", text, at=at(when)))
    card = reply.messages[-1]
    assert isinstance(card, Card), reply
    return card


# ── never the whole card again (item 15) ──────────────────────────────────────
RESULT = ["法テラス", "配偶者はいない", "1", "それ以外・わからない", "182000", "0", "0", "いいえ"]


@pytest.mark.parametrize("then", ["ヘルプ", "キャンセル", "English", "なんだろう"])
def test_at_a_result_the_card_is_not_sent_again(then: str) -> None:
    s = Session(fresh=False)
    for text in RESULT:
        ENGINE.step(s, Incoming("text", text))
    reply = ENGINE.step(s, Incoming("text", then))
    assert not any(isinstance(m, Card) for m in reply.messages)
    last = reply.messages[-1].text
    assert "「法テラス無料相談の目安」の結果" in last or 'result "Houterasu' in last, last
    again = next(c for c in reply.choices if c.data == "cmd:again")
    card = ENGINE.step(s, Incoming("postback", again.data)).messages[-1]
    assert isinstance(card, Card) and card.sections and card.lead  # the whole card, on request


def test_after_a_counselor_closes_the_ticket_one_line_not_the_card() -> None:
    s = Session(fresh=False)
    for text in RESULT:
        ENGINE.step(s, Incoming("text", text))
    ENGINE.step(s, Incoming("text", "人と話したい"))
    reply = ENGINE.step(s, Incoming("handoff_end", "", params={"ticket": s.ticket}))
    texts = [m.text for m in reply.messages if not isinstance(m, Card)]
    assert texts[-1].startswith("いまは「法テラス無料相談の目安」")
    assert not any(isinstance(m, Card) for m in reply.messages)
    assert "結果をもう一度見る" in [c.label for c in reply.choices]


# ── misleading items: 7, 8, 10, 13 ───────────────────────────────────────────
@pytest.mark.parametrize("said", ["外に出さないと言われた", "画像をばらまくと言われた", "物を壊すと言われた"])
def test_threats_to_freedom_honour_property_map_to_their_option(said: str) -> None:
    s = Session(fresh=False, flow="protection_order", state="harm")
    ENGINE.step(s, Incoming("text", said))
    assert s.answers.get("harm") == "threat_freedom"


def test_the_affair_partner_reads_the_exception_and_english_keeps_the_hedge() -> None:
    card = walk("浮気", "不倫相手として請求された", "別居する前から", "離婚はしない", "わからない")
    assert "知らず、知らなかったことに落ち度もない" in "\n".join(b for _, b in card.sections[: card.lead or None])
    assert "it is held that there is no liability" in ENGINE.texts.raw("en", "consolation.result.affair_partner")


def test_the_protection_order_card_keeps_a_new_address_out_of_the_application() -> None:
    card = walk("DV", "いまは大丈夫", "夫・妻", "いいえ、別に住んでいる", "身体への暴力", "いない", "まだしていない")
    text = "\n".join(b for _, b in card.sections)
    assert "申立書の写しは相手にも送られます" in text and "新しい住所を申立書に書かないで" in text


def test_lifeline_facts_say_they_are_likely_and_what_was_checked() -> None:
    from bot.content.facts import load_facts

    facts = load_facts(Path("flows/facts.yaml"))
    for fid in ("window.inochi.phone", "window.inochi.hours", "window.inochi.navi_phone", "window.inochi.navi_hours",
                "window.yorisoi.phone", "window.dv_plus.chat_hours"):
        assert facts[fid].confidence == "likely" and "checked on" in facts[fid].source, fid


# ── the console (item 20) ─────────────────────────────────────────────────────
def test_an_english_custody_ticket_keeps_its_first_answer() -> None:
    s = Session(fresh=False, lang="en")
    for said in ("custody", "Divorced", "2026/5/1"):
        ENGINE.step(s, Incoming("text", said, at=at("2026-11-24 10:00")))
    note = ENGINE.step(s, Incoming("text", "talk to a person", at=at("2026-11-24 10:00"))).ticket
    assert note is not None and note.summary is not None
    assert note.summary["answers"][0] == ("離婚はもう成立していますか？", "離婚した")


def test_earlier_topics_are_set_apart_from_the_current_one() -> None:
    s = Session(fresh=False)
    for said in ("法テラス", "配偶者はいない", "1", "それ以外・わからない", "182000", "0", "0", "いいえ",
                 "共同親権", "まだ・これから"):
        ENGINE.step(s, Incoming("text", said, at=at("2026-11-24 10:00")))
    note = ENGINE.step(s, Incoming("text", "人と話したい", at=at("2026-11-24 10:00"))).ticket
    assert note is not None and note.summary is not None
    answers = note.summary["answers"]
    headings = [q for q, a in answers if a == ""]
    assert headings == ["【前の話題（終了）】弁護士費用の心配（法テラス）",
                        "【いまの話題】共同親権・養育費（2026年4月からの制度）"]
    assert answers.index((headings[1], "")) == len(answers) - 2  # the current topic's one answer follows it


def test_danger_kinds_accumulate_on_the_ticket(chat, desk) -> None:  # noqa: ANN001
    from tests import line_events as ev
    from tests.harness import until

    chat.say("夫に殴られた")
    chat.say("人と話したい")
    ticket = until(lambda: (desk.tickets.waiting() or [None])[0])
    assert ticket.summary.danger == ("violence",)
    chat.send(ev.text(chat.user, "もう死にたい"))
    until(lambda: desk.tickets.get(ticket.id).summary.danger == ("suicide", "violence"))


def test_the_console_shows_each_kind_and_the_topics(counselor, chat, desk) -> None:  # noqa: ANN001
    from tests import line_events as ev
    from tests.harness import until

    chat.say("夫に殴られた")
    chat.say("人と話したい")
    ticket = until(lambda: (desk.tickets.waiting() or [None])[0])
    chat.send(ev.text(chat.user, "死にたい"))
    until(lambda: len(desk.tickets.get(ticket.id).summary.danger) == 2)
    page = counselor.get(f"/console/t/{ticket.id}").get_data(as_text=True)
    assert "自殺の危険" in page and "暴力" in page

