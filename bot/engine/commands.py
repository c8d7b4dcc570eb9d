"""Commands: words that work in every state (their words are flows/commands.yaml, their buttons the locale key
`common.button.<name>`). One row per command says what it does and what becomes of it while a counselor has the
chat; adding a command is a row here, its words, its texts and its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.content.flows import Flow, Node
from bot.engine import memo, place, reminders, shortcuts
from bot.engine.handoff import Handoff
from bot.engine.replies import Reply, TicketAction
from bot.engine.safety_replies import closed
from bot.engine.session import Session
from bot.engine.turn import Turn


class Midway(Enum):
    """What a command does while a counselor has the chat."""

    RELAY = "relay"  # the counselor reads it like any message; the bot says nothing
    BOT = "bot"  # the bot still answers it (safety and privacy never wait for a person)
    BOT_NOTED = "noted"  # the bot answers, and the counselor's transcript notes what it showed


class Engine(Protocol):
    """What a command needs of the engine (the engine is this; the protocol keeps the arrow one way)."""

    handoff: Handoff
    flows: Mapping[str, Flow]
    memo: memo.Memo
    reminder_plan: reminders.ReminderPlan

    def node_of(self, s: Session) -> Node: ...

    def menu_node(self, name: str) -> Node: ...


Run = Callable[[Engine, Session, Turn], Reply | None]  # None: say where the person is, as after most commands


@dataclass(frozen=True)
class Command:
    run: Run
    midway: Midway = Midway.RELAY


def _say(key: str) -> Run:
    def run(engine: Engine, s: Session, turn: Turn) -> None:
        turn.say(key)

    return run


def _menu(engine: Engine, s: Session, turn: Turn) -> None:
    s.restart()


def _back(engine: Engine, s: Session, turn: Turn) -> None:
    if s.history:
        s.flow, s.state = s.history.pop()
    else:
        turn.say("common.nothing_before")


def _language(lang: str) -> Run:
    def run(engine: Engine, s: Session, turn: Turn) -> None:
        s.lang = lang
        turn.say("common.language_set")

    return run


def _quiet(on: bool) -> Run:
    def run(engine: Engine, s: Session, turn: Turn) -> None:
        s.quiet = on
        turn.say("privacy.quiet_on" if on else "privacy.quiet_off")

    return run


def _close(engine: Engine, s: Session, turn: Turn) -> Reply:
    return Handoff.ended_by_person(s, closed(turn), TicketAction.CLOSED_CHAT)


def _erase(engine: Engine, s: Session, turn: Turn) -> Reply:
    """Asks first; the answer (a yes word or the button) is read by the engine on the next turn."""
    s.confirming = "erase"
    turn.say("privacy.erase_confirm")
    return turn.reply((turn.command("erase_yes"), turn.command("continue")))


def _again(engine: Engine, s: Session, turn: Turn) -> Reply:
    """「結果をもう一度見る」: the whole card, on request (elsewhere the bot says where the person is in a line)."""
    return turn.reply() if s.handoff else turn.prompt(engine.node_of(s))


def _change_place(engine: Engine, s: Session, turn: Turn) -> Reply:
    """「地域変更」「引っ越した」: forget where they live and ask again; the answer is read like the first one."""
    place.change(s)
    turn.say("local.ask")
    return turn.reply((place.decline_button(turn), turn.command("continue")))


def _decline_place(engine: Engine, s: Session, turn: Turn) -> None:
    place.remember(turn, place.DECLINED, "")


COMMANDS: dict[str, Command] = {
    "menu": Command(_menu),
    "back": Command(_back),
    "help": Command(_say("common.help")),
    "lang_en": Command(_language("en")),
    "lang_ja": Command(_language("ja")),
    "continue": Command(lambda engine, s, turn: None),
    "close": Command(_close, Midway.BOT),
    "erase": Command(_erase, Midway.BOT),
    "erase_yes": Command(_say("privacy.erase_nothing_pending"), Midway.BOT),  # a yes with nothing pending
    "staying_safe": Command(_say("privacy.staying_safe"), Midway.BOT),
    "quiet_on": Command(_quiet(True), Midway.BOT),
    "quiet_off": Command(_quiet(False), Midway.BOT),
    "human": Command(lambda engine, s, turn: memo.with_consent(s, turn, engine.memo,
                                                               engine.handoff.ask_for_person(s, turn))),
    "cancel": Command(_say("handoff.nothing_to_cancel")),  # mid-handoff, Handoff.during cancels the ticket
    "windows": Command(lambda engine, s, turn: shortcuts.windows(turn), Midway.BOT_NOTED),
    "emergency": Command(lambda engine, s, turn: shortcuts.emergency(turn, engine.menu_node(shortcuts.EMERGENCY_NODE)),
                         Midway.BOT_NOTED),
    "again": Command(_again),
    "place": Command(_change_place),
    "place_decline": Command(_decline_place),  # the 答えたくない button under the question
    "memo": Command(lambda engine, s, turn: memo.memo(turn, engine.memo),
                    Midway.BOT),  # the person's own notes: also while a counselor has the chat
    "memo_short": Command(lambda engine, s, turn: memo.summary(turn, engine.memo), Midway.BOT),  # booking forms
    "memo_share": Command(lambda engine, s, turn: memo.share(turn, engine.memo), Midway.BOT),  # consent: one tap
    "remind": Command(reminders.offer),  # 「期限の前に知らせる」, then three choices: when, sound, a check
    "remind_early": Command(reminders.when(0)),
    "remind_late": Command(reminders.when(1)),
    "remind_silent": Command(reminders.sound(True)),
    "remind_sound": Command(reminders.sound(False)),
    "remind_check": Command(reminders.confirm(True)),
    "remind_no_check": Command(reminders.confirm(False)),
    "remind_stop": Command(reminders.stop, Midway.BOT),  # stopping never waits for a counselor
    "remind_date": Command(reminders.ask_date),  # a day of their own: a court or mediation date
    "remind_on": Command(_say("reminders.start_over")),  # that day's picker, when the bot no longer asks for it
}
