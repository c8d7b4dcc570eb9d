"""Reminders the person asked for (「期限の前に知らせる」), and the discreet message each becomes when it is due.

Never one the person did not ask for: a result card with a deadline still ahead offers the button; the person
is told first that a message will reach this phone later, where someone else may see it, then chooses when
(flows/reminders.yaml's two choices), silent or not, and whether one 「届きましたか」 follows. Pure like the
engine: the turn returns a ReminderNote, the worker writes it, the scheduler brings each back as an event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.content.flows import Flow, FlowError, Node
from bot.engine.inputs import Incoming
from bot.engine.replies import Choice, Reminder, ReminderNote, Reply, Text
from bot.engine.session import Session
from bot.engine.turn import Turn
from bot.language.parse import parse_date

PENDING = "_remind"  # the choices made so far, in the session's answers (a restart forgets them)
AWAITING_DATE = "_remind_awaiting"  # the bot asked for a day of their own (a court date): the next answer is it
TYPED_DATE = "_remind_date"  # that day, YYYY-MM-DD: a deadline like the computed ones
TYPED_LABEL = "reminders.deadline.typed"
AHEAD_YEARS = 3  # how far ahead a day of their own may be
BEFORE, CHECK = "before", "check"
DAY_S = 86400


@dataclass(frozen=True)
class ReminderPlan:
    """flows/reminders.yaml: which computed dates count as deadlines, and the choices offered."""

    deadlines: Mapping[str, str]  # a compute result's date field → the text key naming it
    days_before: tuple[int, int]
    check_after: int = 1
    hour: int = 10


class Engine(Protocol):
    """What the reminders' commands need of the engine."""

    reminder_plan: ReminderPlan
    flows: Mapping[str, Flow]

    def node_of(self, s: Session) -> Node: ...


def load_plan(path: Path) -> ReminderPlan:
    """Refused at start-up when the choices are not two different positive day counts, or the hour is not one.
    Content without the file (an organization's older copy) offers no reminders."""
    if not path.exists():
        return ReminderPlan({}, (30, 7))
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    days = tuple(int(d) for d in data.get("days_before", ()))
    plan = ReminderPlan(dict(data.get("deadlines") or {}), days,  # type: ignore[arg-type]
                        int(data.get("check_after", 1)), int(data.get("hour", 10)))
    if len(days) != 2 or len(set(days)) != 2 or min(days) < 1 or plan.check_after < 1 or not 0 <= plan.hour < 24:
        raise FlowError(f"{path.name}: days_before must be two different day counts, check_after ≥ 1, hour 0–23")
    return plan


def open_deadlines(plan: ReminderPlan, flow: Flow, answers: Mapping[str, Any], today: date) -> list[tuple[date, str]]:
    """(day, text key) of each deadline this flow's computations found that is still ahead, one per day."""
    found: dict[date, str] = {}
    for node in flow.nodes.values():
        result = answers.get(node.key or node.name) if node.kind == "compute" else None
        if not isinstance(result, dict):
            continue
        for name, label in plan.deadlines.items():
            value = result.get(name)
            if value and not result.get(name.removesuffix("last_day") + "expired"):
                day = date.fromisoformat(value)
                if day > today:
                    found.setdefault(day, label)
    typed = answers.get(TYPED_DATE)
    if isinstance(typed, str) and date.fromisoformat(typed) > today:
        found.setdefault(date.fromisoformat(typed), TYPED_LABEL)
    return sorted(found.items())


def _due(turn: Turn, plan: ReminderPlan, day: date, days: int) -> float:
    return datetime.combine(day - timedelta(days=days), time(plan.hour), tzinfo=turn.at.tzinfo).timestamp()


def _ahead(engine: Engine, s: Session, turn: Turn) -> list[tuple[date, str]]:
    return open_deadlines(engine.reminder_plan, engine.flows[s.flow], s.answers, turn.today)


def offer(engine: Engine, s: Session, turn: Turn) -> Reply | None:
    """「期限の前に知らせる」: say plainly what will happen, then ask when."""
    plan, ahead = engine.reminder_plan, _ahead(engine, s, turn)
    now = turn.at.timestamp()
    feasible = [n for n, days in enumerate(plan.days_before)
                if any(_due(turn, plan, day, days) > now for day, _ in ahead)]
    if not ahead:
        turn.say("reminders.none")
        return turn.reply((turn.command("remind_date"), turn.command("continue")))
    if not feasible:
        turn.say("reminders.too_close")
        return None
    s.answers[PENDING] = {}
    turn.say("reminders.warning")
    turn.say("reminders.ask_when")
    buttons = []
    for n in feasible:
        label = turn.fill("reminders.button.days", {"days": plan.days_before[n]})
        buttons.append(Choice(label, f"cmd:remind_{('early', 'late')[n]}", label))
    return turn.reply((*buttons, turn.command("continue")))


def ask_date(engine: Engine, s: Session, turn: Turn) -> Reply:
    """「期日を知らせて」: a day of their own (a court or mediation date), typed with its year or picked."""
    s.answers[AWAITING_DATE] = True
    turn.say("reminders.ask_date")
    return turn.reply((_picker(turn), turn.command("continue")))


def _horizon(today: date) -> date:
    return date(today.year + AHEAD_YEARS, 12, 31)


def _picker(turn: Turn) -> Choice:
    return Choice(turn.text("common.button.pick_date"), "cmd:remind_on", picker="date",
                  earliest=(turn.today + timedelta(days=1)).isoformat(), latest=_horizon(turn.today).isoformat())


