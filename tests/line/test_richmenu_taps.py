"""Each rich-menu button, tapped on LINE: its postback through the real webhook, worker, engine and SDK."""

from __future__ import annotations

from bot.line.richmenu import load_richmenu
from bot.settings import Settings
from tests import line_events as ev
from tests.harness import Answer, until

DATA = {area.command: area.data for area in load_richmenu(Settings()).areas}
RISK_QUESTION = "これまでに、DVや子どもへの虐待"


def tap(chat, command: str, expect: int = 1) -> Answer:  # noqa: ANN001
    return chat.send(ev.postback(chat.user, DATA[command]), expect=expect)


def test_each_button_at_the_menu(chat) -> None:  # noqa: ANN001
    assert "どんなことでお困りですか" in tap(chat, "menu").text
    windows = tap(chat, "windows")
    assert windows.text.startswith("相談先と、いまの受付状況です。")
    assert "法テラス・サポートダイヤル 0570-078374" in windows.text and "よりそいホットライン" in windows.text
    assert windows.labels[-3:] == ["続ける", "メニュー", "とじる"]
    emergency = tap(chat, "emergency")
    assert emergency.texts[0].startswith("緊急の連絡先\n")
    assert "0120-279-889" in emergency.text and "#8008" in emergency.text
    # the lines open at any hour; いのちの電話 joins them only while one of its lines is open
    assert emergency.labels[:4] == ["110に電話", "DV相談＋に電話", "189に電話", "よりそいに電話"]
    assert emergency.labels[-3:] == ["続ける", "メニュー", "とじる"] and "189" in emergency.text
    assert [a["uri"] for a in emergency.actions[:2]] == ["tel:110", "tel:0120279889"]
    assert "相談員" in tap(chat, "human").text
    assert tap(chat, "close").texts == ["ご利用ありがとうございました。"]


def test_mid_question_the_lookups_keep_the_persons_place(chat) -> None:  # noqa: ANN001
    chat.say("子どもに会えない")
    assert RISK_QUESTION in chat.tap("別居中").text
    windows = tap(chat, "windows")
    assert "法テラス" in windows.text and "よりそい" not in windows.text  # the windows for this problem
    assert RISK_QUESTION in chat.tap("続ける").text
    assert tap(chat, "emergency").texts[0].startswith("緊急の連絡先\n")
    assert RISK_QUESTION in chat.tap("続ける").text
    assert "どんなことでお困りですか" in tap(chat, "menu").text


def test_while_waiting_for_a_counselor_the_numbers_still_answer(chat, desk) -> None:  # noqa: ANN001
    tap(chat, "human")
    emergency = tap(chat, "emergency")
    assert "110" in emergency.text and emergency.labels[-2:] == ["キャンセル", "とじる"]
    assert "相談先と" in tap(chat, "windows").text
    before = chat.delivered()
    # the menu is the bot's: it waits, and the tap goes to the counselor (sent in their hours: no acknowledgement)
    chat.send(ev.postback(chat.user, DATA["menu"]), expect=0)
    (ticket,) = desk.tickets.waiting()
    assert until(lambda: ("user", "（ボタンを押しました）メニュー") in
                 [(line.who, line.text) for line in desk.tickets.transcript(ticket)])
    assert chat.delivered() == before
    assert "ご利用ありがとうございました。" in tap(chat, "close").text
