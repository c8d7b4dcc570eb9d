"""Consolation money (慰謝料) at divorce: the 目安 band for a ground, the spread across sources, and what a
公正証書 for it would cost. Pure; the bands are facts in flows/facts.yaml and sources disagree, so both the usual
band and the widest range are returned — never a single figure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.legal.notary_fee import fee_from_facts

Ground = Literal["affair", "dv", "desertion", "sexless", "incompat"]


@dataclass(frozen=True)
class Band:
    outcome: Ground
    low: int
    high: int
    widest_low: int
    widest_high: int
    fee_low: int  # notary fee for a 公正証書 recording the low end
    fee_high: int


def consolation_band(ground: Ground, divorced_or_divorcing: bool, facts: Mapping[str, Any]) -> Band:
    if ground == "incompat":  # incompatibility alone usually founds no claim
        return Band("incompat", 0, 0, 0, 0, 0, 0)
    if ground == "affair":
        low, high = facts["isha.affair.divorce" if divorced_or_divorcing else "isha.affair.no_divorce"]
        widest = facts["isha.affair.widest"]
    elif ground in ("dv", "desertion", "sexless"):
        low, high = facts[f"isha.{ground}.band"]
        widest = facts[f"isha.{ground}.widest"]
    else:
        raise ValueError(f"unknown ground {ground!r}")
    return Band(ground, low, high, widest[0], widest[1], fee_from_facts(low, facts), fee_from_facts(high, facts))
