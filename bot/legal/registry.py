"""The calculators a flow may name in a `compute` node: name → function(answers, facts) → outcome dict.

The adapters here turn a session's answers into a calculator's typed inputs; the calculators themselves
stay pure functions of their arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from bot.legal.means_test import MeansAnswers, MeansLimits, assess_means
from bot.legal.protection_order import OrderAnswers, assess_order

Answers = Mapping[str, Any]
Facts = Mapping[str, Any]


def means_test(answers: Answers, facts: Facts) -> dict[str, Any]:
    outcome = assess_means(
        MeansAnswers(
            household=int(answers["household"]),
            area=answers["area"],
            income=int(answers["income"]),
            rent=int(answers.get("rent", 0)),
            savings=int(answers["savings"]),
            dv_victim=bool(answers.get("dv_victim", False)),
        ),
        MeansLimits.from_facts(facts),
    )
    return asdict(outcome)




def protection_order(answers: Answers, facts: Facts) -> dict[str, Any]:
    outcome = assess_order(
        OrderAnswers(
            relationship=answers["relationship"],
            harm=answers["harm"],
            continuing=bool(answers.get("continuing", False)),
            shares_home=bool(answers.get("shares_home", False)),
            children=answers.get("children", "none"),
        )
    )
    return asdict(outcome)


CALCULATORS: dict[str, Callable[[Answers, Facts], dict[str, Any]]] = {
    "means_test": means_test,
    "protection_order": protection_order,
}
