"""Issue #18's done-when, through LINE: a person who says they live in 大阪府 sees 法テラス大阪 and the Osaka bar
association's centre before the national windows; asked once; 答えたくない keeps to the national ones."""

from __future__ import annotations

VISITATION = ["子供に会えない", "別居中", "ない", "10歳くらいまで", "いいえ・わからない", "何も決まっていない"]
ASK = "お住まいの都道府県を教えてください"


def _card(chat) -> object:  # noqa: ANN001
    answer = None
    for text in VISITATION:
        answer = chat.say(text)
    return answer


def test_a_person_in_osaka_sees_the_osaka_windows_first(chat) -> None:  # noqa: ANN001
    card = _card(chat)
    assert any(ASK in t for t in card.texts) and "答えたくない" in card.labels
    answer = chat.say("大阪に住んでます")
    text = "\n".join(answer.texts)
    assert "大阪府ですね" in text
    assert text.index("法テラス大阪") < text.index("大阪弁護士会 総合法律相談センター") < text.index("0570-078374")
    again = chat.say("相談先")
    assert ASK not in again.text and again.text.index("法テラス大阪") < again.text.index("0570-078374")


def test_declining_by_button_keeps_national_windows_and_is_not_asked_again(chat) -> None:  # noqa: ANN001
    _card(chat)
    chat.tap("答えたくない")
    chat.say("メニュー")
    card = _card(chat)
    assert all(ASK not in t for t in card.texts)
    assert "法テラス大阪" not in "\n".join(card.texts)
