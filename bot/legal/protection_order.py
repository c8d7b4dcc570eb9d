"""Who may ask a district court for a DV-Act protection order, and which orders fit under the DV Act (配偶者暴力防止法).

A pure function of the person's answers. It gives the route that generally applies — never a promise that a
court will grant an order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Relationship = Literal["married", "de_facto", "cohabiting", "former", "never_cohabited"]
Harm = Literal["physical", "threat_life_body", "threat_freedom", "other"]
Route = Literal["dv_act", "stalker_act", "former_not_continuing", "harm_not_covered"]
Children = Literal["none", "under_15", "over_15", "both"]
RELATIONSHIPS = ("married", "de_facto", "cohabiting", "former", "never_cohabited")
HARMS = ("physical", "threat_life_body", "threat_freedom", "other")


@dataclass(frozen=True)
class OrderAnswers:
    relationship: Relationship
    harm: Harm
    continuing: bool  # for a former partner: the violence began while together and goes on after the split
    shares_home: bool  # they live with the person they fear now
    children: Children = "none"


@dataclass(frozen=True)
class OrderOutcome:
    outcome: Route
    orders: tuple[str, ...]  # which of the six orders may be asked for
    child_orders: bool  # the child approach and contact bans fit (minor children live with the person)
    leave_home: bool  # the order to leave the shared home (physical violence or threats to life/body only)
    child_consent: bool  # a child aged 15 or over must consent to the child approach ban


def assess_order(a: OrderAnswers) -> OrderOutcome:
    if a.relationship not in RELATIONSHIPS or a.harm not in HARMS:
        raise ValueError("unknown relationship or harm")
    if a.relationship == "never_cohabited":
        return OrderOutcome("stalker_act", (), False, False, False)
    if a.relationship == "former" and not a.continuing:
        return OrderOutcome("former_not_continuing", (), False, False, False)
    if a.harm == "other":
        return OrderOutcome("harm_not_covered", (), False, False, False)
    orders = ["approach", "contact"]
    if a.children != "none":
        orders += ["child_approach", "child_contact"]
    orders.append("relatives_approach")
    leave_home = a.shares_home and a.harm in ("physical", "threat_life_body")
    if leave_home:
        orders.append("leave_home")
    return OrderOutcome("dv_act", tuple(orders), a.children != "none", leave_home, a.children in ("over_15", "both"))
