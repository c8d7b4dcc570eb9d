"""The windows.yaml part of `kakehashi flows check`: every reference a reviewer could get wrong.

A window that names an unknown flow would never be offered; a phone that is not a sourced fact would
state a number nobody checked; a missing name would crash a result card at the moment someone needs it.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.content.facts import Fact
from bot.content.flows import Flow
from bot.content.texts import LANGUAGES, Texts
from bot.directory.windows import CHANNELS, ELIGIBILITY, LANGUAGE_GROUPS, URGENCIES, Window


def window_problems(windows: Mapping[str, Window], flows: Mapping[str, Flow], texts: Texts,
                    facts: Mapping[str, Fact]) -> list[str]:
    problems: list[str] = []
    for w in windows.values():
        where = f"windows/{w.id}"
        problems += [f"{where}: no name in {lang}" for lang in LANGUAGES if not w.name.get(lang)]
        problems += [f"{where}: serves unknown flow {f!r}" for f in w.serves if f not in flows]
        problems += [f"{where}: unknown urgency {u!r} (known: {URGENCIES})" for u in w.urgencies
                     if u not in URGENCIES]
        problems += [f"{where}: unknown eligibility {e!r} (known: {ELIGIBILITY})" for e in w.eligibility
                     if e not in ELIGIBILITY]
        for group, channels in w.languages.items():
            if group not in LANGUAGE_GROUPS:
                problems.append(f"{where}: unknown language group {group!r} (known: {LANGUAGE_GROUPS})")
            problems += [f"{where}: unknown channel {c!r} (known: {CHANNELS})" for c in channels if c not in CHANNELS]
        if w.phone is not None:
            fact = facts.get(w.phone)
            if fact is None:
                problems.append(f"{where}: phone {w.phone!r} is not a fact in facts.yaml")
            elif fact.confidence == "unconfirmed":
                problems.append(f"{where}: phone {w.phone!r} is UNCONFIRMED and may not be shown")
        if w.url is not None and not str(w.url).startswith("https://"):
            problems.append(f"{where}: url must be an https:// address")
        if not w.serves and not w.urgencies:
            problems.append(f"{where}: serves no problem and no urgency, so it is never offered")
    for lang in LANGUAGES:
        for key in texts.by_lang.get(lang, {}):
            if key.startswith("windows.note.") and key.removeprefix("windows.note.") not in windows:
                problems.append(f"locales: {lang}:{key} is a note for an unknown window")
    return problems


def note_keys(windows: Mapping[str, Window], texts: Texts) -> list[str]:
    """The optional per-window notes that exist, so their placeholders get checked like any text."""
    return [f"windows.note.{wid}" for wid in windows if any(texts.has(lang, f"windows.note.{wid}")
                                                           for lang in LANGUAGES)]
