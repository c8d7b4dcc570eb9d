"""One turn: a person's input + their session → what the bot says, and the session moved on.

Pure with respect to I/O: no Redis, no LINE, no clock. The worker loads and saves the session around it.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from transitions import MachineError

from bot.content.flows import FLOW_PREFIX, Flow, FlowError, Node
from bot.content.texts import LANGUAGES, MissingText, Texts, day
from bot.directory.local import LocalDirectory
from bot.directory.places import says_more
from bot.directory.windows import Window
from bot.engine import place, referral, reminders
from bot.engine.commands import COMMANDS, Midway
from bot.engine.handoff import COUNSELORS, Handoff
from bot.engine.inputs import Incoming
from bot.engine.memo import Memo, MemoPlan
from bot.engine.reminders import ReminderPlan, due_message, open_deadlines
from bot.engine.replies import ReminderNote, Reply, Text, TicketAction, parse_tap
from bot.engine.safety_replies import danger_reply, erased
from bot.engine.session import MENU_FLOW, Session
from bot.engine.turn import Turn
from bot.language.danger import HARM_ANSWERS, DangerCheck
from bot.language.parse import match_option, normalize, parse_amount, parse_count, parse_when
from bot.language.romaji import as_kana
from bot.language.understanding import OptionText, Understanding
from bot.organizations import Organizations

log = logging.getLogger(__name__)
TOKYO = ZoneInfo("Asia/Tokyo")

Calculator = Callable[[Mapping[str, Any], Mapping[str, Any], date], dict[str, Any]]
Transition = Callable[[str, str, str, Session], None]
MAX_MISSES = 2
HANDOFF_TIMEOUT_S = 30 * 60
YES = ("はい", "削除する", "消す", "yes", "delete")


class Engine:
    def __init__(
        self,
        flows: Mapping[str, Flow],
        texts: Texts,
        facts: Mapping[str, Any],
        calculators: Mapping[str, Calculator],
        commands: Mapping[str, list[str]],
        safety: DangerCheck | None = None,
        session_days: int = 7,
        zone: ZoneInfo = TOKYO,
        windows: Mapping[str, Window] | None = None,
        organizations: Organizations | None = None,
        handoff_timeout: int = HANDOFF_TIMEOUT_S,
        on_transition: Transition | None = None,
        memo_plan: MemoPlan | None = None,
        nlu: Understanding | None = None,
        local_windows: LocalDirectory | None = None,
        reminder_plan: ReminderPlan | None = None,
    ) -> None:
        """`organizations`: who serves where and when their counselors read the queue (None: one queue,
        always staffed); `handoff_timeout`: seconds a queued ticket waits, counted from when the serving
        organization's hours begin, before the person is told;
        `on_transition(flow, state_before, trigger, session)` observes every transition fired; `local_windows`:
        each prefecture's offices, shown first once the person says where they live (None: national only)."""
        self.local = local_windows
        facts = {**facts, **(local_windows.phones if local_windows else {})}  # sourced local numbers, as facts
        self.on_transition = on_transition
        self.reminder_plan = reminder_plan or ReminderPlan({}, (30, 7))  # no deadline fields: no reminders
        self.zone = zone
        counselors = {COUNSELORS: organizations.default.hours} if organizations else {}  # until one serves the person
        self.windows = {**(windows or {}), **counselors}
        self.organizations, self.handoff_timeout = organizations, handoff_timeout
        self.handoff = Handoff(flows, texts, {**facts, "session_days": session_days}, organizations, handoff_timeout,
                               shown=frozenset(n for n, c in COMMANDS.items() if c.midway is Midway.BOT_NOTED),
                               passing=frozenset(n for n, c in COMMANDS.items() if c.midway is not Midway.RELAY))
        self.flows, self.texts, self.calculators = flows, texts, calculators
        self.memo = Memo(flows, self.handoff, memo_plan or MemoPlan(), self.reminder_plan)
        self.facts = {**facts, "session_days": session_days}
        self.safety = safety
        if set(commands) - set(COMMANDS):  # words (flows/commands.yaml) for a command the table does not have
            raise FlowError(f"commands.yaml names unknown commands: {sorted(set(commands) - set(COMMANDS))}")
        self.nlu = nlu  # the language layer: routing, free-word answers, slots (None: substring matching only)
        self.commands = {normalize(w): name for name, words in commands.items() for w in words if normalize(w)}
        self.menu_options = self._option_words(flows[MENU_FLOW].nodes[flows[MENU_FLOW].start])

    def _turn(self, s: Session, at: float) -> Turn:
        """`at` is when the person wrote: their "today" in KAKEHASHI_TZ, for dates and deadlines."""
        when = datetime.fromtimestamp(at, self.zone)
        return Turn(self.texts, self.facts, s, when, self.windows, self.local, remindable=lambda: bool(
            open_deadlines(self.reminder_plan, self.flows[s.flow], s.answers, when.date())))

    # ── entry point ────────────────────────────────────────────────────────────
    def step(self, session: Session, incoming: Incoming) -> Reply:
        """Never raises for anything a person can send: a broken turn restarts kindly at the menu."""
        try:
            return self._step(session, incoming)
        except (FlowError, MachineError, MissingText, KeyError, ValueError, TypeError) as exc:
            log.error("turn failed at %s/%s: %s", session.flow, session.state, type(exc).__name__)
            session.restart()
            turn = self._turn(session, incoming.at)
            turn.say("common.sorry")
            return turn.prompt(self.node_of(session))

    def _step(self, s: Session, inc: Incoming) -> Reply:
        turn = self._turn(s, inc.at)
        if inc.kind in ("counselor", "handoff_end", "handoff_transfer"):
            return self.handoff.from_desk(s, inc, turn)
        if inc.kind == "reminder":  # one the person asked for, come due: in the language they asked in
            return due_message(self._turn(Session(lang=inc.params.get("lang", s.lang), quiet=s.quiet), inc.at), inc)
        if inc.kind == "unfollow":  # a blocked bot sends nothing more: the reminders go too
            return Reply(silent=True, reminders=ReminderNote(cancel_all=True))
        if inc.kind == "unsend":
            return Reply(silent=True)
        danger = self.safety.detect(inc.text) if self.safety and inc.kind == "text" else ()
        if s.handoff:
            s.fresh = False
            relayed = self.handoff.during(s, inc, turn, danger, self._command(inc))
            if relayed is not None:
                return relayed
        if inc.kind == "follow":
            s.restart()
            turn.say("common.welcome")
            turn.say("privacy.notice")
            return turn.prompt(self.node_of(s))
        if inc.kind not in ("text", "postback"):
            turn.say(f"common.received.{inc.kind}")
            return turn.where(self.node_of(s))
        first = s.fresh
        if inc.kind == "text" and first:
            s.lang = "en" if _looks_english(inc.text) else s.lang
        s.fresh = False
        if danger and self._describes_harm(s, inc.text):
            # "What happened?" answered in the person's words (外に出さないと言われた): the answer is taken, and
            # the danger is kept for the card, which puts the emergency lines first.
            s.answers["danger"] = sorted({*s.answers.get("danger", []), *danger})
            danger = ()
        if danger:
            return danger_reply(turn, danger)
        command = self._command(inc)
        if s.confirming == "erase":
            s.confirming = ""
            if command == "erase_yes" or (not command and normalize(inc.text) in map(normalize, YES)):
                return Handoff.ended_by_person(s, erased(turn), TicketAction.ERASED)
            turn.say("privacy.erase_cancelled")
            if not command:
                return self._where(s, turn)
        if s.answers.get(reminders.AWAITING_DATE) and command != "remind_date":  # a day they want reminded of
            picked = inc.params.get("date", "") if command == "remind_on" else None
            dated = reminders.given_date(self, s, turn, picked if command else inc.text)
            if dated is not None:
                return dated
        if command:
            reply = self._run_command(command, s, turn)
            return self.handoff.noted(s, command, reply, turn) if s.handoff else reply
        node = self.node_of(s)
        if inc.kind == "text" and self.local is not None:
            said = place.heard(s, inc.text, at_rest=s.flow == MENU_FLOW or node.kind == "result")
            if said is not None:
                place.remember(turn, said[0], said[1])
                if said[2] and (said[0] == place.DECLINED or not says_more(inc.text)):  # only that: answered
                    return self._place_answered(s, node, turn)
        if inc.kind == "postback":
            return self._tap(s, node, inc, turn)
        if s.flow == MENU_FLOW or node.kind == "result":
            return self._route(s, node, inc.text, turn, first)
        option = self._option(s, node, inc.text)
        if node.kind == "input":  # an input may also offer options, e.g. "I don't know"
            return self._choose(s, node, option, turn) if option else self._answer(s, node, inc.text, turn)
        if option is None:
            return self._miss(s, turn, "common.not_understood")
        return self._choose(s, node, option, turn)

    # ── understanding free words ────────────────────────────────────────────────
    def _place_answered(self, s: Session, node: Node, turn: Turn) -> Reply:
        """After 「大阪に住んでいます」: the windows for them now, local first, with the menu's or card's buttons;
        mid-question, the question again."""
        if s.place != place.DECLINED and (node.kind == "result" or s.flow == MENU_FLOW):
            shown = referral.fitting(turn)
            turn.messages.append(Text("\n".join([turn.text("local.nearby"), referral.section(turn, shown)])))
            choices = turn.choices(node)
            return turn.reply(tuple(c for c in referral.calls(turn, shown) if c not in choices) + choices)
        return turn.where(node)

    def _option(self, s: Session, node: Node, text: str) -> str | None:
        """An option by number or word (match_option), else by the language layer: yes/no words, lemmas, typos."""
        option = match_option(text, self._option_words(node))
        if option is None and self.nlu is not None and node.options:
            option = self.nlu.option(text, s.flow, node.name, self._option_texts(node))
        return option

    def _route(self, s: Session, node: Node, text: str, turn: Turn, first: bool) -> Reply:
        """Free text at the menu or after a result: the topic it belongs to, a question naming two close ones,
        or a kind "not understood" with the menu. A result's own options (e.g. 法テラス) are tried first."""
        if node.kind == "result":
            option = match_option(text, self._option_words(node))
            if option is not None:
                return self._choose(s, node, option, turn)
        said = normalize(text)
        exact = next((oid for oid, words in self.menu_options if any(normalize(w) == said for w in words)), None)
        if exact is None and said.isdecimal() and len(said) < 4 and 1 <= int(said) <= len(self.menu_options):
            exact = self.menu_options[int(said) - 1][0]
        kind, topics = ("go", (exact,)) if exact else self.nlu.route(text) if self.nlu else ("none", ())
        if self.nlu is None and exact is None:
            found = match_option(text, self.menu_options)
            kind, topics = ("go", (found,)) if found else ("none", ())
        if kind == "none" and (first and s.flow == MENU_FLOW):
            return turn.prompt(self.node_of(s))  # a first "hello" is a greeting, not a wrong answer
        if kind == "none" and node.kind == "result" and s.flow != MENU_FLOW:
            return self._miss(s, turn, "common.not_understood")
        if s.flow != MENU_FLOW or s.state != self.flows[MENU_FLOW].start:
            self._go(s, FLOW_PREFIX + MENU_FLOW, turn)
        menu = self.node_of(s)
        if kind == "go":
            if self.nlu is not None:
                s.answers["_prefill"] = self.nlu.prefill(topics[0], text, turn.today)
            return self._choose(s, menu, topics[0], turn)
        if kind == "ask":
            labels = {o.id: turn.text(o.label) for o in menu.options}
            turn.messages.append(Text(turn.fill("understand.which", {"a": labels[topics[0]], "b": labels[topics[1]]})))
            both = tuple(c for c in turn.choices(menu) if c.data.rsplit(".", 1)[-1] in topics)
            return turn.reply(both + (turn.command("close"),))
        return self._miss(s, turn, "understand.not_understood_menu")

    def _prefilled(self, s: Session, node: Node) -> str | None:
        """The option the first message already chose for this question (bot/language slots), used once."""
        pending = s.answers.get("_prefill")
        if not pending or node.kind not in ("ask", "input") or s.flow == MENU_FLOW or node.name not in pending:
            return None
        option = pending.pop(node.name)
        if not pending:
            s.answers.pop("_prefill", None)
        if node.kind == "input":
            return option if node.format == "date" and str(option).startswith("date:") else None
        return option if option in {o.id for o in node.options} else None

    # ── what a person can do ───────────────────────────────────────────────────
    def _command(self, inc: Incoming) -> str | None:
        if inc.kind == "postback":
            return inc.text[4:] if inc.text.startswith("cmd:") and inc.text[4:] in COMMANDS else None
        return self.commands.get(normalize(inc.text))

    def _run_command(self, command: str, s: Session, turn: Turn) -> Reply:
        reply = COMMANDS[command].run(self, s, turn)
        if reply is not None:
            return reply
        s.misses = 0
        return self._where(s, turn)

    def menu_node(self, name: str) -> Node:
        """A node of the menu flow (the emergency card the `emergency` command shows)."""
        return self.flows[MENU_FLOW].nodes[name]

    def _where(self, s: Session, turn: Turn) -> Reply:
        """Show where the person is, unless a counselor has the chat (then the bot adds nothing more)."""
        return turn.reply() if s.handoff else turn.where(self.node_of(s))

    def _tap(self, s: Session, node: Node, inc: Incoming, turn: Turn) -> Reply:
        """A tapped button: `opt:<flow>.<node>.<option>`, or a date picked for `date:<flow>.<node>`.

        An old button (the conversation has moved on) re-asks the current question kindly.
        """
        kind, flow_id, node_name, option = parse_tap(inc.text)
        if kind not in ("opt", "date") or (flow_id, node_name) != (s.flow, s.state):
            turn.say("common.stale_button")
            return turn.where(self.node_of(s))
        if kind == "date":
            return self._answer(s, node, inc.params.get("date", ""), turn)
        if option not in {o.id for o in node.options}:
            return self._miss(s, turn, "common.not_understood")
        return self._choose(s, node, option, turn)

    def _choose(self, s: Session, node: Node, option_id: str, turn: Turn) -> Reply:
        option = next(o for o in node.options if o.id == option_id)
        s.answers.update(option.set)
        self._advance(s, node, f"choose:{option_id}", turn)
        return turn.prompt(self.node_of(s))

    def _answer(self, s: Session, node: Node, text: str, turn: Turn) -> Reply:
        value: int | str | None
        approx = None
        if node.format == "date":
            when = parse_when(text, turn.today)  # 去年の春 → a span; the earliest day is the safer deadline
            value = when.earliest.isoformat() if when else None
            approx = when if when and when.approximate else None
        elif node.format == "yen":
            value = parse_amount(text)
        elif node.format == "count":
            value = parse_count(text)
        else:
            value = text.strip()[:500] or None
        if value is None or (isinstance(value, int) and not _within(value, node)):
            return self._miss(s, turn, f"common.invalid.{node.format}")
        key = node.key or node.name
        s.answers[key] = value
        s.answers.pop(f"{key}_approx", None)
        if approx is not None:
            s.answers[f"{key}_approx"] = True
            span = f"{day(approx.earliest, s.lang)}〜{day(approx.latest, s.lang)}"
            turn.messages.append(Text(turn.fill("understand.approx_date",
                                                {"date": span, "earliest": day(approx.earliest, s.lang)})))
        self._advance(s, node, "submit", turn)
        return turn.prompt(self.node_of(s))

    def _miss(self, s: Session, turn: Turn, why: str) -> Reply:
        s.misses += 1
        turn.say(why)
        if s.misses >= MAX_MISSES and s.flow != MENU_FLOW:  # at the menu, "send menu" would be no help
            s.misses = 0
            turn.say("common.offer_menu")
            return turn.where(self.node_of(s), extra=(turn.command("menu"), turn.command("human")))
        return turn.where(self.node_of(s))

    # ── moving through the flow ────────────────────────────────────────────────
    def _advance(self, s: Session, node: Node, trigger: str, turn: Turn) -> None:
        s.history.append([s.flow, s.state])
        del s.history[:-30]
        s.misses = 0
        self._fire(s, trigger)
        self._settle(s, turn)

    def _fire(self, s: Session, trigger: str, **kwargs: Any) -> None:
        flow, before = s.flow, s.state
        event = self.flows[s.flow].machine.events.get(trigger)
        if event is None or not event.trigger(s, **kwargs):
            raise FlowError(f"{s.flow}/{s.state}: {trigger} led nowhere")
        if self.on_transition is not None:
            self.on_transition(flow, before, trigger, s)

    def _go(self, s: Session, target: str, turn: Turn) -> None:
        s.flow, s.state = target.removeprefix(FLOW_PREFIX), self.flows[target.removeprefix(FLOW_PREFIX)].start
        self._settle(s, turn)

    def _settle(self, s: Session, turn: Turn) -> None:
        """Run through `say` and `compute` nodes until one that waits for the person. A question the first
        message already answered is answered for them and confirmed in one line (「離婚した後」ですね)."""
        noted: list[str] = []
        for _ in range(100):
            if s.state.startswith(FLOW_PREFIX):
                flow_id = s.state.removeprefix(FLOW_PREFIX)
                s.flow, s.state = flow_id, self.flows[flow_id].start
                continue
            node = self.node_of(s)
            prefilled = self._prefilled(s, node) if node.waits else None
            if prefilled is not None and node.kind == "input":  # a date: "date:EARLIEST:LATEST"
                earliest, latest = prefilled.split(":")[1:3]
                key = node.key or node.name
                s.answers[key] = earliest
                if earliest != latest:
                    s.answers[f"{key}_approx"] = True
                first, last = day(earliest, s.lang), day(latest, s.lang)  # as readers write dates
                noted.append(first if earliest == latest else f"{first}〜{last}")
                s.history.append([s.flow, s.state])
                self._fire(s, "submit")
                continue
            if prefilled is not None:
                option = next(o for o in node.options if o.id == prefilled)
                noted.append(turn.text(option.label))
                s.answers.update(option.set)
                s.history.append([s.flow, s.state])
                self._fire(s, f"choose:{prefilled}")
                continue
            if node.waits:
                if noted:
                    turn.messages.append(Text(turn.fill("understand.noted", {"answers": "」「".join(noted)})))
                return
            if node.kind == "say":
                for key in node.texts:
                    turn.say(key)
                self._fire(s, "next")
            else:
                result = self.calculators[node.calculator or ""](s.answers, self.facts, turn.today)
                s.answers[node.key or node.name] = result
                self._fire(s, "resolve", outcome=result["outcome"])
        raise FlowError(f"{s.flow}: say/compute nodes loop")

    def node_of(self, s: Session) -> Node:
        """Where the person is: the question or result they see."""
        try:
            return self.flows[s.flow].nodes[s.state]
        except KeyError:
            raise FlowError(f"unknown place {s.flow}/{s.state}") from None

    # ── understanding ───────────────────────────────────────────────────────────
    def _describes_harm(self, s: Session, text: str) -> bool:
        """The person is at a question about the harm done (an option records `harm`) and their words name
        one of its options: an answer, not an alarm."""
        node = self.flows[s.flow].nodes.get(s.state)
        if node is None or node.kind != "ask" or not any(set(o.set) & set(HARM_ANSWERS) for o in node.options):
            return False
        return match_option(text, self._option_words(node)) is not None

    def _option_words(self, node: Node) -> list[tuple[str, list[str]]]:
        return [
            (o.id, [*(self.texts.raw(lang, o.label) for lang in LANGUAGES), *o.synonyms]) for o in node.options
        ]

    def _option_texts(self, node: Node) -> list[OptionText]:
        return [OptionText(oid, self.texts.raw("ja", o.label), words)
                for (oid, words), o in zip(self._option_words(node), node.options, strict=True)]


def _within(value: int, node: Node) -> bool:
    return (node.min is None or value >= node.min) and (node.max is None or value <= node.max)


def _looks_english(text: str) -> bool:
    """Latin words, not an acronym a Japanese writer uses ("DV", "OK", "LINE") nor Japanese typed in romaji
    (kodomo ni aenai): that person reads Japanese."""
    letters = [c for c in text if c.isalpha()]
    plain = unicodedata.normalize("NFKC", text).lower()
    return (len(letters) >= 4 and all(c.isascii() for c in letters) and any(c.islower() for c in letters)
            and as_kana(plain) == plain)
