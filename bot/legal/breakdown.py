"""Had the marriage already broken down (破綻) when the affair began? A leaning, never a verdict.

No liability arises for an affair begun after the marriage had broken down (最判平成8年3月26日), but courts
weigh all the facts: a separation aimed at divorce weighs heavily, a work posting or care does not, and
"we were separated" alone never settles it (the facts behind it are isha.breakdown in flows/facts.yaml). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Leaning = Literal["before_separation", "not_broken", "grey", "leans_broken"]


@dataclass(frozen=True)
class BreakdownAnswers:
    began_after_separation: bool
    separation_for_divorce: bool  # not a work posting, care, or a cooling-off
    divorce_in_progress: bool  # mediation filed, or divorce agreed
    little_contact: bool  # hardly any contact, no shared money or family life
    long_separation: bool  # a year or more


@dataclass(frozen=True)
class Breakdown:
    outcome: Leaning
    factors: int  # how many of the four facts point towards breakdown


def assess_breakdown(a: BreakdownAnswers) -> Breakdown:
    if not a.began_after_separation:
        return Breakdown("before_separation", 0)
    factors = sum((a.separation_for_divorce, a.divorce_in_progress, a.little_contact, a.long_separation))
    if not a.separation_for_divorce or factors <= 1:
        return Breakdown("not_broken", factors)
    return Breakdown("leans_broken" if factors >= 3 else "grey", factors)
