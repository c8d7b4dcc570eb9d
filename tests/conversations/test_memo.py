"""相談メモ: one tap on a result card (or the words) gives the person their own answers, with dates as Japanese
readers write them, the card's first lines and where to ask; a neutral first line is what a notification shows."""

from __future__ import annotations

from tests import line_events as ev
from tests.harness import until


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


def consolation_card(chat, divorced: str = "もう離婚した", affair: str = "浮気・不倫"):  # noqa: ANN001, ANN201
    chat.say("慰謝料")
    chat.tap(affair)
    dates = iter(["2025/6/1", "2025/7/1"])  # learned of the affair, the divorce
    card = chat.tap(divorced)
    while "日付を選ぶ" in card.labels or "Pick a date" in card.labels:
        card = chat.say(next(dates))
    return card


def test_the_memo_holds_deadlines_what_to_bring_and_questions_to_ask(chat) -> None:  # noqa: ANN001
    consolation_card(chat)
    body = chat.tap("相談メモ").messages[1]["text"]
    assert "■ 期限の目安" in body and "2028年6月1日まで" in body and "2028年7月1日まで" in body
    assert "更新・完成猶予" in body  # a 目安, with what can move it
    assert "■ 持っていくとよいもの" in body and "・このメモ" in body and "日付がわかるもの" in body
    questions = body.split("■ 相談で聞いてみたいこと（例）")[1].split("■")[0]
    assert 3 <= sum(1 for line in questions.splitlines() if line.startswith("・")) <= 5
    assert all(line.endswith(("か。", "か（履行勧告など）。")) or not line.startswith("・")
               for line in questions.splitlines())  # questions, never answers
    assert body.index("■ 期限の目安") < body.index("■ 持っていくとよいもの") < body.index("■ 相談先")


def test_a_short_summary_for_booking_forms_fits_200_characters(chat) -> None:  # noqa: ANN001
    consolation_card(chat)
    memo = chat.tap("相談メモ")
    assert "予約用の要約" in memo.labels and "メモを担当者に見せる" in memo.labels
    short = chat.tap("予約用の要約")
    first, text = short.messages[0]["text"], short.messages[1]["text"]
    assert first == "予約用の短いまとめです。"
    assert len(text) <= 200
    assert text.startswith("離婚の慰謝料について相談したいです。") and "目安の期限：2028年6月1日。" in text


def test_the_summary_in_english(chat) -> None:  # noqa: ANN001
    chat.say("English")
    chat.say("consolation money")
    chat.tap("Affair")
    dates = iter(["2025/6/1", "2025/7/1"])
    card = chat.tap("Already divorced")
    while "Pick a date" in card.labels:
        card = chat.say(next(dates))
    body = chat.tap("Consultation memo").messages[1]["text"]
    assert "Useful to bring" in body and "Questions you might ask" in body and "until 1 June 2028" in body
    short = chat.tap("Short summary").messages[1]["text"]
    assert short.startswith("I would like advice on") and len(short) <= 200 and "1 June 2028" in short


def test_a_counselor_sees_the_memo_only_after_the_one_tap_of_consent(chat, desk) -> None:  # noqa: ANN001
    from tests.conversations.test_handoff import lines, the_ticket

    consolation_card(chat)
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    assert not any("相談メモ" in text for _, text in lines(desk, ticket))  # nothing without consent
    memo = chat.say("相談メモ")  # the bot's to answer while the ticket waits, with the one tap of consent
    assert "メモを担当者に見せる" in memo.labels
    shared = chat.tap("メモを担当者に見せる")
    assert "相談員に見せました" in shared.text
    until(lambda: any(text.startswith("【相談メモ（本人の同意により共有）】") for _, text in lines(desk, ticket)))
    memo = next(text for who, text in lines(desk, ticket) if text.startswith("【相談メモ"))
    assert "2028年6月1日まで" in memo and "浮気・不倫" in memo


def test_consent_given_before_asking_for_a_person_goes_with_the_ticket(chat, desk) -> None:  # noqa: ANN001
    from tests.conversations.test_handoff import lines, the_ticket

    consolation_card(chat)
    chat.tap("相談メモ")
    later = chat.tap("メモを担当者に見せる")
    assert "このメモも相談員に見せます" in later.text
    asked = chat.tap("人と話したい")
    assert asked.labels == ["キャンセル"]
    ticket = the_ticket(desk)
    until(lambda: any(text.startswith("【相談メモ") for _, text in lines(desk, ticket)))


def test_the_console_ticket_page_shows_the_shared_memo(chat, desk, counselor) -> None:  # noqa: ANN001
    from tests.conversations.test_handoff import lines, the_ticket

    consolation_card(chat)
    chat.say("人と話したい")
    chat.say("相談メモ")
    chat.tap("メモを担当者に見せる")
    ticket = the_ticket(desk)
    until(lambda: any(text.startswith("【相談メモ") for _, text in lines(desk, ticket)))
    page = counselor.get(f"/console/t/{ticket.id}").get_data(as_text=True)
    assert "【相談メモ（本人の同意により共有）】" in page and "持っていくとよいもの" in page
