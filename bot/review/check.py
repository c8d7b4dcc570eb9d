"""`kakehashi flows check`: every flow reachable, no dead ends, every text in every locale, every fact sourced.

Run in CI and before a reviewer's change lands, so a broken flow is a message here, not a user stuck at 3 a.m.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.content.conditions import check_condition
from bot.content.facts import CONFIDENCE, Fact
from bot.content.flows import FLOW_PREFIX, INPUT_FORMATS, Flow, Node
from bot.content.texts import LANGUAGES, Texts
from bot.directory.in_words import DAY_KEYS
from bot.directory.windows import CHANNELS, ELIGIBILITY, Window
from bot.engine.replies import MAX_CHOICES, MAX_LABEL, MAX_POSTBACK_BYTES
from bot.engine.session import MENU_FLOW
from bot.engine.shortcuts import EMERGENCY_NODE
from bot.language.danger import CONTACT_ORDER
from bot.review.check_windows import note_keys, window_problems

ENGINE_KEYS = (
    "common.welcome", "common.disclaimer", "common.card_alt",
    "common.sorry", "common.not_understood", "common.offer_menu",
    "common.stale_button", "common.nothing_before", "common.language_set", "common.help",
    "common.received.sticker", "common.received.media", "common.received.location", "common.received.other",
    "common.button.menu", "common.button.back", "common.button.continue", "common.button.human",
    "common.button.pick_date", "common.button.cancel", "common.button.windows", "common.button.emergency",
    "common.button.again", "common.again", "common.card_more", "common.card_more_etc",
    "windows.where_to_ask",
    *(f"memo.{k}" for k in ("first_line", "title", "answer", "card_heading", "windows_heading", "nothing_yet",
                            "deadlines_heading", "deadline", "deadlines_note", "bring_heading", "questions_heading",
                            "summary_first_line", "summary", "summary_more", "summary_date", "summary_deadline",
                            "share_later", "shared", "staff_heading")),
    "common.button.memo", "common.button.again", "common.button.memo_short", "common.button.memo_share",
    *(f"reminders.{k}" for k in ("warning", "ask_when", "ask_sound", "ask_check", "set", "line", "set_check",
                                 "set_no_check", "how_to_stop", "stopped", "none", "too_close", "start_over",
                                 "message", "check_message", "button.days", "ask_date", "date_invalid",
                                 "deadline.typed")),
    *(f"common.button.{c}" for c in ("remind", "remind_silent", "remind_sound", "remind_check", "remind_no_check",
                                     "remind_stop", "remind_date")),
    *(f"handoff.{k}" for k in ("queued_open", "queued_later", "received_later", "already", "cancelled",
                               "nothing_to_cancel", "danger_noted", "counselor_joined", "counselor_says", "timeout",
                               "ended")),
    *(f"handoff.log.{k}" for k in ("cancelled", "danger_shown", "tapped", "sticker", "media", "location",
                                   "follow", "other", "shown_windows", "shown_emergency", "topic_before",
                                   "topic_now")),
    *(f"common.invalid.{f}" for f in INPUT_FORMATS),
    "common.button.close", "common.button.erase_yes", "safety.first", "safety.again", "safety.then",
    "windows.open_until", "windows.open_all_day", "windows.opens_at", "windows.closed", "windows.today",
    *(f"windows.day.{d}" for d in DAY_KEYS),
    *(f"windows.{k}" for k in ("heading", "line", "line_hours", "note_line", "call", "hours_vary", "weekdays",
                               "every_day", "span", "about", "list", "and", "holidays", "closed_on", "languages")),
    *(f"windows.channel.{c}" for c in CHANNELS), *(f"windows.eligibility.{e}" for e in ELIGIBILITY),
    *(f"privacy.{k}" for k in ("notice", "closed", "erase_confirm", "erase_cancelled", "erased",
                                "erase_nothing_pending", "staying_safe", "quiet_on", "quiet_off")),
    *(f"safety.{kind}.{c}" for kind in ("contact", "call") for c in CONTACT_ORDER),
)
# How Japanese readers write numbers and dates (issue #16): never 2026-04-01, 2,000,000円 or ¥474,900 in a
# Japanese text; a figure comes from a fact through {id|yen} or {id|date}, which the formatter writes as
# 2026年4月1日, 200万円, 47万4,900円.
ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
RAW_YEN = re.compile(r"(?<![\d,])(?:\d{2,3},\d{3}|\d{1,3}(?:,\d{3}){2,}|\d{5,})円|¥\s*\d")  # 10,000円 and up
BARE_MONEY = re.compile(r"(?:¥\{[\w.]+\}|\{[\w.]+\}\s*円)")
DATE_NAMES = re.compile(r"(?:last_day|_date|_since|\.since)$")
RESULT_BUTTONS = 7  # besides its options: up to 2 calls, "remind" (a deadline ahead), "memo", "menu", "human", "close"


def _keys(node: Node) -> Iterable[str]:
    yield from (k for k in (node.text, node.title) if k)
    yield from node.texts
    yield from (o.label for o in node.options)
    for section in node.sections:
        yield section.text
        if section.heading:
            yield section.heading


def _node_problems(flow: Flow, node: Node, calculators: set[str]) -> list[str]:
    where = f"{flow.id}/{node.name}"
    need = {
        "say": node.texts and node.next,
        "ask": node.text and node.options,
        "input": node.text and node.key and node.next and node.format in INPUT_FORMATS,
        "compute": node.calculator and node.key and node.branches,
        "result": node.title,
    }[node.kind]
    problems = [] if need else [f"{where}: a {node.kind} node is missing something it needs"]
    if node.kind == "compute" and (node.calculator or "") not in calculators:
        problems.append(f"{where}: unknown calculator {node.calculator!r}")
    picker = node.kind == "input" and node.format == "date"
    extra = RESULT_BUTTONS if node.kind == "result" else 1 + picker  # "back" (or "menu"); the date picker
    if len(node.options) + len(node.suggest) + extra > MAX_CHOICES:
        problems.append(f"{where}: more than {MAX_CHOICES} buttons")
    problems += [f"{where}: {p}" for s in node.sections if s.when for p in check_condition(s.when)]
    return problems


def _reachable(flow: Flow) -> set[str]:
    seen, todo = set(), [flow.start]
    while todo:
        name = todo.pop()
        if name in seen or name not in flow.nodes:
            continue
        seen.add(name)
        node = flow.nodes[name]
        todo += [o.next for o in node.options] + list(node.branches.values()) + ([node.next] if node.next else [])
    return seen


def check(flows: Mapping[str, Flow], texts: Texts, facts: Mapping[str, Fact], calculators: Iterable[str],
          answer_names: Iterable[str] = (), windows: Mapping[str, Window] | None = None) -> list[str]:
    """Every problem found, as readable lines; empty means all is well."""
    known = set(calculators)
    problems: list[str] = []
    # open.<window> is a window's hours, live; the other names are filled into the window texts themselves
    settable = {*answer_names, "session_days", "open", "until", "when", "name", "phone", "hours", "status", "note",
                "days", "start", "end", "time", "channels", "title", "topics", "question", "answer",
                "hour", "what", "deadline", "on", "answers"}  # the reminders' and the memo's own
    for flow in flows.values():
        for node in flow.nodes.values():
            settable |= {node.key} if node.key else set()
            settable |= {k for o in node.options for k in o.set}
    for flow in flows.values():
        for target in sorted(flow.targets()):
            if target.startswith(FLOW_PREFIX):
                if target.removeprefix(FLOW_PREFIX) not in flows:
                    problems.append(f"{flow.id}: leads to unknown flow {target!r}")
            elif target not in flow.nodes:
                problems.append(f"{flow.id}: leads to unknown node {target!r}")
        for name in sorted(set(flow.nodes) - _reachable(flow)):
            problems.append(f"{flow.id}/{name}: unreachable from {flow.start!r}")
        for node in flow.nodes.values():
            problems += _node_problems(flow, node, known)
            for key in _keys(node):
                problems += _text_problems(texts, key, facts, settable, f"{flow.id}/{node.name}")
            for option in node.options:
                if len(f"opt:{flow.id}.{node.name}.{option.id}".encode()) > MAX_POSTBACK_BYTES:
                    problems.append(f"{flow.id}/{node.name}: option {option.id!r} makes postback data over "
                                    f"{MAX_POSTBACK_BYTES} bytes")
                for lang in LANGUAGES:
                    if texts.has(lang, option.label) and len(texts.raw(lang, option.label)) > MAX_LABEL:
                        problems.append(f"{flow.id}/{node.name}: {lang} label {option.label!r} is over "
                                        f"{MAX_LABEL} characters")
    problems += _flows_unreachable_from_menu(flows)
    emergency = flows[MENU_FLOW].nodes.get(EMERGENCY_NODE) if MENU_FLOW in flows else None
    if emergency is None or emergency.kind != "result":
        problems.append(f"{MENU_FLOW}: needs a result node {EMERGENCY_NODE!r}: the emergency command shows it")
    for key in ENGINE_KEYS:
        problems += _text_problems(texts, key, facts, settable, "engine")
    if windows is not None:
        problems += window_problems(windows, flows, texts, facts)
        for key in note_keys(windows, texts):
            problems += _text_problems(texts, key, facts, settable, "windows")
    for lang in LANGUAGES:  # call buttons name their service; LINE refuses a label over 20 characters
        for key, label in texts.by_lang[lang].items():
            if key.startswith("windows.call_name.") and len(label) > MAX_LABEL:
                problems.append(f"locales: {lang} call button {key!r} is over {MAX_LABEL} characters")
    ja, en = set(texts.by_lang["ja"]), set(texts.by_lang["en"])
    problems += [f"locales: {k!r} is in ja.yaml but not en.yaml" for k in sorted(ja - en)]
    problems += [f"locales: {k!r} is in en.yaml but not ja.yaml" for k in sorted(en - ja)]
    for fact in facts.values():
        if not fact.source or not fact.checked or fact.confidence not in CONFIDENCE:
            problems.append(f"facts: {fact.id} needs a source, a checked date and a confidence in {CONFIDENCE}")
    return problems


def _flows_unreachable_from_menu(flows: Mapping[str, Flow]) -> list[str]:
    seen, todo = set(), ["menu"]
    while todo:
        flow_id = todo.pop()
        if flow_id in seen or flow_id not in flows:
            continue
        seen.add(flow_id)
        todo += [t.removeprefix(FLOW_PREFIX) for t in flows[flow_id].targets() if t.startswith(FLOW_PREFIX)]
    return [f"{flow_id}: not reachable from the menu" for flow_id in sorted(set(flows) - seen)]


def _text_problems(texts: Texts, key: str, facts: Mapping[str, Fact], settable: set[str], where: str) -> list[str]:
    problems = []
    for lang in LANGUAGES:
        if not texts.has(lang, key):
            problems.append(f"{where}: text {key!r} missing in {lang}.yaml")
            continue
        problems += [f"{where}: {lang}:{key} {p}" for p in style_problems(texts.raw(lang, key), lang, facts)]
        for name in texts.placeholders(lang, key):
            if not _fact_for(name, facts) and name.split(".")[0] not in settable:
                problems.append(f"{where}: {lang}:{key} uses {{{name}}}, which is neither a fact nor an answer")
            fact = _fact_for(name, facts)
            if fact is not None and fact.confidence == "unconfirmed":
                problems.append(f"{where}: {lang}:{key} states UNCONFIRMED fact {fact.id}")
    return problems


def _fact_for(name: str, facts: Mapping[str, Fact]) -> Fact | None:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        fact = facts.get(".".join(parts[:cut]))
        if fact is not None:
            return fact if _has_path(fact.value, parts[cut:]) else None
    return None


def _has_path(value: Any, rest: list[str]) -> bool:
    for part in rest:
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return True


def style_problems(raw: str, lang: str, facts: Mapping[str, Fact]) -> list[str]:
    """Numbers and dates a reader of `lang` would not write, and placeholders that skip the formatter."""
    problems = []
    if lang == "ja":
        problems += [f"writes the date {m!r} the ISO way: use {{id|date}} (2026年4月1日)"
                     for m in ISO_DATE.findall(raw)]
        problems += [f"writes the amount {m!r} unformatted: use {{id|yen}} (200万円)" for m in RAW_YEN.findall(raw)]
    problems += [f"shows money {m!r} without the formatter: write {{id|yen}}" for m in BARE_MONEY.findall(raw)]
    for m in re.finditer(r"\{([A-Za-z_][\w.]*)(?:\|(\w+))?\}", raw):
        name, fmt = m.group(1), m.group(2) or ""
        fact = _fact_for(name, facts)
        value = fact.value if fact is not None else None
        for part in name.split(".")[len(fact.id.split(".")):] if fact is not None else ():
            value = value[part] if isinstance(value, Mapping) else None
        looks_date = (isinstance(value, str) and ISO_DATE.fullmatch(value) is not None) or (
            fact is None and DATE_NAMES.search(name) is not None)
        if looks_date and fmt != "date":
            problems.append(f"shows the date {{{name}}} without the formatter: write {{{name}|date}}")
        if fmt == "yen" and fact is not None and not isinstance(value, int):
            problems.append(f"formats {{{name}}} as money, but its value is not a whole number of yen")
    return problems
