"""Two look-ups a person can make from anywhere (the rich menu's 相談先 and 緊急, or typed): where to ask, and
the emergency numbers.

Neither moves the conversation: the answer comes with "continue", so a person mid-question loses nothing. They
still answer while a counselor has the chat, because someone waiting for a person may need a number now.
"""

from __future__ import annotations

from bot.content.flows import Node
from bot.engine import place, referral
from bot.engine.replies import Choice, Reply, Text
from bot.engine.safety_replies import open_calls
from bot.engine.turn import Turn

EMERGENCY_NODE = "emergency"  # the menu's own emergency card (flows/menu.yaml): one text for both ways in
EMERGENCY_CALLS = ("police", "dv_plus", "child", "yorisoi", "inochi")  # a button for each line open now


def _ways_on(turn: Turn) -> tuple[Choice, ...]:
    names = ("cancel", "close") if turn.session.handoff else ("continue", "menu", "close")
    return tuple(turn.command(n) for n in names)


def windows(turn: Turn) -> Reply:
    """The windows that fit where the person is, each open now or when next, with calls to those open now."""
    shown = referral.fitting(turn)
    turn.messages.append(Text("\n".join([turn.text("windows.where_to_ask"), referral.section(turn, shown)])))
    asked = place.ask(turn) if place.worth_asking(turn, shown) else ()
    return turn.reply(asked + referral.calls(turn, shown) + _ways_on(turn))


def emergency(turn: Turn, card: Node) -> Reply:
    """The menu's emergency card as it is (no second list of windows under it) and buttons to call."""
    turn.messages.append(turn.card(card, refer=False))
    return turn.reply(open_calls(turn, EMERGENCY_CALLS) + _ways_on(turn))
