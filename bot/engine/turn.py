"""What the person sees in one turn: texts in their language, the current question or result card, and its
buttons. The engine decides where the conversation goes; a Turn renders where it is."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cached_property
from typing import Any

from bot.content.conditions import holds
from bot.content.flows import Node
from bot.content.texts import Texts
from bot.directory.in_words import OpenNow
from bot.directory.local import LocalDirectory
from bot.directory.windows import Window
from bot.engine import place, referral
from bot.engine.replies import MAX_CHOICES, Card, Choice, Message, Reply, Text
from bot.engine.session import MENU_FLOW, Session

EARLIEST_YEARS = 60  # how far back the date picker goes: a marriage, a separation, an act long ago


class Turn:
    def __init__(self, texts: Texts, facts: Mapping[str, Any], session: Session, at: datetime,
                 windows: Mapping[str, Window] | None = None, local: LocalDirectory | None = None,
                 remindable: Callable[[], bool] = lambda: False) -> None:
        """`local`: the windows of each prefecture, shown first once the person has said where they live;
        `remindable`: whether the card shown has a deadline still ahead (its 「期限の前に知らせる」 button)."""
        self.texts, self.facts, self.session, self.at = texts, facts, session, at
        self.local, self.remindable = local, remindable
        self.windows: Mapping[str, Window] = windows or {}
        self.today: date = at.date()  # the person's day, for dates and deadlines
        self.live = {"open": OpenNow(self.windows, at, self.raw)}
        self.messages: list[Message] = []

    def use_window(self, window_id: str, window: Window) -> None:
        """Texts of this turn speak of `window` under that id: the counselors' hours are the hours of the
        organization serving this person, not everyone's."""
        self.windows = {**self.windows, window_id: window}
        self.live["open"] = OpenNow(self.windows, self.at, self.raw)

    def text(self, key: str) -> str:
        return self.texts.get(self.session.lang, key, self.session.answers, self.facts, self.live)

    def fill(self, key: str, values: Mapping[str, Any]) -> str:
        """A text whose own placeholders ({name}, {status}…) come from `values`, then answers and facts."""
        return self.texts.get(self.session.lang, key, values, self.session.answers, self.facts, self.live)

    @cached_property
    def referred(self) -> list[Window]:
        """The windows this turn's card recommends: chosen once, though the card and its buttons both use them."""
        return referral.referred(self)

    def raw(self, key: str) -> str:
        return self.texts.raw(self.session.lang, key)

    def say(self, key: str) -> None:
        self.messages.append(Text(self.text(key)))

    def reply(self, choices: tuple[Choice, ...] = ()) -> Reply:
        return Reply(tuple(self.messages), choices[:MAX_CHOICES], quiet=self.session.quiet)

    def command(self, command: str) -> Choice:
        """A button for a word that works everywhere (menu, back, continue…)."""
        label = self.text(f"common.button.{command}")
        return Choice(label, f"cmd:{command}", label)

    def prompt(self, node: Node, extra: tuple[Choice, ...] = ()) -> Reply:
        """Show the current question or result, with its buttons."""
        asked: tuple[Choice, ...] = ()
        if node.kind == "result":
            if place.worth_asking(self, self.referred):  # asked just above the card; 答えたくない under it
                asked = place.ask(self)
            self.messages.append(self.card(node))
        elif node.text:
            self.say(node.text)
        choices = asked + self.choices(node)
        return self.reply(choices + tuple(c for c in extra if c not in choices))

    def where(self, node: Node, extra: tuple[Choice, ...] = ()) -> Reply:
        """Remind the person where they are without sending a result card again (about 60 lines): one line
        and 「結果をもう一度見る」. A question is simply asked again."""
        if node.kind != "result":
            return self.prompt(node, extra)
        self.messages.append(Text(self.fill("common.again", {"title": self.text(node.title or "")})))
        choices = (self.command("again"), *self.choices(node))
        return self.reply(choices + tuple(c for c in extra if c not in choices))

    def card(self, node: Node, refer: bool = True) -> Card:
        """The node's sections, then (when `refer`) where to ask: the windows that fit, open now or when next.

        Sections marked `lead` come first and make the first bubble (the answer, the deadline); where to ask
        follows, then the rest — each one swipe away, never dropped. A card with no `lead` is all lead."""
        shown_sections = [sec for sec in node.sections if holds(sec.when, self.session.answers)]
        ordered = [sec for sec in shown_sections if sec.lead] + [sec for sec in shown_sections if not sec.lead]
        lead = sum(1 for sec in shown_sections if sec.lead)
        sections = [(self.text(sec.heading) if sec.heading else "", self.text(sec.text)) for sec in ordered]
        shown = self.referred if refer else []
        if shown:
            sections.insert(lead or len(sections), (self.text("windows.heading"), referral.section(self, shown)))
        more = ""
        if 0 < lead < len(sections):
            topics = list(dict.fromkeys(h for h, _ in sections[lead:] if h))
            key = "common.card_more_etc" if len(topics) > 2 else "common.card_more"
            more = self.fill(key, {"topics": self.raw("windows.list").join(topics[:2])})
        return Card(self.text(node.title or node.text or ""), tuple(sections), self.text("common.disclaimer"),
                    referral.calls(self, limit=3), self.text("common.card_alt"),
                    lead=lead if lead < len(sections) else 0, more=more)

    def choices(self, node: Node) -> tuple[Choice, ...]:
        s = self.session
        choices = [Choice(label, f"opt:{s.flow}.{node.name}.{o.id}", label)
                   for o in node.options for label in [self.text(o.label)]]
        if node.kind == "input" and node.format == "date":  # LINE's date picker; typing a date still works
            choices.append(Choice(self.text("common.button.pick_date"), f"date:{s.flow}.{node.name}",
                                  picker="date", earliest=f"{self.today.year - EARLIEST_YEARS}-01-01",
                                  latest=self.today.isoformat()))
        choices += [Choice(v, "", v) for v in node.suggest]
        if node.kind == "result":
            choices += referral.calls(self)
            choices += [self.command("remind")] if self.remindable() else []  # only ever on request
            choices += [self.command("memo"), self.command("menu"), self.command("human")]  # notes; a person
        elif s.history:
            choices.append(self.command("back"))
        if node.kind == "result" or s.flow == MENU_FLOW:
            choices.append(self.command("close"))  # quick exit on every menu and result
        return tuple(choices)
