"""Conversations as tests: the means test end to end through webhook, worker, engine and the real SDK."""

from __future__ import annotations

import pytest

from tests import line_events as ev


def start_means_test(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    answer = chat.tap("弁護士費用が心配")
    assert "7つ" in answer.text
    assert "配偶者" in answer.texts[-1]


def test_follow_greets_and_shows_the_menu(chat) -> None:  # noqa: ANN001
    answer = chat.send(ev.follow(chat.user))
    assert "かけはし" in answer.texts[0]
    assert "110" in answer.texts[0]
    assert "判断はしません" in answer.texts[0]  # general information, never a verdict
    assert answer.labels == ["子どもに会えない", "別居中の浮気・不倫", "DV・保護命令", "離婚の慰謝料",
                             "弁護士費用が心配", "共同親権・養育費", "緊急の連絡先", "とじる"]


# household, area, income, rent, savings, dv → expected phrases in the result card
PATHS = [
    ("1", "東京23区", "200200", "0", "1800000", "いいえ", ["範囲内", "20万200円", "180万円"], ["DV等"]),
    ("1", "東京23区", "200201", "0", "0", "いいえ", ["超えています", "20万200円"], ["範囲内"]),
    ("1", "東京23区", "253200", "60000", "0", "いいえ", ["範囲内", "25万3,200円", "5万3,000円"], []),
    ("1", "ほかの一級地の市", "241200", "60000", "0", "いいえ", ["範囲内", "24万1,200円", "4万1,000円"], []),
    ("2", "それ以外・わからない", "251000", "0", "2500001", "いいえ", ["現金・預貯金は", "250万円"], ["範囲内"]),
    ("5", "それ以外・わからない", "329000", "0", "3000000", "いいえ", ["範囲内", "32万9,000円", "300万円"], []),
    ("3", "東京23区", "40万", "10万", "400万", "いいえ",
     ["どちらも基準を超えて", "相談先\n・弁護士会の法律相談センター"], []),  # the free dial after the lawyers
    ("1", "それ以外・わからない", "50万", "0", "300万", "はい",
     ["DV等被害者法律相談援助", "再被害を防ぐために必要な法律相談", "相談料はかからないとされています"],
     ["5,500円の相談料", "費用はかかりません"]),
    ("1", "それ以外・わからない", "50万", "0", "3000001", "はい",
     ["DV等被害者法律相談援助", "5,500円の相談料がかかるとされています"], []),
]


@pytest.mark.parametrize(("household", "area", "income", "rent", "savings", "dv", "present", "absent"), PATHS)
def test_means_test_paths(chat, household, area, income, rent, savings, dv, present, absent) -> None:  # noqa: ANN001
    start_means_test(chat)
    assert "何人" in chat.tap("はい、相手は配偶者").text
    assert "どこ" in chat.say(household).text
    assert "月収" in chat.tap(area).text
    assert "家賃" in chat.say(income).text
    assert "預貯金" in chat.say(rent).text
    assert "DV" in chat.say(savings).text
    card = chat.tap(dv).text
    assert "法テラス無料相談の目安" in card
    assert "0570-078374" in card
    assert "一般的な情報" in card  # the disclaimer ends every result
    for phrase in present:
        assert phrase in card, phrase
    for phrase in absent:
        assert phrase not in card, phrase
    assert "メニュー" in chat.last.labels


def test_back_returns_to_the_previous_question_keeping_answers(chat) -> None:  # noqa: ANN001
    start_means_test(chat)
    chat.tap("いいえ")
    chat.say("2")
    assert "どこ" in chat.last.text
    assert "何人" in chat.tap("戻る").text
    assert "何人" not in chat.say("戻る").text  # back again: the spouse question
    assert "配偶者" in chat.last.text
    chat.tap("いいえ")
    chat.say("2")
    chat.tap("それ以外・わからない")
    chat.say("251000")
    chat.say("0")
    chat.say("0")
    assert "範囲内" in chat.tap("いいえ").text  # household 2 elsewhere: limit 251,000


def test_restart_and_menu_words_work_anywhere(chat) -> None:  # noqa: ANN001
    start_means_test(chat)
    chat.tap("いいえ")
    assert "どんなことでお困り" in chat.say("最初から").text
    start_means_test(chat)
    assert "どんなことでお困り" in chat.say("ＭＥＮＵ").text


def test_free_text_reaches_the_means_test_from_the_menu(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    assert "配偶者" in chat.say("弁護士 費用が払えない").texts[-1]


def test_nonsense_is_reasked_then_the_menu_is_offered(chat) -> None:  # noqa: ANN001
    start_means_test(chat)
    first = chat.say("ふにゃふにゃ")
    assert "読み取れません" in first.text and "配偶者" in first.text
    second = chat.say("ほげほげ")
    assert "メニュー" in second.text and "メニュー" in second.labels
    assert "何人" in chat.say("はい").text  # still in place, answers accepted


def test_invalid_amount_is_reasked(chat) -> None:  # noqa: ANN001
    start_means_test(chat)
    chat.tap("いいえ")
    assert "数字" in chat.say("たくさん").text
    assert "どこ" in chat.say("３人").text


def test_sticker_image_and_location_get_a_kind_answer_and_the_question_again(chat) -> None:  # noqa: ANN001
    start_means_test(chat)
    answer = chat.send(ev.sticker(chat.user))
    assert "スタンプ" in answer.texts[0] and "配偶者" in answer.texts[-1]
    assert "画像" in chat.send(ev.image(chat.user)).texts[0]
    assert "位置情報" in chat.send(ev.location(chat.user)).texts[0]


def test_unfollow_sends_nothing(chat, fake_line) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.send(ev.unfollow(chat.user), expect=0)
    chat.send(ev.sticker(chat.user))  # a later event is answered: the unfollow did not block the user
    assert len(fake_line.deliveries()) == 2


def test_old_button_reasks_the_current_question(chat) -> None:  # noqa: ANN001
    start_means_test(chat)
    stale = next(a for a in chat.last.actions if a["label"] == "いいえ")
    chat.tap("いいえ")
    answer = chat.send(ev.postback(chat.user, stale["data"]))
    assert "前の質問" in answer.texts[0] and "何人" in answer.texts[-1]


def test_english_switch_and_english_first_message(chat, new_chat) -> None:  # noqa: ANN001
    start_means_test(chat)
    answer = chat.say("English")
    assert "English" in answer.texts[0] and "spouse" in answer.texts[-1]
    assert "Menu" in chat.say("日本語").text or "配偶者" in chat.last.text
    other = new_chat(7)
    greeting = other.say("hello")
    assert "troubling" in greeting.text and "could not read" not in greeting.text
    japanese = new_chat(8)
    assert "身の危険" in japanese.say("DV").texts[-1]  # an acronym is not English


def test_help_lists_the_words_that_work_everywhere(chat) -> None:  # noqa: ANN001
    start_means_test(chat)
    answer = chat.say("ヘルプ")
    assert "戻る" in answer.texts[0] and "配偶者" in answer.texts[-1]


@pytest.mark.parametrize(
    ("typed", "first_question"),
    [("子供に会えない", "いまの状況"),
     ("別居中に浮気された", "別居の前ですか"),  # 「不倫された」 is taken from the words (#15)
     ("DVで悩んでいる", "身の危険"),
     ("慰謝料", "理由に"), ("弁護士 費用", "配偶者"), ("共同親権", "離婚はもう成立")],
)
def test_free_text_routes_each_problem_to_its_flow(chat, typed: str, first_question: str) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    assert first_question in chat.say(typed).texts[-1]


def test_emergency_contacts_from_the_menu(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    card = chat.tap("緊急の連絡先").text
    assert "110" in card and "0120-279-889" in card and "#8008" in card
