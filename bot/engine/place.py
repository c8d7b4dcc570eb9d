"""Where the person lives, in the conversation: asked once, only when a card would recommend a window that
has a local office; understood in later messages too; changed with 「地域変更」/「引っ越した」.

Session.place is the prefecture's JIS code ("-" when the person would rather not say), Session.city the
municipality; Session.place_asked keeps the question from coming back. All three go with データ削除.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.content.texts import Texts
from bot.directory.local import KINDS, LocalDirectory
from bot.directory.places import DECLINED, prefecture, states_residence, where
from bot.directory.windows import Window
from bot.engine.replies import Choice, Text
from bot.engine.session import Session

ASKED_FOR = (*KINDS, "dv_navi")  # national windows whose local office (or centre) depends on where one lives
MAX_STATED = 25  # "大阪に住んでいます" said in passing: only a short message is taken as saying where one lives


class Turn(Protocol):
    texts: Texts
    session: Session
    local: LocalDirectory | None
    messages: list

    def text(self, key: str) -> str: ...

    def fill(self, key: str, values: Mapping[str, str]) -> str: ...

    def say(self, key: str) -> None: ...


def pending(s: Session) -> bool:
    """Asked, and neither answered nor declined yet."""
    return s.place_asked and not s.place


def worth_asking(turn: Turn, shown: Sequence[Window]) -> bool:
    s = turn.session
    return (turn.local is not None and not s.place and not s.place_asked and not s.handoff
            and any(w.id in ASKED_FOR for w in shown))


def decline_button(turn: Turn) -> Choice:
    label = turn.text("local.button.decline")
    return Choice(label, "cmd:place_decline", label)


def ask(turn: Turn) -> tuple[Choice, ...]:
    """The question, once: the person may answer in words, tap 答えたくない, or carry on."""
    turn.session.place_asked = True
    turn.say("local.ask")
    return (decline_button(turn),)


def heard(s: Session, text: str, at_rest: bool) -> tuple[str, str, bool] | None:
    """(place, city, whether the message was only that) when the text tells where the person lives: any
    answer while the question is pending at a menu or result, or a short 「大阪に住んでいます」 anywhere."""
    if pending(s) and at_rest:
        found = where(text)
        return (*found, True) if found else None
    if len(text) <= MAX_STATED and states_residence(text):
        found = where(text)
        if found and found[0] != DECLINED:
            return (*found, True)
    return None


def described(place: str, city: str, lang: str) -> str:
    """大阪府 / 東京都八王子市; Osaka / 八王子市, Tokyo."""
    p = prefecture(place)
    if p is None:
        return ""
    if lang == "ja":
        return p.ja + city
    return f"{city}, {p.en}" if city else p.en


def remember(turn: Turn, place: str, city: str) -> None:
    s = turn.session
    s.place, s.city, s.place_asked = place, city, True
    if place == DECLINED:
        turn.say("local.declined")
    else:
        turn.messages.append(Text(turn.fill("local.saved", {"where": described(place, city, s.lang)})))


def change(s: Session) -> None:
    """「地域変更」: forget the place and ask again (the answer is read like the first one)."""
    s.place, s.city, s.place_asked = "", "", True