def given_date(engine: Engine, s: Session, turn: Turn, said: str | None) -> Reply | None:
    """The answer to ask_date: the day, then the usual offer; asked again when it is no day ahead. None: they
    sent a command instead (it runs, and the question is dropped)."""
    s.answers.pop(AWAITING_DATE, None)
    if said is None:
        return None
    day = _future_day(said, turn.today)
    if day is None:
        s.answers[AWAITING_DATE] = True
        turn.say("reminders.date_invalid")
        return turn.reply((_picker(turn), turn.command("continue")))
    s.answers[TYPED_DATE] = day.isoformat()
    return offer(engine, s, turn) or turn.reply()


def _future_day(said: str, today: date) -> date | None:
    """A day after today and within AHEAD_YEARS, written with its year (「2027/1/15」, 「令和9年1月15日」) or
    picked; a day without a year is refused, since it could be this year's or next."""
    day = parse_date(said, _horizon(today))
    if day is None or day <= today:
        return None
    return day if parse_date(said, date(day.year + 1, 12, 31)) == day else None  # the year was written


def _pending(s: Session, turn: Turn, after: str = "") -> dict[str, Any] | None:
    """The booking in progress, once its step `after` was chosen; else None, and the person is told to start over
    (a button tapped out of order, or from an old message)."""
    pending = s.answers.get(PENDING)
    if not isinstance(pending, dict) or (after and after not in pending):
        turn.say("reminders.start_over")
        return None
    return pending


def when(n: int) -> Any:
    """The first or second of flows/reminders.yaml's `days_before`; then: with sound or without?"""

    def run(engine: Engine, s: Session, turn: Turn) -> Reply | None:
        pending = _pending(s, turn)
        if pending is None:
            return None
        pending["days"] = engine.reminder_plan.days_before[n]
        turn.say("reminders.ask_sound")
        order = ("remind_silent", "remind_sound")
        return turn.reply(tuple(turn.command(c) for c in order) + (turn.command("continue"),))

    return run


def sound(quiet: bool) -> Any:
    """Silent or not; then: one 「届きましたか」 after it, or not?"""

    def run(engine: Engine, s: Session, turn: Turn) -> Reply | None:
        pending = _pending(s, turn, after="days")
        if pending is None:
            return None
        pending["quiet"] = quiet
        turn.say("reminders.ask_check")
        return turn.reply((turn.command("remind_check"), turn.command("remind_no_check"), turn.command("continue")))

    return run


def confirm(check: bool) -> Any:
    """The last choice: the reminders are set, one per deadline still far enough ahead, and the person is told
    exactly when each comes and how to stop them."""

    def run(engine: Engine, s: Session, turn: Turn) -> Reply | None:
        pending = _pending(s, turn, after="quiet")
        if pending is None:
            return None
        s.answers.pop(PENDING, None)
        plan, days, quiet = engine.reminder_plan, int(pending["days"]), bool(pending["quiet"])
        now, items, lines = turn.at.timestamp(), [], []
        for day, label in _ahead(engine, s, turn):
            due = _due(turn, plan, day, days)
            if due <= now:
                continue
            items.append(_reminder(BEFORE, day, days, due, s.lang, quiet))
            on = datetime.fromtimestamp(due, turn.at.tzinfo).date().isoformat()
            lines.append(turn.fill("reminders.line", {"what": turn.text(label), "deadline": day.isoformat(),
                                                      "on": on, "days": days}))
            if check:
                items.append(_reminder(CHECK, day, days, due + plan.check_after * DAY_S, s.lang, quiet))
        if not items:
            turn.say("reminders.too_close")
            return None
        turn.messages.append(Text("\n".join([turn.fill("reminders.set", {"hour": plan.hour}), *lines])))
        turn.say("reminders.set_check" if check else "reminders.set_no_check")
        turn.say("reminders.how_to_stop")
        where = turn.reply() if s.handoff else turn.where(engine.node_of(s))
        return replace(where, reminders=ReminderNote(schedule=tuple(items)))

    return run


def _reminder(kind: str, day: date, days: int, due: float, lang: str, quiet: bool) -> Reminder:
    """The same deadline and kind give the same id: asking again replaces the reminder, never adds one."""
    rid = hashlib.sha256(f"{kind}:{day.isoformat()}".encode()).hexdigest()[:16]
    return Reminder(rid, kind, due, day.isoformat(), days, lang, quiet)


def stop(engine: Engine, s: Session, turn: Turn) -> Reply:
    """リマインド停止: every reminder of this person goes (the engine cannot see whether there were any)."""
    s.answers.pop(PENDING, None)
    turn.say("reminders.stopped")
    where = turn.reply() if s.handoff else turn.where(engine.node_of(s))
    return replace(where, reminders=ReminderNote(cancel_all=True))


def due_message(turn: Turn, incoming: Incoming) -> Reply:
    """The reminder itself: a neutral first line (what a notification shows), no topic word anywhere, the
    deadline and the days left; silent when the person chose so. `turn` speaks the language they asked in."""
    p = incoming.params
    key = "reminders.message" if p.get("kind") == BEFORE else "reminders.check_message"
    turn.messages.append(Text(turn.fill(key, {"deadline": p.get("day", ""), "days": int(p.get("days", "0"))})))
    return replace(turn.reply((turn.command("windows"), turn.command("remind_stop"))),
                   quiet=p.get("quiet") == "1" or turn.session.quiet)


def as_params(reminder: Reminder) -> dict[str, str]:
    """What the event the scheduler queues carries (it is sealed in the stream like every event)."""
    return {"kind": reminder.kind, "day": reminder.day, "days": str(reminder.days), "lang": reminder.lang,
            "quiet": "1" if reminder.quiet else "0"}
