"""When a consolation-money claim runs out (時効, 民法724条・724条の2), from dates the person gives.

Pure: `today` is passed in. Periods count from the day after the starting day (民法140条), so "3 years from
1 March 2025" ends on 1 March 2028; a period starting on 29 February ends on 28 February. The result is a
目安: interruptions (更新・完成猶予) can move it, which a lawyer can check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Claim = Literal["affair", "divorce", "body"]


@dataclass(frozen=True)
class Deadline:
    last_day: date
    days_left: int
    basis: str  # which rule decided the day: limit.tort, limit.body, limit.divorce, limit.spouse, limit.act
    urgent: bool  # less than 6 months left: see a lawyer now
    expired: bool


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February → 28 February
        return d.replace(year=d.year + years, day=28)


def add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def limitation(claim: Claim, today: date, learned: date | None = None, act: date | None = None,
               divorced: date | None = None, against_spouse: bool = False) -> Deadline:
    """The last day to claim, the rule behind it, and whether it is close.

    claim "affair": 3 years from learning of the affair and who the partner is; "body": harm to life or body,
    5 years; "divorce": consolation for the divorce itself, 3 years from the divorce. Every claim also ends
    20 years after the act; a claim against one's spouse cannot end before 6 months after the marriage ends.
    """
    if claim == "divorce":
        if divorced is None:
            raise ValueError("a divorce date is needed")
        last, basis = add_years(divorced, 3), "limit.divorce"
    else:
        if learned is None:
            raise ValueError("the date the person learned of it is needed")
        years = 5 if claim == "body" else 3
        last, basis = add_years(learned, years), "limit.body" if claim == "body" else "limit.tort"
    if act is not None and add_years(act, 20) < last:
        last, basis = add_years(act, 20), "limit.act"
    if against_spouse and divorced is not None and add_months(divorced, 6) > last:
        last, basis = add_months(divorced, 6), "limit.spouse"
    days_left = (last - today).days
    return Deadline(last, days_left, basis, urgent=days_left >= 0 and last < add_months(today, 6),
                    expired=days_left < 0)
