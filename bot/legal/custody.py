"""Which custody and child-support rules apply, by the divorce date (the 2026-04-01 reform). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

REFORM = date(2026, 4, 1)
DivorceKind = Literal["agreement", "court"]


@dataclass(frozen=True)
class CustodyRules:
    outcome: Literal["new_rules", "old_rules"]
    statutory_support: bool  # 法定養育費: an agreement divorce under the new rules with no support agreed
    sole_required: bool  # DV or abuse risk: the court must choose sole custody, in 親権者変更 too (819条7項)


def custody_rules(divorce: date | None, kind: DivorceKind, support_agreed: bool, dv_risk: bool,
                  reform: date = REFORM) -> CustodyRules:
    """`divorce` None means not divorced yet: the new rules will apply. The mandatory sole custody where DV
    or abuse is feared binds the court whenever it decides, including a change of custodian after a divorce
    under the old rules, so it does not depend on the divorce date."""
    new = divorce is None or divorce >= reform
    return CustodyRules("new_rules" if new else "old_rules",
                        statutory_support=new and kind == "agreement" and not support_agreed,
                        sole_required=dv_risk)
