"""Talking to a person: ask for a counselor anywhere, the bot stays quiet while one helps, then resumes.

States (Session.handoff): "" the bot answers → "queued" waiting for a counselor → "with_counselor" after
the first counselor reply → back to "" when the counselor closes, the person cancels, or nobody came in
time. The flow position is never touched while a person helps, so the bot resumes exactly where it was.
Pure like the rest of the engine: the ticket itself is written by the store, from the reply's note.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.engine.care import danger_reply
from bot.engine.inputs import Incoming
from bot.engine.replies import Reply, Text, TicketNote, parse_tap
from bot.engine.texts import MissingText, show
from bot.engine.turn import Turn
from bot.handoff.windows import is_open, next_opening

if TYPE_CHECKING:
    from bot.engine.flows import Node
    from bot.engine.session import Session
    from bot.engine.step import Engine

QUEUED, WITH_COUNSELOR = "queued", "with_counselor"
ACKNOWLEDGED = "handoff_acknowledged"  # in answers: the ticket whose waiting period was acknowledged
STAFF_LANG = "ja"  # counselors read summaries and transcript notes in Japanese
SHOWN = ("windows", "emergency")  # what the bot shows mid-handoff that a counselor should know of
PASS_THROUGH = ("close", "erase", "erase_yes", "quiet_on", "quiet_off", "staying_safe", "windows",
                "emergency")  # still the bot's


def new_ticket_id() -> str:
    return secrets.token_hex(8)


def ask_for_person(engine: Engine, s: Session, turn: Turn) -> Reply:
    """Open a ticket and say honestly when a counselor will read it."""
    if s.handoff:
        turn.say("handoff.already")
        return turn.reply((turn.command("cancel"),))
    s.ticket, s.handoff = new_ticket_id(), QUEUED
    hours, at = engine.counselors, turn.at
    open_now = hours is None or is_open(hours, at)
    starts = at if open_now or hours is None else (next_opening(hours, at) or at)
    turn.say("handoff.queued_open" if open_now else "handoff.queued_later")
    note = TicketNote(s.ticket, "open", summary=summarize(engine, s), danger=bool(s.answers.get("danger")),
                      at=at.timestamp(), expires=starts.timestamp() + engine.handoff_timeout)
    return replace(turn.reply((turn.command("cancel"),)), ticket=note)


def during(engine: Engine, s: Session, inc: Incoming, turn: Turn, danger: tuple[str, ...],
           command: str | None) -> Reply | None:
    """While a person helps: relay what the person sends. None: the bot's usual path handles it."""
    if s.confirming == "erase" or command in PASS_THROUGH:
        return None
    said = (("user", _describe(engine, s, inc)),)
    if command == "cancel":
        tid, s.handoff, s.ticket = s.ticket, "", ""
        turn.say("handoff.cancelled")
        reply = turn.where(engine.node_of(s))
        note = TicketNote(tid, "cancel", said + (("bot", _staff(engine, "cancelled")),), at=turn.at.timestamp())
        return replace(reply, ticket=note)
    if danger:
        reply = danger_reply(turn, danger, ways_on=("cancel", "close"), then=None)
        turn.say("handoff.danger_noted")
        reply = replace(reply, messages=tuple(turn.messages))
        note = TicketNote(s.ticket, "relay", said + (("bot", _staff(engine, "danger_shown")),), danger=True,
                          summary=summarize(engine, s),  # with every kind of danger seen so far
                          at=turn.at.timestamp(), message_id=inc.params.get("message_id", ""))
        return replace(reply, ticket=note)
    note = TicketNote(s.ticket, "relay", said, at=turn.at.timestamp(), message_id=inc.params.get("message_id", ""))
    if _acknowledge(engine, s, turn):
        return replace(turn.reply((turn.command("cancel"),)), ticket=note)
    return Reply(silent=True, ticket=note)


def _acknowledge(engine: Engine, s: Session, turn: Turn) -> bool:
    """Outside the counselors' hours, the first message of a waiting period gets one line, so the person
    knows it arrived and when it will be read; the rest, as ever, go quietly to the transcript."""
    hours = engine.counselors
    if s.handoff != QUEUED or hours is None or is_open(hours, turn.at) or s.answers.get(ACKNOWLEDGED) == s.ticket:
        return False
    s.answers[ACKNOWLEDGED] = s.ticket
    turn.say("handoff.received_later")
    return True


def noted(engine: Engine, s: Session, command: str, reply: Reply, turn: Turn) -> Reply:
    """The bot answered mid-handoff (emergency numbers, where to ask): the counselor sees that it did."""
    if command not in SHOWN or reply.ticket is not None:
        return reply
    return replace(reply, ticket=TicketNote(s.ticket, "relay", (("bot", _staff(engine, f"shown_{command}")),),
                                            at=turn.at.timestamp()))


