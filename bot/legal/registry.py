"""The calculators a flow may name in a `compute` node: name → function(answers, facts) → outcome dict.

The adapters here turn a session's answers into a calculator's typed inputs; the calculators themselves
stay pure functions of their arguments. `today` is the day the person wrote, passed in, never read here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from bot.legal.breakdown import BreakdownAnswers, assess_breakdown
from bot.legal.consolation import consolation_band
from bot.legal.custody import custody_rules
from bot.legal.deadline import Deadline, limitation
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


def _deadline(prefix: str, d: Deadline) -> dict[str, Any]:
    """One deadline's fields under `prefix` (`div_last_day`…); the card's texts read them."""
    return {f"has_{prefix}": True, f"{prefix}_last_day": d.last_day.isoformat(), f"{prefix}_days_left": d.days_left,
            f"{prefix}_urgent": d.urgent, f"{prefix}_expired": d.expired}


def consolation(answers: Answers, facts: Facts, today: date) -> dict[str, Any]:
    """The band for the ground, and each deadline the dates given allow: against the affair partner (3 years
    from learning), for the divorce itself (3 years from the divorce) and, after DV, for the injury (5 years
    from knowing the harm and who did it, 民法724条の2; against a former spouse never before 6 months after
    the divorce, 民法159条). The main deadline (`last_day`) is the partner's for an affair, else the divorce's."""
    ground = answers["ground"]
    divorced = answers.get("divorce_date")
    divorce_band = answers.get("divorce") in ("divorced", "divorcing")
    band = consolation_band(ground, divorce_band, facts)
    result: dict[str, Any] = asdict(band) | {"has_deadline": False, "divorce_band": divorce_band,
                                            "has_div": False, "has_body": False}
    div = limitation("divorce", today, divorced=date.fromisoformat(divorced)) if divorced else None
    if div is not None:
        result |= _deadline("div", div)
    harm = answers.get("harm_date")
    body = None
    if ground == "dv" and harm:
        body = limitation("body", today, learned=date.fromisoformat(harm),
                          divorced=date.fromisoformat(divorced) if divorced else None, against_spouse=True)
        result |= _deadline("body", body)
    learned = answers.get("learned_date")
    if ground == "affair" and learned:  # against the affair partner (limit.partner); the spouse: see the card
        d = limitation("affair", today, learned=date.fromisoformat(learned))
    elif div is not None:
        d = div
    else:
        return result
    return result | {"has_deadline": True, "last_day": d.last_day.isoformat(), "days_left": d.days_left,
                     "urgent": d.urgent or bool(body and body.urgent), "expired": d.expired, "basis": d.basis}


def custody(answers: Answers, facts: Facts, today: date) -> dict[str, Any]:
    divorced = answers.get("divorce_date")
    rules = custody_rules(date.fromisoformat(divorced) if divorced else None, answers["kind"],
                          bool(answers.get("support_agreed")), bool(answers.get("dv_risk")),
                          date.fromisoformat(facts["custody.reform_date"]))
    return asdict(rules)


def affair_separation(answers: Answers, facts: Facts, today: date) -> dict[str, Any]:
    """The breakdown leaning, the band, and the deadline against the affair partner when a date is known."""
    leaning = assess_breakdown(BreakdownAnswers(
        began_after_separation=answers.get("timing") == "after",
        separation_for_divorce=answers.get("reason") == "divorce",
        divorce_in_progress=answers.get("talks") == "in_progress",
        little_contact=bool(answers.get("little_contact")),
        long_separation=bool(answers.get("long_separation")),
    ))
    divorce_band = answers.get("divorce") in ("divorced", "divorcing")
    band = consolation_band("affair", divorce_band, facts)
    result: dict[str, Any] = asdict(band) | {"outcome": leaning.outcome, "factors": leaning.factors,
                                            "has_deadline": False, "divorce_band": divorce_band, "has_div": False}
    divorced = answers.get("divorce_date")
    if divorced:
        result |= _deadline("div", limitation("divorce", today, divorced=date.fromisoformat(divorced)))
    learned = answers.get("learned_date")
    if learned:
        d = limitation("affair", today, learned=date.fromisoformat(learned))
        result |= {"has_deadline": True, "last_day": d.last_day.isoformat(), "days_left": d.days_left,
                   "urgent": d.urgent, "expired": d.expired}
    return result


CALCULATORS: dict[str, Callable[[Answers, Facts, date], dict[str, Any]]] = {
    "means_test": lambda answers, facts, today: means_test(answers, facts),
    "protection_order": lambda answers, facts, today: protection_order(answers, facts),
    "consolation": consolation,
    "custody": custody,
    "affair_separation": affair_separation,
}
