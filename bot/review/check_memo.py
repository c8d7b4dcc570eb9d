"""flows/memo.yaml and flows/reminders.yaml as a reviewer may change them: every topic named is a flow, every text
named is in every locale, each topic offers three to five questions, the reminders' choices are sound."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.content.flows import Flow, FlowError
from bot.content.texts import LANGUAGES, Texts
from bot.engine.memo import load_plan
from bot.engine.reminders import load_plan as load_reminder_plan

QUESTIONS = (3, 5)


def memo_problems(flows_dir: Path, flows: Mapping[str, Flow], texts: Texts) -> list[str]:
    try:
        plan = load_plan(flows_dir / "memo.yaml")
    except FlowError as exc:
        return [f"memo: {exc}"]
    problems: list[str] = []
    for name, lists in (("bring", plan.bring), ("questions", plan.questions)):
        for flow_id, keys in lists.items():
            if flow_id not in flows:
                problems.append(f"memo: {name} names {flow_id!r}, which is not a flow")
            problems += [f"memo: {name}.{flow_id}: {lang}:{key} is missing" for key in keys for lang in LANGUAGES
                         if not texts.has(lang, key)]
    problems += [f"memo: summary_dates.{name}: {lang}:{key} is missing" for name, key in plan.summary_dates.items()
                 for lang in LANGUAGES if not texts.has(lang, key)]
    low, high = QUESTIONS
    problems += [f"memo: questions.{flow_id} has {len(keys)}; a topic offers {low} to {high}"
                 for flow_id, keys in plan.questions.items() if not low <= len(keys) <= high]
    return problems


def reminder_problems(flows_dir: Path, texts: Texts) -> list[str]:
    try:
        plan = load_reminder_plan(flows_dir / "reminders.yaml")
    except (FlowError, ValueError, TypeError) as exc:
        return [f"reminders: {exc}"]
    return [f"reminders: deadlines.{name}: {lang}:{key} is missing" for name, key in plan.deadlines.items()
            for lang in LANGUAGES if not texts.has(lang, key)]
