"""Care for the person before the flow: the emergency lines before any question, and a discreet way out
(an exit that leaves nothing alarming on the screen)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.content.texts import lookup
from bot.directory.windows import is_open
from bot.engine.replies import Choice, Reply, Text
from bot.engine.turn import Turn
from bot.language.danger import CONTACT_ORDER, CONTACTS

# Contacts for kinds of danger that bot/language/danger.py may not list (yet): sexual violence → the one-stop centre
# (#8891); suicidal words also get 110, for danger now.
EXTRA_CONTACTS = {"sexual_violence": ("police", "onestop"), "suicide": ("police",)}
ORDER = (*CONTACT_ORDER, *(c for c in ("onestop",) if c not in CONTACT_ORDER))
# A contact may be reached on more than one line with its own hours (いのちの電話: 0120 16–21h, 0570 10–22h).
LINES = {"inochi": ("inochi", "inochi_navi")}


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
    return turn.reply(open_calls(turn, contacts) + tuple(turn.command(c) for c in ways_on))


def contacts_for(categories: Sequence[str]) -> list[str]:
    """Contacts in a stable order, each once: danger now first."""
    wanted = {c for cat in categories for c in (*CONTACTS.get(cat, ()), *EXTRA_CONTACTS.get(cat, ()))}
    return [c for c in ORDER if c in wanted]


def open_calls(turn: Turn, contacts: Sequence[str]) -> tuple[Choice, ...]:
    """Tap-to-call buttons for the lines that answer now: a closed line's button would ring out. A contact
    whose hours are unknown here (110) is always callable."""
    out: list[Choice] = []
    for contact in contacts:
        for line in LINES.get(contact, (contact,)):
            window = turn.windows.get(line)
            if window is not None and is_open(window, turn.at) is False:
                continue
            number = _digits(turn, window.phone if window is not None and window.phone else f"window.{contact}.phone")
            if number.isdigit():  # "#8891" cannot go into a tel: link on every phone
                out.append(Choice(turn.text(f"safety.call.{contact}"), "", uri="tel:" + number))
                break
    return tuple(out)


def _digits(turn: Turn, fact: str) -> str:
    return re.sub(r"[^0-9#]", "", str(lookup(turn.facts, fact)))


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
