"""Care for the person before the flow: danger first, and the discreet way out (CONTENT.md §9, DESIGN §6)."""

from __future__ import annotations

import re

from bot.engine.replies import Choice, Reply, Text
from bot.engine.texts import lookup
from bot.engine.turn import Turn
from bot.safety import contacts_for


def danger_reply(turn: Turn, categories: tuple[str, ...], ways_on: tuple[str, ...] = ("continue", "menu", "close"),
                 then: str | None = "safety.then") -> Reply:
    """Contacts at once, no questions first; the conversation stays where it was, to continue later.

    The second alarm in one conversation gets the numbers again, briefly, not a wall of text.
    `ways_on` and `then` differ while a counselor holds the chat (the bot's menu is not running then).
    """
    s = turn.session
    s.answers["danger"] = sorted({*s.answers.get("danger", []), *categories})
    contacts = contacts_for(categories)
    lines = [turn.text(f"safety.contact.{c}") for c in contacts]
    if s.danger_seen:
        turn.messages.append(Text("\n".join([turn.text("safety.again"), *lines])))
    else:
        turn.messages.append(Text("\n".join([turn.text("safety.first"), *lines])))
        if then:
            turn.say(then)
    s.danger_seen += 1
    calls = tuple(call(turn, c) for c in contacts if "#" not in str(lookup(turn.facts, f"window.{c}.phone")))
    # "#8891" cannot go into a tel: link on every phone (bot/engine/referral.py): its line says the number
    return turn.reply(calls + tuple(turn.command(c) for c in ways_on))


def call(turn: Turn, contact: str) -> Choice:
    """A tap-to-call button for one of the emergency contacts (safety.CONTACT_ORDER)."""
    number = re.sub(r"[^0-9+]", "", str(lookup(turn.facts, f"window.{contact}.phone")))
    return Choice(turn.text(f"safety.call.{contact}"), "", uri="tel:" + number)


def erased(turn: Turn) -> Reply:
    """Say so; the worker then erases everything of this person (session, answers, turn records)."""
    lang = turn.session.lang
    turn.session.restart()
    turn.session.lang = lang
    turn.say("privacy.erased")
    return Reply(tuple(turn.messages), erase=True, quiet=turn.session.quiet)


def closed(turn: Turn) -> Reply:
    """Quick exit: a neutral last line (the chat list preview shows nothing alarming) and no buttons."""
    turn.session.restart()
    turn.say("privacy.closed")
    return turn.reply()
