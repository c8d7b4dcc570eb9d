"""相談メモ: one tap on a result card (or the words) gives the person their own answers, with dates as Japanese
readers write them, the card's first lines and where to ask; a neutral first line is what a notification shows."""

from __future__ import annotations

from tests import line_events as ev


def test_a_memo_from_the_consolation_card_holds_the_answers_dates_and_deadline(chat) -> None:  # noqa: ANN001
    chat.say("慰謝料")
    chat.tap("浮気・不倫")
    dates = iter(["2023/12/5", "2024/1/10", "2024/1/10"])  # when the affair was learned, the divorce date
    card = chat.tap("もう離婚した")
    while "日付を選ぶ" in card.labels:
        card = chat.say(next(dates))
    assert "相談メモ" in card.labels  # a button on the result card
    memo = chat.tap("相談メモ")
    first, body = memo.messages[0]["text"], memo.messages[1]["text"]
    assert first == "メモをお送りします。"  # nothing about the topic in the preview
    assert body.startswith("相談メモ") and "慰謝料" in body.split("\n")[2]  # the topic, then its answers
    assert "浮気・不倫" in body and "もう離婚した" in body
    assert "2023年12月5日" in body and "2023-12-05" not in body  # as Japanese readers write dates
    assert "■ かけはしがお伝えした目安" in body and "■ 相談先" in body and "法テラス" in body
    assert body.rstrip().endswith("確かめてください。")  # general information, not advice


def test_the_words_work_anywhere_and_say_so_when_there_is_nothing_yet(chat) -> None:  # noqa: ANN001
    assert "まだメモにできる回答がありません" in chat.say("相談メモ").text
    chat.say("子どもに会えない")
    chat.tap("別居中")
    memo = chat.say("consultation memo")
    assert "・いまの状況を教えてください。 → 別居中" in memo.messages[1]["text"]


def test_a_memo_while_a_counselor_has_the_chat_is_the_bots_to_answer(chat, desk) -> None:  # noqa: ANN001
    chat.say("子どもに会えない")
    chat.tap("別居中")
    chat.say("人と話したい")
    memo = chat.send(ev.text(chat.user, "相談メモ"))
    assert memo.messages[0]["text"] == "メモをお送りします。" and "別居中" in memo.messages[1]["text"]
