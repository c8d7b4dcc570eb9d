"""flows check reads flows/memo.yaml as a reviewer may change it: an unknown topic, a text missing in a locale,
or a topic with too few or too many questions is reported; the shipped file passes."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content.flows import load_flows
from bot.content.texts import Texts
from bot.review.check_memo import memo_problems, reminder_problems
from bot.settings import Settings

SETTINGS = Settings()
FLOWS = load_flows(SETTINGS.flows_dir)
TEXTS = Texts.load(SETTINGS.locales_dir)


def with_memo(tmp_path: Path, change: dict) -> Path:  # type: ignore[type-arg]
    data = yaml.safe_load((SETTINGS.flows_dir / "memo.yaml").read_text(encoding="utf-8"))
    for name, value in change.items():
        data[name] = {**data[name], **value} if isinstance(value, dict) else value
    (tmp_path / "memo.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_the_shipped_memo_passes() -> None:
    assert memo_problems(SETTINGS.flows_dir, FLOWS, TEXTS) == []


def test_a_reviewers_mistakes_are_named(tmp_path: Path) -> None:
    directory = with_memo(tmp_path, {"bring": {"nosuchflow": ["memo.bring.this_memo"]},
                                     "questions": {"visitation": ["memo.ask.visit_terms", "memo.ask.nope"]}})
    problems = memo_problems(directory, FLOWS, TEXTS)
    assert "memo: bring names 'nosuchflow', which is not a flow" in problems
    assert "memo: questions.visitation: ja:memo.ask.nope is missing" in problems
    assert "memo: questions.visitation has 2; a topic offers 3 to 5" in problems


def test_an_unknown_part_is_refused(tmp_path: Path) -> None:
    directory = with_memo(tmp_path, {"parts": ["answers", "print_page"]})
    assert memo_problems(directory, FLOWS, TEXTS)[0].startswith("memo: memo.yaml: unknown memo parts ['print_page']")


def test_the_reminders_plan_is_checked_too(tmp_path: Path) -> None:
    assert reminder_problems(SETTINGS.flows_dir, TEXTS) == []
    (tmp_path / "reminders.yaml").write_text("deadlines: {last_day: reminders.deadline.nope}\ndays_before: [30, 7]\n",
                                            encoding="utf-8")
    missing = "reminders: deadlines.last_day: {}:reminders.deadline.nope is missing"
    assert reminder_problems(tmp_path, TEXTS) == [missing.format("ja"), missing.format("en")]
    (tmp_path / "reminders.yaml").write_text("days_before: [7, 7]\n", encoding="utf-8")
    assert reminder_problems(tmp_path, TEXTS)[0].startswith("reminders: reminders.yaml: days_before must be two")
