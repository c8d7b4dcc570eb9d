"""The closed vocabulary of conditions a flow may put on a section or a branch.

`when: {key: dv_victim, equals: true}`, or a list of such that must all hold: a reviewer can read it,
`flows check` can validate it, and no string is ever evaluated as code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.content.texts import MissingText, lookup

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda value, arg: value == arg,
    "not": lambda value, arg: value != arg,
    "in": lambda value, arg: value in arg,
    "gt": lambda value, arg: value is not None and value > arg,
    "lt": lambda value, arg: value is not None and value < arg,
}


def check_condition(when: Mapping[str, Any] | list[Mapping[str, Any]]) -> list[str]:
    """Problems with a condition's shape, for `flows check`."""
    if isinstance(when, list):
        return [p for w in when for p in check_condition(w)]
    if not isinstance(when, Mapping):
        return [f"condition must be a mapping or a list of them, got {when!r}"]
    problems = []
    if "key" not in when:
        problems.append("condition without 'key'")
    ops = [k for k in when if k != "key"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        problems.append(f"condition needs exactly one of {sorted(OPERATORS)}, got {ops}")
    return problems


def holds(when: Mapping[str, Any] | list[Mapping[str, Any]] | None, answers: Mapping[str, Any]) -> bool:
    """A condition, or a list of conditions that must all hold."""
    if not when:
        return True
    if isinstance(when, list):
        return all(holds(w, answers) for w in when)
    try:
        value = lookup(answers, when["key"])
    except MissingText:
        value = None
    op = next(k for k in when if k != "key")
    return OPERATORS[op](value, when[op])
