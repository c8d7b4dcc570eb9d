"""The "Where to ask" section of a result card, and buttons to call the first windows that answer now.

`recommend` (bot/directory/recommend.py) chooses and orders the windows; this module reads the conversation
for what it needs (the problem, danger seen, DV mentioned, the means test) and words one entry per window.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from bot.content.texts import LANGUAGES, Texts, lookup
from bot.directory.in_words import closures, fill, hours_summary, status
from bot.directory.local import KINDS, LocalDirectory, LocalWindow
from bot.directory.places import DECLINED, prefecture
from bot.directory.recommend import EMERGENCY, group, recommend
from bot.directory.windows import Window, is_open
from bot.engine.replies import Choice
from bot.engine.session import MENU_FLOW, Session


class Turn(Protocol):
    """What the referral reads of a turn (bot.engine.turn.Turn is one; the protocol keeps the arrow one way)."""

    texts: Texts
    facts: Mapping[str, Any]
    session: Session
    at: datetime
    windows: Mapping[str, Window]
    local: LocalDirectory | None

    @property
    def referred(self) -> list[Window]: ...

    def text(self, key: str) -> str: ...

    def raw(self, key: str) -> str: ...

    def fill(self, key: str, values: Mapping[str, Any]) -> str: ...

MAX_SHOWN = 6  # emergency lines are never cut; the others fill up to this many
MAX_CALLS = 2
# Danger categories (bot/language/danger.py) → the urgency windows.yaml speaks of.
URGENCY_OF_DANGER = {"violence": "danger", "threat": "danger", "at_door": "danger", "confinement": "danger",
                     "child": "child", "sexual_violence": "sexual_violence", "suicide": "suicide"}
DANGER_ANSWERS = {"danger_now": True}  # the protection-order flow's first question
DV_ANSWERS = {"dv_risk": True, "dv_victim": True, "ground": "dv"}  # custody, means test, consolation
DV_FLOWS = ("protection_order",)
DIALABLE = re.compile(r"^[0-9-]+$")  # "#8008" cannot go into a tel: link on every phone


def urgencies(answers: Mapping[str, Any], flow: str = "") -> set[str]:
    """What the conversation showed: danger words typed anywhere, danger now, DV in the answers or the topic."""
    found = {URGENCY_OF_DANGER[c] for c in answers.get("danger", ()) if c in URGENCY_OF_DANGER}
    if any(answers.get(k) == v for k, v in DANGER_ANSWERS.items()):
        found.add("danger")
    if flow in DV_FLOWS or any(answers.get(k) == v for k, v in DV_ANSWERS.items()):
        found.add("dv")
    return found


def means_ok(answers: Mapping[str, Any]) -> bool | None:
    """The means test's answer, if the person took it; a DV victim qualifies for the victims' consultation."""
    means = answers.get("means")
    if not isinstance(means, Mapping) or "outcome" not in means:
        return None
    return bool(means.get("dv_consultation")) or means["outcome"] == "likely_eligible"


def referred(turn: Turn) -> list[Window]:
    """The windows for this card, best first. The menu's own emergency card is itself a list of windows."""
    return [] if turn.session.flow == MENU_FLOW else fitting(turn)


def fitting(turn: Turn) -> list[Window]:
    """The windows that fit where the person is, best first: their problem's, or at the menu the everyday ones."""
    s = turn.session
    problem = None if s.flow == MENU_FLOW else s.flow
    seen, ok = urgencies(s.answers, s.flow), means_ok(s.answers)
    ordered = recommend(turn.windows.values(), problem, seen, ok, turn.at)
    emergencies = sum(1 for w in ordered if group(w, problem, seen, ok) == EMERGENCY)
    mine = local(turn, ordered, lambda w: group(w, problem, seen, ok) is not None)
    kinds = {w.id.removeprefix("local.") for w in mine}
    rest = [w for w in ordered[emergencies:] if not (w.id == "bar" and "bar" in kinds)]  # the local one is it
    # The local offices stand beside the windows that fit, not instead of any: they do not count toward the cap
    # (a DV window further down must not give way to them).
    return ordered[:emergencies] + mine + rest[: max(MAX_SHOWN, emergencies) - emergencies]


