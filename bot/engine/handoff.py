"""Talking to a person: ask for a counselor anywhere, the bot stays quiet while one helps, then resumes.

States (Session.handoff): "" the bot answers → "queued" waiting for a counselor → "with_counselor" after
the first counselor reply → back to "" when the counselor closes, the person cancels, or nobody came in
time. The flow position is never touched while a person helps, so the bot resumes exactly where it was.
Pure like the rest of the engine: the ticket itself is written by the store, from the reply's note.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.content.flows import Flow, Node
from bot.content.texts import MissingText, Texts, show
from bot.directory.windows import Window, is_open, next_opening
from bot.engine.inputs import Incoming
from bot.engine.replies import QUEUED, WITH_COUNSELOR, Reply, Text, TicketAction, TicketNote, parse_tap
from bot.engine.safety_replies import danger_reply
from bot.engine.session import Session
from bot.engine.turn import Turn
from bot.organizations import Organization, Organizations

COUNSELORS = "counselors"  # the window id locale texts use for the counselors' hours ({open.counselors})
ACKNOWLEDGED = "handoff_acknowledged"  # in answers: the ticket whose waiting period was acknowledged
HANDOFF_ORG = "handoff_org"  # in answers: the organization whose queue the person's ticket is in
STAFF_LANG = "ja"  # counselors read summaries and transcript notes in Japanese


def new_ticket_id() -> str:
    return secrets.token_hex(8)


class Handoff:
    """The engine's side of a handoff; built by the engine with what it needs to know (no way back to it)."""

    def __init__(self, flows: Mapping[str, Flow], texts: Texts, facts: Mapping[str, Any],
                 organizations: Organizations | None, timeout: int, shown: frozenset[str],
                 passing: frozenset[str]) -> None:
        """`organizations`: who serves where, and their hours (None: one queue, always staffed); `shown`:
        commands the bot answers mid-handoff and the counselor's transcript notes; `passing`: the commands
        the bot still answers itself mid-handoff (both from the command table)."""
        self.flows, self.texts, self.facts = flows, texts, facts
        self.organizations, self.handoff_timeout = organizations, timeout
        self.shown, self.passing = shown, passing

    def node_of(self, s: Session) -> Node:
        return self.flows[s.flow].nodes[s.state]

    def ask_for_person(self, s: Session, turn: Turn) -> Reply:
        """Open a ticket and say honestly when a counselor will read it."""
        if s.handoff:
            turn.say("handoff.already")
            return turn.reply((turn.command("cancel"),))
        s.ticket, s.handoff = new_ticket_id(), QUEUED
        org = self.serving(s)
        if org is not None:
            s.answers[HANDOFF_ORG] = org.id
        hours, at = self._hours(org, turn), turn.at
        open_now = hours is None or is_open(hours, at)
        starts = at if open_now or hours is None else (next_opening(hours, at) or at)
        turn.say("handoff.queued_open" if open_now else "handoff.queued_later")
        note = TicketNote(s.ticket, TicketAction.OPEN, summary=self.summarize(s), danger=bool(s.answers.get("danger")),
                          at=at.timestamp(), expires=starts.timestamp() + self.handoff_timeout,
                          org=org.id if org else "")
        return replace(turn.reply((turn.command("cancel"),)), ticket=note)

    def during(self, s: Session, inc: Incoming, turn: Turn, danger: tuple[str, ...],
               command: str | None) -> Reply | None:
        """While a person helps: relay what the person sends. None: the bot's usual path handles it."""
        if s.confirming == "erase" or command in self.passing:
            return None
        said = (("user", self._describe(s, inc)),)
        if command == "cancel":
            tid, s.handoff, s.ticket = s.ticket, "", ""
            turn.say("handoff.cancelled")
            reply = turn.where(self.node_of(s))
            note = TicketNote(tid, TicketAction.CANCEL, said + (("bot", self._staff("cancelled")),),
                              at=turn.at.timestamp())
            return replace(reply, ticket=note)
        if danger:
            reply = danger_reply(turn, danger, ways_on=("cancel", "close"), then=None)
            turn.say("handoff.danger_noted")
            reply = replace(reply, messages=tuple(turn.messages))
            note = TicketNote(s.ticket, TicketAction.RELAY, said + (("bot", self._staff("danger_shown")),), danger=True,
                              summary=self.summarize(s),  # with every kind of danger seen so far
                              at=turn.at.timestamp(), message_id=inc.params.get("message_id", ""))
            return replace(reply, ticket=note)
        note = TicketNote(s.ticket, TicketAction.RELAY, said, at=turn.at.timestamp(),
                          message_id=inc.params.get("message_id", ""))
        if self._acknowledge(s, turn):
            return replace(turn.reply((turn.command("cancel"),)), ticket=note)
        return Reply(silent=True, ticket=note)

    def _acknowledge(self, s: Session, turn: Turn) -> bool:
        """Outside the counselors' hours, the first message of a waiting period gets one line, so the person
        knows it arrived and when it will be read; the rest, as ever, go quietly to the transcript."""
        hours = self._hours(self._queue_of(s), turn)
        if s.handoff != QUEUED or hours is None or is_open(hours, turn.at) or s.answers.get(ACKNOWLEDGED) == s.ticket:
            return False
        s.answers[ACKNOWLEDGED] = s.ticket
        turn.say("handoff.received_later")
        return True

    def serving(self, s: Session) -> Organization | None:
        """The organization serving where the person lives (the default one when they did not say)."""
        return self.organizations.serving(s.place, s.city) if self.organizations else None

    def _queue_of(self, s: Session) -> Organization | None:
        """The organization whose queue the person's ticket is in: where it was opened, or transferred to."""
        held = str(s.answers.get(HANDOFF_ORG, ""))
        if self.organizations is not None and self.organizations.known(held):
            return self.organizations.get(held)
        return self.serving(s)

    @staticmethod
    def _hours(org: Organization | None, turn: Turn) -> Window | None:
        """That organization's hours, which this turn's texts then speak of as the counselors' hours."""
        if org is None:
            return None
        turn.use_window(COUNSELORS, org.hours)
        return org.hours

    def noted(self, s: Session, command: str, reply: Reply, turn: Turn) -> Reply:
        """The bot answered mid-handoff (emergency numbers, where to ask): the counselor sees that it did."""
        if command not in self.shown or reply.ticket is not None:
            return reply
        line = ("bot", self._staff(f"shown_{command}"))
        return replace(reply, ticket=TicketNote(s.ticket, TicketAction.RELAY, (line,), at=turn.at.timestamp()))

    @staticmethod
    def ended_by_person(s: Session, reply: Reply, why: TicketAction) -> Reply:
        """The person closed the chat or erased their data mid-handoff: the ticket ends with it."""
        tid = s.ticket
        s.handoff, s.ticket = "", ""
        return replace(reply, ticket=TicketNote(tid, why)) if tid else reply

    def from_desk(self, s: Session, inc: Incoming, turn: Turn) -> Reply:
        """A counselor's message, or the end of the handoff; stale ones (another ticket) are dropped."""
        if not s.handoff or inc.params.get("ticket") != s.ticket:
            return Reply(silent=True)
        if inc.kind == "handoff_transfer":
            return self._transferred(s, inc.params.get("org", ""), turn)
        if inc.kind == "counselor":
            if s.handoff == QUEUED:
                s.handoff = WITH_COUNSELOR
                turn.say("handoff.counselor_joined")
            turn.messages.append(Text(turn.text("handoff.counselor_says") + inc.text))
            return turn.reply()
        s.handoff, s.ticket = "", ""
        turn.say("handoff.timeout" if inc.params.get("why") == "timeout" else "handoff.ended")
        return turn.where(self.node_of(s))

    def _transferred(self, s: Session, org_id: str, turn: Turn) -> Reply:
        """Another organization took the request over: the person hears who, and when THEY read it; the
        ticket waits again (a counselor of the new organization joins with their first reply)."""
        if self.organizations is None or not self.organizations.known(org_id):
            return Reply(silent=True)
        org = self.organizations.get(org_id)
        s.answers[HANDOFF_ORG], s.handoff = org.id, QUEUED
        s.answers.pop(ACKNOWLEDGED, None)  # a new waiting period: out of hours, its first message is answered
        self._hours(org, turn)
        turn.messages.append(Text(turn.fill("organizations.transferred", {"org": org.label(s.lang)})))
        return turn.reply((turn.command("cancel"),))

    def summarize(self, s: Session) -> dict[str, Any]:
        """The triage so far as a counselor reads it: topic, question → answer, danger seen, language.

        When the person went through more than one topic, each topic's answers come under a heading line (an
        answer of ""), earlier finished topics first, marked apart from the current one."""
        groups = self.answered(s, STAFF_LANG)
        answers: list[tuple[str, str]] = []
        for i, (flow_id, pairs) in enumerate(groups):
            if len(groups) > 1:
                now = i == len(groups) - 1 and flow_id == s.flow
                title = self._text(self.flows[flow_id].title, s, STAFF_LANG)
                answers.append((self._staff("topic_now" if now else "topic_before") + title, ""))
            answers += pairs
        topic = self._text(self.flows[s.flow].title, s, STAFF_LANG)
        return {"topic": topic, "answers": answers, "danger": list(s.answers.get("danger", [])), "lang": s.lang}

    def answered(self, s: Session, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each topic the person went through (flow id), with the questions they answered and their answers,
        worded in `lang`: the counselor's summary and the person's consultation memo read the same."""
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for flow_id, node_name in [*s.history, [s.flow, s.state]]:
            if not groups or groups[-1][0] != flow_id:
                groups.append((flow_id, []))
            pair = self._answered(s, self.flows[flow_id].nodes.get(node_name), lang)
            if pair is not None and pair not in groups[-1][1]:
                groups[-1][1].append(pair)
        return [g for g in groups if g[1]]

    def _answered(self, s: Session, node: Node | None, lang: str) -> tuple[str, str] | None:
        """(question, answer) for a question the person answered."""
        if node is None or node.kind not in ("ask", "input") or not node.text:
            return None
        if node.kind == "ask":
            chosen = next((o for o in node.options
                           if o.set and all(s.answers.get(k) == v for k, v in o.set.items())), None)
            return (self._text(node.text, s, lang), self._text(chosen.label, s, lang)) if chosen else None
        if (node.key or node.name) in s.answers:
            fmt = {"yen": "yen", "date": "date"}.get(node.format or "", "")  # 25万円, 2026年5月1日: as the bot writes
            return self._text(node.text, s, lang), show(s.answers[node.key or node.name], fmt, lang)
        return None

    def _describe(self, s: Session, inc: Incoming) -> str:
        """What the person sent, for the transcript: their words, or a note of what it was."""
        if inc.kind == "text":
            return inc.text[:2000]
        if inc.kind == "postback":
            return self._staff("tapped") + self._tapped(s, inc.text)
        return self._staff(inc.kind if inc.kind in ("sticker", "media", "location", "follow") else "other")

    def _tapped(self, s: Session, data: str) -> str:
        if data.startswith("cmd:"):
            key = f"common.button.{data[4:]}"
            return self.texts.raw(s.lang, key) if self.texts.has(s.lang, key) else data[4:]
        _, flow_id, node_name, option_id = parse_tap(data)
        node = self.flows[flow_id].nodes.get(node_name) if flow_id in self.flows else None
        option = next((o for o in node.options if o.id == option_id), None) if node else None
        return self.texts.raw(s.lang, option.label) if option else "?"

    def _staff(self, what: str) -> str:
        return self.texts.raw(STAFF_LANG, f"handoff.log.{what}")

    def _text(self, key: str, s: Session, lang: str) -> str:
        try:
            text = self.texts.get(lang, key, s.answers, self.facts)
        except MissingText:
            text = self.texts.raw(lang, key)
        return text if len(text) <= 120 else text[:119] + "…"
