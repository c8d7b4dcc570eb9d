"""Houterasu's means test for free legal consultation (民事法律扶助), as a pure function.

The figures are not here: they come in through `MeansLimits.from_facts`, from flows/facts.yaml. The outcome
is a rough guide (目安) for the person, never a decision: Houterasu decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Area = Literal["tokyo23", "large_city", "elsewhere"]  # tokyo23 is a 一級地 with its own, higher rent cap
Outcome = Literal["likely_eligible", "over_income", "over_assets", "over_both"]
AREAS: tuple[str, ...] = ("tokyo23", "large_city", "elsewhere")


@dataclass(frozen=True)
class MeansLimits:
    """The tables, built from facts so every figure lives in reviewed data, not code."""

    income_large_city: tuple[int, ...]
    income_elsewhere: tuple[int, ...]
    extra_large_city: int
    extra_elsewhere: int
    rent_tokyo23: tuple[int, ...]
    rent_other: tuple[int, ...]
    assets: tuple[int, ...]
    dv_fee: int
    dv_assets_threshold: int

    @classmethod
    def from_facts(cls, values: Mapping[str, Any]) -> MeansLimits:
        return cls(
            income_large_city=tuple(values["hou.income.large_city"]),
            income_elsewhere=tuple(values["hou.income.elsewhere"]),
            extra_large_city=int(values["hou.income.extra.large_city"]),
            extra_elsewhere=int(values["hou.income.extra.elsewhere"]),
            rent_tokyo23=tuple(values["hou.rent.tokyo23"]),
            rent_other=tuple(values["hou.rent.other"]),
            assets=tuple(values["hou.assets"]),
            dv_fee=int(values["hou.dv.fee"]),
            dv_assets_threshold=int(values["hou.dv.assets_threshold"]),
        )


@dataclass(frozen=True)
class MeansAnswers:
    household: int  # people sharing the budget; a spouse who is the other side is not counted
    area: Area
    income: int  # monthly take-home yen (a spouse's excluded when the spouse is the other side)
    rent: int  # rent or mortgage paid per month
    savings: int  # cash + savings
    dv_victim: bool  # a current DV, stalking or child-abuse victim


@dataclass(frozen=True)
class MeansOutcome:
    outcome: Outcome
    income_limit: int  # the base limit plus the rent allowance applied
    rent_allowance: int
    assets_limit: int
    dv_consultation: bool  # DV等被害者法律相談援助: open to victims whatever their income
    dv_fee: int  # charged for it when savings exceed the threshold


def _by_size(table: tuple[int, ...], household: int) -> int:
    """Tables list 1…4 people; a larger household uses the last column."""
    return table[min(household, len(table)) - 1]


def income_limit(household: int, area: Area, limits: MeansLimits) -> int:
    large = area in ("tokyo23", "large_city")
    table = limits.income_large_city if large else limits.income_elsewhere
    extra = limits.extra_large_city if large else limits.extra_elsewhere
    return _by_size(table, household) + max(0, household - len(table)) * extra


def assess_means(answers: MeansAnswers, limits: MeansLimits) -> MeansOutcome:
    a = answers
    if a.household < 1:
        raise ValueError("household must be at least 1 person")
    if min(a.income, a.rent, a.savings) < 0:
        raise ValueError("amounts cannot be negative")
    if a.area not in AREAS:
        raise ValueError(f"unknown area {a.area!r}")
    rent_cap = _by_size(limits.rent_tokyo23 if a.area == "tokyo23" else limits.rent_other, a.household)
    allowance = min(a.rent, rent_cap)
    income_max = income_limit(a.household, a.area, limits) + allowance
    assets_max = _by_size(limits.assets, a.household)
    over_income, over_assets = a.income > income_max, a.savings > assets_max
    outcome: Outcome = (
        "over_both" if over_income and over_assets
        else "over_income" if over_income
        else "over_assets" if over_assets
        else "likely_eligible"
    )
    fee = limits.dv_fee if a.dv_victim and a.savings > limits.dv_assets_threshold else 0
    return MeansOutcome(outcome, income_max, allowance, assets_max, a.dv_victim, fee)