def local(turn: Turn, ordered: list[Window], fits: Callable[[Window], bool] = lambda w: True) -> list[Window]:
    """The person's prefecture's offices for the national windows this card recommends, named for reading
    (「法テラス（大阪府）の事務所」 where the source gives no name), then the LINE consultations of their
    prefecture or municipality that `fits` the card. None when the place is unknown or declined."""
    place = turn.session.place
    if turn.local is None or not place or place == DECLINED:
        return []
    offices = turn.local.for_place(place)
    found = []
    for window in ordered:
        office = offices.get(window.id)
        if office is None:
            continue
        shown = office.window
        if not office.named:
            shown = replace(shown, name={lang: fill(turn.texts.raw(lang, f"local.name.{office.kind}"),
                                                    prefecture=_prefecture_name(place, lang))
                                         for lang in LANGUAGES})
        found.append(shown)
    return found + [line.window for line in turn.local.lines_for(place, turn.session.city) if fits(line.window)]


def _local_entry(turn: Turn, window: Window) -> LocalWindow | None:
    if turn.local is None:
        return None
    entries = [*turn.local.for_place(turn.session.place).values(),
               *turn.local.lines_for(turn.session.place, turn.session.city)]
    return next((e for e in entries if e.window.id == window.id), None)


def _prefecture_name(place: str, lang: str) -> str:
    p = prefecture(place)
    return "" if p is None else p.ja if lang == "ja" else p.en


def section(turn: Turn, windows: list[Window] | None = None) -> str:
    """One entry per window (the card's, unless given): name, number, weekly hours, open now or when next;
    notes indented below."""
    return "\n".join(_entry(turn, w) for w in (turn.referred if windows is None else windows))


def calls(turn: Turn, windows: list[Window] | None = None, limit: int = MAX_CALLS) -> tuple[Choice, ...]:
    """Tap-to-call for the first windows that answer now (a closed line's button would ring out)."""
    out: list[Choice] = []
    for window in turn.referred if windows is None else windows:
        phone = _phone(turn, window)
        if phone and DIALABLE.match(phone) and is_open(window, turn.at) and len(out) < limit:
            label = call_label(turn, window, phone)
            out.append(Choice(label, "", uri="tel:" + phone.replace("-", "")))
    return tuple(out)


def call_label(turn: Turn, window: Window, phone: str) -> str:
    """「DV相談＋に電話」: the service's name, so a person knows whom they are calling; the number where a
    window has no short name."""
    key = f"windows.call_name.{window.id}"
    if turn.texts.has(turn.session.lang, key):
        return turn.text(key)
    return turn.fill("windows.call", {"phone": phone})


def _phone(turn: Turn, window: Window) -> str | None:
    return str(lookup(turn.facts, window.phone)) if window.phone else None


def _entry(turn: Turn, window: Window) -> str:
    text = turn.raw
    phone = _phone(turn, window)
    name = f"{window.name[turn.session.lang]} {phone}" if phone else window.name[turn.session.lang]
    summary = hours_summary(window, text)
    kind = window.id.removeprefix("local.").split(".")[0] if window.id.startswith("local.") else ""
    shown_status = text("local.hours_unknown") if kind and window.hours_vary else status(window, turn.at, text)
    values = {"name": name, "hours": summary or "", "status": shown_status}
    lines = [turn.fill("windows.line_hours" if summary else "windows.line", values)]
    notes = [closures(window, text)]
    if kind:
        notes += _local_notes(turn, kind, window)
    elif turn.texts.has(turn.session.lang, f"windows.note.{window.id}"):
        notes.append(turn.text(f"windows.note.{window.id}"))
    if window.id == "dv_navi" and turn.session.place not in ("", DECLINED):
        notes.append(fill(text("local.dv_centre"), prefecture=_prefecture_name(turn.session.place, turn.session.lang)))
    if window.languages.get("foreign"):
        channels = text("windows.and").join(text(f"windows.channel.{c}") for c in window.languages["foreign"])
        notes.append(fill(text("windows.languages"), channels=channels))
    seen = urgencies(turn.session.answers, turn.session.flow)
    for rule in window.eligibility:  # only where it matters: the means test not taken yet, DV in the story
        if (rule == "means_test" and means_ok(turn.session.answers) is None) or (
                rule == "dv_victims" and seen & {"dv", "danger"}):
            notes.append(text(f"windows.eligibility.{rule}"))
    lines += [fill(text("windows.note_line"), note=n) for n in notes if n]
    return "\n".join(lines)


def _local_notes(turn: Turn, kind: str, window: Window) -> list[str]:
    """What the office does, its fee and what else its page says, and the page (the way to its hours)."""
    entry = _local_entry(turn, window)
    lang = turn.session.lang
    notes = [turn.text(f"local.note.{kind}")] if kind in KINDS else []
    if entry is not None and entry.fee.get(lang):
        notes.append(fill(turn.raw("local.fee"), fee=entry.fee[lang]))
    if entry is not None and entry.note.get(lang):
        notes.append(entry.note[lang])
    if window.url:
        notes.append(window.url)
    return notes
