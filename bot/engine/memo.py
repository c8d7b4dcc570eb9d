"""相談メモ: what the person told the bot, what the card said, the deadlines, what to bring, questions to ask and
where to ask, as text to copy or forward; a ~200-character version for booking forms; and, with their consent,
the same memo in the counselor's ticket.

Built only from the person's own answers and reviewed texts, in neutral words; its parts, their order and the
per-topic lists are flows/memo.yaml. The first message is a neutral line, because a notification or the chat
list shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from bot.content.flows import Flow, FlowError
from bot.content.texts import day
from bot.engine import referral
from bot.engine.handoff import Handoff
from bot.engine.reminders import ReminderPlan, open_deadlines
from bot.engine.replies import Reply, Text, TicketAction, TicketNote
from bot.engine.session import Session
from bot.engine.turn import Turn

PARTS = ("answers", "card", "deadlines", "bring", "questions", "windows", "disclaimer")
SHARED = "_memo_shared"  # the person said a counselor may see the memo (kept with the answers; a restart asks again)


@dataclass(frozen=True)
class MemoPlan:
    """flows/memo.yaml: the parts in order, and per topic (flow id) the text keys of what to bring and ask."""

    parts: tuple[str, ...] = PARTS
    bring: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    questions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    summary_limit: int = 200
    summary_dates: Mapping[str, str] = field(default_factory=dict)  # an answer's key → the words naming its date


def load_plan(path: Path) -> MemoPlan:
    """flows/memo.yaml, refused at start-up when a part is not one the memo knows."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    parts = tuple(data.get("parts") or PARTS)
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise FlowError(f"{path.name}: unknown memo parts {unknown}; known: {list(PARTS)}")
    lists = {name: {flow: tuple(keys) for flow, keys in (data.get(name) or {}).items()}
             for name in ("bring", "questions")}
    return MemoPlan(parts, lists["bring"], lists["questions"], int(data.get("summary_limit", 200)),
                    dict(data.get("summary_dates") or {}))


@dataclass(frozen=True)
class Memo:
    """What the memo commands need of the engine."""

    flows: Mapping[str, Flow]
    handoff: Handoff
    plan: MemoPlan
    reminders: ReminderPlan

    def body(self, turn: Turn) -> str | None:
        """The memo's text in the person's language; None when they have answered nothing yet."""
        s = turn.session
        topics = self.handoff.answered(s, s.lang)
        if not topics:
            return None
        lines: list[str] = [turn.text("memo.title")]
        for part in self.plan.parts:
            lines += self._part(part, turn, topics)
        return "\n".join(lines).strip()

    def _part(self, part: str, turn: Turn, topics: Sequence[tuple[str, list[tuple[str, str]]]]) -> list[str]:
        s, lines = turn.session, []
        if part == "answers":
            for flow_id, pairs in topics:
                lines += ["", "■ " + turn.text(self.flows[flow_id].title)]
                lines += [turn.fill("memo.answer", {"question": q, "answer": a}) for q, a in pairs]
        elif part == "card":
            node = self.flows[s.flow].nodes.get(s.state)
            if node is not None and node.kind == "result":
                card = turn.card(node, refer=False)
                lead = card.sections[: card.lead or len(card.sections)]
                lines += ["", "■ " + turn.text("memo.card_heading")]
                lines += [f"{heading}\n{body}" if heading else body for heading, body in lead]
        elif part == "deadlines":
            ahead = open_deadlines(self.reminders, self.flows[s.flow], s.answers, turn.today)
            if ahead:
                lines += ["", "■ " + turn.text("memo.deadlines_heading")]
                lines += [turn.fill("memo.deadline", {"what": turn.text(label), "deadline": day.isoformat()})
                          for day, label in ahead]
                lines.append(turn.text("memo.deadlines_note"))
        elif part in ("bring", "questions"):
            listed = self.plan.bring if part == "bring" else self.plan.questions
            keys = list(dict.fromkeys(k for flow_id, _ in topics for k in listed.get(flow_id, ())))
            if keys:
                lines += ["", "■ " + turn.text(f"memo.{part}_heading")]
                lines += ["・" + turn.text(k) for k in keys]
        elif part == "windows" and turn.referred:
            lines += ["", "■ " + turn.text("memo.windows_heading"), referral.section(turn)]
        elif part == "disclaimer":
            lines += ["", turn.text("common.disclaimer")]
        return lines

    def summary(self, turn: Turn) -> str | None:
        """The booking form's version: the topics, the answers (without their questions) and the nearest deadline,
        in at most `summary_limit` characters: answers are left out from the end ("…and more") until it fits."""
        s = turn.session
        topics = self.handoff.answered(s, s.lang)
        if not topics:
            return None
        names = turn.raw("windows.list").join(turn.text(self.flows[f].title) for f, _ in topics)
        dated = {key: turn.fill("memo.summary_date", {"what": turn.text(label), "deadline": s.answers[key]})
                 for key, label in self.plan.summary_dates.items() if isinstance(s.answers.get(key), str)}
        shown_dates = {day(s.answers[key], s.lang) for key in dated}  # a date answer is said with its name
        answers = [a for _, pairs in topics for _, a in pairs if a not in shown_dates] + list(dated.values())
        ahead = open_deadlines(self.reminders, self.flows[s.flow], s.answers, turn.today)
        deadline = turn.fill("memo.summary_deadline", {"deadline": ahead[0][0].isoformat()}) if ahead else ""
        for n in range(len(answers), -1, -1):
            shown = turn.raw("windows.list").join(answers[:n]) + (turn.text("memo.summary_more") if n < len(answers)
                                                                   else "")
            text = turn.fill("memo.summary", {"topics": names, "answers": shown, "deadline": deadline})
            if len(text) <= self.plan.summary_limit:
                return text
        return text[: self.plan.summary_limit]


