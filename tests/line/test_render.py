"""Engine replies rendered for LINE: flex cards, the date picker, and LINE's limits checked before sending."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.engine.replies import Card, Choice, Reply, Text
from bot.line.render import MAX_BUBBLE_BYTES, RenderError, render
from tests import line_events as ev
from tests.fake_line import message_errors
from tests.harness import flex_texts


def as_json(reply: Reply) -> list[dict]:
    return render(reply)


def test_a_result_card_is_a_flex_bubble_with_call_buttons_and_a_neutral_alt_text() -> None:
    sections = (("基準との比較", "範囲内です。"), ("", "相談するには…"))
    call = Choice("0570-078374に電話", "", uri="tel:0570078374")
    card = Card("法テラス無料相談の目安", sections, "一般的な情報です。", (call,), "かけはしからのご案内です。")
    [message] = as_json(Reply((card,), (Choice("メニュー", "cmd:menu"),)))
    assert message["type"] == "flex" and message["altText"] == "かけはしからのご案内です。"
    assert flex_texts(message["contents"]) == ["法テラス無料相談の目安", "基準との比較", "範囲内です。",
                                               "相談するには…", "0570-078374に電話", "一般的な情報です。"]
    button = message["contents"]["footer"]["contents"][0]
    assert button["action"] == {"type": "uri", "label": "0570-078374に電話", "uri": "tel:0570078374"}
    assert message["quickReply"]["items"][0]["action"]["data"] == "cmd:menu"
    assert message_errors([message]) == []


def test_a_long_card_goes_on_in_more_bubbles_and_loses_no_word() -> None:
    sections = tuple((f"見出し{i}", "\n".join(f"{i}-{n} " + "あ" * 60 for n in range(60))) for i in range(6))
    card = Card("長い結果", sections, "一般的な情報です。", (), "ご案内")
    messages = as_json(Reply((card,)))
    assert len(messages) > 1 and message_errors(messages[:5]) == []
    assert all(len(json.dumps(m["contents"], ensure_ascii=False).encode()) <= MAX_BUBBLE_BYTES for m in messages)
    words = "\n".join(t for m in messages for t in flex_texts(m["contents"]))
    for i, (_, body) in enumerate(sections):
        for line in body.split("\n"):
            assert line in words, (i, line[:10])
    assert flex_texts(messages[-1]["contents"])[-1] == "一般的な情報です。"  # the disclaimer closes the last part
    assert all(flex_texts(m["contents"])[0] == "長い結果" for m in messages)


def test_a_card_with_a_lead_is_a_carousel_whose_first_bubble_says_what_matters() -> None:
    lead = (("金額の目安", "おおむね50万円〜300万円が目安です。"), ("請求の期限", "2028年3月1日まで"))
    rest = tuple((f"詳しく{i}", "\n".join(f"{i}-{n} " + "い" * 40 for n in range(6))) for i in range(3))
    call = Choice("DV相談＋に電話", "", uri="tel:0120279889")
    card = Card("慰謝料の目安", lead + rest, "一般的な情報です。", (call,) * 3, "ご案内", lead=2,
                more="続きは横にスワイプ →（詳しく0など）")
    [message] = as_json(Reply((card,)))
    carousel = message["contents"]
    assert carousel["type"] == "carousel" and message_errors([message]) == []
    first, *others = carousel["contents"]
    assert flex_texts(first) == ["慰謝料の目安", "金額の目安", "おおむね50万円〜300万円が目安です。", "請求の期限",
                                 "2028年3月1日まで", "続きは横にスワイプ →（詳しく0など）", "DV相談＋に電話",
                                 "DV相談＋に電話", "一般的な情報です。"]  # at most 2 calls: one screen
    words = "\n".join(t for b in others for t in flex_texts(b))
    assert all(line in words for _, body in rest for line in body.split("\n"))  # one swipe away, never lost
    assert all(len("".join(flex_texts(b)[1:])) <= 300 for b in others)  # each a screen at most
    assert "一般的な情報です。" not in words and "DV相談＋に電話" not in words


def test_a_phone_number_is_never_broken_across_lines() -> None:
    [message] = as_json(Reply((Card("t", (("", "DV相談＋ 0120-279-889、法テラス 0570-078374、#8008、9:00-17:00"),)),)))
    text = message["contents"]["body"]["contents"][0]["contents"][0]["text"]
    assert "0120\u2060-\u2060279\u2060-\u2060889" in text and "0570\u2060-\u2060078374" in text
    assert "#8008" in text and "9:00-17:00" in text


def test_long_text_is_split_not_truncated() -> None:
    text = "\n".join("い" * 99 for _ in range(120))  # 11,999 characters
    messages = as_json(Reply((Text(text),)))
    assert len(messages) == 3 and all(len(m["text"]) <= 5000 for m in messages)
    assert "\n".join(m["text"] for m in messages) == text


def test_the_date_picker_renders_within_bounds() -> None:
    picker = Choice("日付を選ぶ", "date:consolation.divorce_date", picker="date", earliest="1966-01-01",
                    latest="2026-11-24")
    [message] = as_json(Reply((Text("いつ離婚しましたか？"),), (picker,)))
    action = message["quickReply"]["items"][0]["action"]
    assert action == {"type": "datetimepicker", "label": "日付を選ぶ", "data": "date:consolation.divorce_date",
                      "mode": "date", "initial": "2026-11-24", "min": "1966-01-01", "max": "2026-11-24"}


@pytest.mark.parametrize(
    ("choices", "why"),
    [
        (tuple(Choice(f"b{i}", f"cmd:{i}") for i in range(14)), "more than 13 quick replies"),
        ((Choice("あ" * 21, "cmd:menu"),), "must be 1 to 20 characters"),
        ((Choice("", "cmd:menu"),), "must be 1 to 20 characters"),
        ((Choice("ok", "x" * 301),), "longer than 300 bytes"),
    ],
)
def test_what_line_would_refuse_is_an_internal_error_first(choices: tuple[Choice, ...], why: str) -> None:
    with pytest.raises(RenderError, match=why):
        render(Reply((Text("hi"),), choices))


def test_a_date_typed_or_picked_through_line(chat, clock) -> None:  # noqa: ANN001
    chat.say("慰謝料")
    chat.tap("浮気・不倫")
    asked = chat.tap("もう離婚した")
    picker = next(a for a in asked.actions if a["type"] == "datetimepicker")
    today = datetime.fromtimestamp(clock(), ZoneInfo("Asia/Tokyo")).date().isoformat()  # the person's day
    assert picker["mode"] == "date" and picker["max"] == today and picker["label"] == "日付を選ぶ"
    future = chat.send(ev.postback(chat.user, picker["data"], {"date": "2999-01-01"}))
    assert "今日より後の日付は使えません" in future.text
    divorce = chat.send(ev.postback(chat.user, picker["data"], {"date": "2024-01-10"}))
    assert "離婚が成立した日" in divorce.text  # divorced: the divorce's own deadline needs its date too
    second = next(a for a in divorce.actions if a["type"] == "datetimepicker")
    card = chat.send(ev.postback(chat.user, second["data"], {"date": "2024-06-01"}))
    assert "2027年1月10日まで" in card.text
    stale = chat.send(ev.postback(chat.user, picker["data"], {"date": "2024-01-10"}))
    assert "そのボタンは前の質問のものです" in stale.text


def test_a_person_kept_waiting_sees_the_loading_animation(chat) -> None:  # noqa: ANN001
    chat.say("ヘルプ")
    assert not [q for q in chat.fake.requests if q.path == "/v2/bot/chat/loading/start"]  # answered at once
    late = ev.text(chat.user, "メニュー", timestamp=int(ev.clock() * 1000) - 3000)  # waited 3 s in a backlog
    chat.send(late)
    [loading] = [q for q in chat.fake.requests if q.path == "/v2/bot/chat/loading/start"]
    assert loading.body == {"chatId": chat.user, "loadingSeconds": 5} and loading.status == 202
    assert loading.at <= chat.fake.requests[-1].at  # before the answer
