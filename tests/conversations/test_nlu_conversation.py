"""The table at the top of issue #15, typed as a new user would, through the real webhook, worker and SDK."""

from __future__ import annotations

import pytest

from tests import line_events as ev

ROUTED = [  # (first message, a words of the first question of the right flow)
    ("子供に会えません", "いまの状況"),
    ("別居中の妻が子供に会わせてくれません", "DVや子どもへの虐待"),  # 「別居中」 is taken, not asked
    ("離婚した元妻が娘に会わせてくれない", "DVや子どもへの虐待"),  # 「離婚した後」 is taken, not asked
    ("こどもにあえない", "いまの状況"),
    ("子供と会いたいのに嫁が拒否します", "いまの状況"),
    ("無料で法律相談できるところ", "配偶者"),
    ("収入が少なくても弁護士に頼める？", "配偶者"),
    ("kodomo ni aenai", "いまの状況"),  # romaji: Japanese, answered in Japanese
]
ROUTED_EN = [
    ("My wife won't let me see my son since we separated", "domestic violence or abuse of the child"),
    ("I can't see my kid", "What is your situation"),
    ("free legal consultation", "spouse"),
]


@pytest.mark.parametrize(("typed", "question"), ROUTED + ROUTED_EN)
def test_a_first_message_reaches_its_flow(chat, typed: str, question: str) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    assert question in chat.say(typed).texts[-1]


def test_what_the_first_message_said_is_confirmed_not_asked_again(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    answer = chat.say("夫のDVが原因で離婚しました。慰謝料は？")
    assert "「DV・モラハラ」「もう離婚した」" in answer.text  # confirmed in one line
    assert "理由" not in answer.texts[-1] and "どの段階" not in answer.texts[-1]
    assert "離婚が成立した日" in answer.texts[-1]
    assert "どの段階" in chat.say("戻る").texts[-1]  # "back" undoes a wrong guess


def test_no_to_a_question_whose_options_are_statements(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.tap("別居中の浮気・不倫")
    chat.tap("配偶者に不倫された")
    chat.tap("別居した後")
    chat.tap(chat.last.labels[0])  # why they separated
    assert "つながり" in chat.tap(chat.last.labels[0]).texts[-1]
    assert "どのくらい" in chat.say("いいえ").texts[-1] or "期間" in chat.last.texts[-1]


@pytest.mark.parametrize("typed", ["いいえ", "ないです", "特に", "ありません", "nope"])
def test_no_words_pick_the_negative_statement(chat, typed: str) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.tap("別居中の浮気・不倫")
    chat.tap("配偶者に不倫された")
    chat.tap("別居した後")
    chat.tap(chat.last.labels[0])
    question = chat.tap(chat.last.labels[0]).texts[-1]
    assert "つながり" in question
    assert "読み取れ" not in chat.say(typed).text


def test_stalking_answers_the_harm_question(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.tap("DV・保護命令")
    chat.tap("いまは大丈夫")
    chat.tap("同居したことのない相手")
    assert "どんな被害" in chat.last.texts[-1]
    answer = chat.say("つきまとい")
    assert "読み取れ" not in answer.text and "未成年の子ども" in answer.texts[-1]


@pytest.mark.parametrize("typed", ["去年の春", "March 3, 2025", "3年前", "令和5年"])
def test_a_vague_date_is_taken_as_an_approximate_span(chat, typed: str) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.tap("離婚の慰謝料")
    chat.tap(chat.last.labels[0])  # the affair
    assert "知った日" in chat.tap(chat.last.labels[0]).texts[-1]
    answer = chat.say(typed)
    assert "日付を送ってください" not in answer.text
    assert ("いちばん早く考えられる日" in answer.text) == (typed != "March 3, 2025")


def test_two_close_topics_are_asked_about_by_name(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    answer = chat.say("夫と別居中で子供に会わせてもらえず、夫は浮気もしている")
    assert "子どもに会えない" in answer.text and "別居中の浮気・不倫" in answer.text and "それとも" in answer.text
    assert {"子どもに会えない", "別居中の浮気・不倫"} <= set(answer.labels)
    assert "いまの状況" in chat.tap("子どもに会えない").texts[-1]


def test_not_understood_at_the_menu_is_kind_and_offers_the_menu_not_a_number(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.say("こんにちは")
    for _ in range(3):
        answer = chat.say("ほげほげ")
        assert "読み取れ" in answer.text and "番号" not in answer.text
        assert "「メニュー」" not in answer.text  # at the menu already
        assert "子どもに会えない" in answer.labels


def test_not_understood_in_a_flow_never_asks_for_a_number(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.tap("弁護士費用が心配")
    answer = chat.say("ふにゃふにゃ")
    assert "読み取れ" in answer.text and "番号" not in answer.text