def memo(turn: Turn, memo: Memo) -> Reply:
    """The memo as two messages (a neutral first line, then the memo), or a line saying there is nothing yet."""
    return _deliver(turn, memo.body(turn), "memo.first_line", ("memo_short", "memo_share", "continue", "close"))


def summary(turn: Turn, memo: Memo) -> Reply:
    return _deliver(turn, memo.summary(turn), "memo.summary_first_line", ("memo", "continue", "close"))


def _deliver(turn: Turn, text: str | None, first_line: str, buttons: tuple[str, ...]) -> Reply:
    """A neutral first line (what a notification shows), then the text and its buttons; or nothing yet."""
    if text is None:
        turn.say("memo.nothing_yet")
        return turn.reply()
    turn.say(first_line)
    turn.messages.append(Text(text))
    return turn.reply(tuple(turn.command(name) for name in buttons))


def share(turn: Turn, memo: Memo) -> Reply:
    """「メモを担当者に見せる」: the person's consent. With a counselor's ticket open, the memo goes into its
    transcript now; otherwise it goes with the ticket when they ask for a person."""
    s = turn.session
    body = memo.body(turn)
    if body is None:
        turn.say("memo.nothing_yet")
        return turn.reply()
    s.answers[SHARED] = True
    if not s.handoff:
        turn.say("memo.share_later")
        return turn.reply((turn.command("human"), turn.command("continue")))
    turn.say("memo.shared")
    note = TicketNote(s.ticket, TicketAction.RELAY, (("bot", staff_copy(turn, body)),), at=turn.at.timestamp())
    return replace(turn.reply(), ticket=note)


def with_consent(s: Session, turn: Turn, memo: Memo, reply: Reply) -> Reply:
    """A person asking for a counselor: the ticket opens with the memo only when they tapped 「メモを担当者に見せる」
    before; otherwise nothing is shared (the memo's own button shares it while the ticket is open)."""
    note = reply.ticket
    if note is None or note.action is not TicketAction.OPEN or not s.answers.get(SHARED):
        return reply
    body = memo.body(turn)
    if body is None:
        return reply
    return replace(reply, ticket=replace(note, lines=(*note.lines, ("bot", staff_copy(turn, body)))))


def staff_copy(turn: Turn, body: str) -> str:
    return turn.text("memo.staff_heading") + "\n" + body