def ended_by_person(s: Session, reply: Reply, why: str) -> Reply:
    """The person closed the chat or erased their data mid-handoff: the ticket ends with it."""
    tid = s.ticket
    s.handoff, s.ticket = "", ""
    return replace(reply, ticket=TicketNote(tid, why)) if tid else reply


def from_desk(engine: Engine, s: Session, inc: Incoming, turn: Turn) -> Reply:
    """A counselor's message, or the end of the handoff; stale ones (another ticket) are dropped."""
    if not s.handoff or inc.params.get("ticket") != s.ticket:
        return Reply(silent=True)
    if inc.kind == "counselor":
        if s.handoff == QUEUED:
            s.handoff = WITH_COUNSELOR
            turn.say("handoff.counselor_joined")
        turn.messages.append(Text(turn.text("handoff.counselor_says") + inc.text))
        return turn.reply()
    s.handoff, s.ticket = "", ""
    turn.say("handoff.timeout" if inc.params.get("why") == "timeout" else "handoff.ended")
    return turn.where(engine.node_of(s))


def summarize(engine: Engine, s: Session) -> dict[str, Any]:
    """The triage so far as a counselor reads it: topic, question → answer, danger seen, language.

    When the person went through more than one topic, each topic's answers come under a heading line (an
    answer of ""), earlier finished topics first, marked apart from the current one."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for flow_id, node_name in [*s.history, [s.flow, s.state]]:
        if not groups or groups[-1][0] != flow_id:
            groups.append((flow_id, []))
        pair = _answered(engine, s, engine.flows[flow_id].nodes.get(node_name))
        if pair is not None and pair not in groups[-1][1]:
            groups[-1][1].append(pair)
    groups = [g for g in groups if g[1]]
    answers: list[tuple[str, str]] = []
    for i, (flow_id, pairs) in enumerate(groups):
        if len(groups) > 1:
            now = i == len(groups) - 1 and flow_id == s.flow
            title = _staff_text(engine, engine.flows[flow_id].title, s)
            answers.append((_staff(engine, "topic_now" if now else "topic_before") + title, ""))
        answers += pairs
    topic = _staff_text(engine, engine.flows[s.flow].title, s)
    return {"topic": topic, "answers": answers, "danger": list(s.answers.get("danger", [])), "lang": s.lang}


def _answered(engine: Engine, s: Session, node: Node | None) -> tuple[str, str] | None:
    """(question, answer) for a question the person answered, in the counselors' language."""
    if node is None or node.kind not in ("ask", "input") or not node.text:
        return None
    if node.kind == "ask":
        chosen = next((o for o in node.options
                       if o.set and all(s.answers.get(k) == v for k, v in o.set.items())), None)
        return (_staff_text(engine, node.text, s), _staff_text(engine, chosen.label, s)) if chosen else None
    if (node.key or node.name) in s.answers:
        fmt = {"yen": "yen", "date": "date"}.get(node.format or "", "")  # 25万円, 2026年5月1日: as the bot writes
        return _staff_text(engine, node.text, s), show(s.answers[node.key or node.name], fmt, STAFF_LANG)
    return None


def _describe(engine: Engine, s: Session, inc: Incoming) -> str:
    """What the person sent, for the transcript: their words, or a note of what it was."""
    if inc.kind == "text":
        return inc.text[:2000]
    if inc.kind == "postback":
        return _staff(engine, "tapped") + _tapped(engine, s, inc.text)
    return _staff(engine, inc.kind if inc.kind in ("sticker", "media", "location", "follow") else "other")


def _tapped(engine: Engine, s: Session, data: str) -> str:
    if data.startswith("cmd:"):
        key = f"common.button.{data[4:]}"
        return engine.texts.raw(s.lang, key) if engine.texts.has(s.lang, key) else data[4:]
    _, flow_id, node_name, option_id = parse_tap(data)
    node = engine.flows[flow_id].nodes.get(node_name) if flow_id in engine.flows else None
    option = next((o for o in node.options if o.id == option_id), None) if node else None
    return engine.texts.raw(s.lang, option.label) if option else "?"


def _staff(engine: Engine, what: str) -> str:
    return engine.texts.raw(STAFF_LANG, f"handoff.log.{what}")


def _staff_text(engine: Engine, key: str, s: Session) -> str:
    try:
        text = engine.texts.get(STAFF_LANG, key, s.answers, engine.facts)
    except MissingText:
        text = engine.texts.raw(STAFF_LANG, key)
    return text if len(text) <= 120 else text[:119] + "…"
