"""The means test on a table with every boundary value (figures written by hand from CONTENT.md §4)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.legal.means_test import MeansAnswers, MeansLimits, assess_means

FACTS = yaml.safe_load((Path(__file__).parents[2] / "flows" / "facts.yaml").read_text(encoding="utf-8"))
LIMITS = MeansLimits.from_facts({fid: rec["value"] for fid, rec in FACTS.items()})


def run(household: int, area: str, income: int, rent: int = 0, savings: int = 0, dv: bool = False):  # noqa: ANN201
    return assess_means(MeansAnswers(household, area, income, rent, savings, dv), LIMITS)  # type: ignore[arg-type]


INCOME = [  # household, area, the limit with no rent
    (1, "tokyo23", 200_200), (2, "tokyo23", 276_100), (3, "tokyo23", 299_200), (4, "tokyo23", 328_900),
    (1, "large_city", 200_200), (2, "large_city", 276_100), (3, "large_city", 299_200), (4, "large_city", 328_900),
    (1, "elsewhere", 182_000), (2, "elsewhere", 251_000), (3, "elsewhere", 272_000), (4, "elsewhere", 299_000),
    (5, "tokyo23", 361_900), (6, "large_city", 394_900), (5, "elsewhere", 329_000), (6, "elsewhere", 359_000),
]


@pytest.mark.parametrize(("household", "area", "limit"), INCOME)
def test_income_limit_boundaries(household: int, area: str, limit: int) -> None:
    at = run(household, area, limit)
    assert at.outcome == "likely_eligible" and at.income_limit == limit
    assert run(household, area, limit + 1).outcome == "over_income"


RENT = [  # household, area, rent paid, allowance applied
    (1, "tokyo23", 40_000, 40_000), (1, "tokyo23", 53_000, 53_000), (1, "tokyo23", 80_000, 53_000),
    (1, "large_city", 53_000, 41_000), (1, "elsewhere", 41_000, 41_000), (1, "elsewhere", 41_001, 41_000),
    (2, "tokyo23", 100_000, 68_000), (3, "tokyo23", 100_000, 85_000), (4, "tokyo23", 100_000, 92_000),
    (5, "tokyo23", 100_000, 92_000), (2, "elsewhere", 100_000, 53_000), (3, "large_city", 100_000, 66_000),
    (4, "elsewhere", 100_000, 71_000), (5, "large_city", 100_000, 71_000), (2, "tokyo23", 0, 0),
]


@pytest.mark.parametrize(("household", "area", "rent", "allowance"), RENT)
def test_rent_is_added_up_to_the_cap(household: int, area: str, rent: int, allowance: int) -> None:
    base = run(household, area, 0).income_limit
    out = run(household, area, base + allowance, rent=rent)
    assert out.rent_allowance == allowance and out.income_limit == base + allowance
    assert out.outcome == "likely_eligible"
    assert run(household, area, base + allowance + 1, rent=rent).outcome == "over_income"


@pytest.mark.parametrize(
    ("household", "limit"), [(1, 1_800_000), (2, 2_500_000), (3, 2_700_000), (4, 3_000_000), (5, 3_000_000)]
)
def test_assets_limit_boundaries(household: int, limit: int) -> None:
    assert run(household, "elsewhere", 0, savings=limit).outcome == "likely_eligible"
    out = run(household, "elsewhere", 0, savings=limit + 1)
    assert out.outcome == "over_assets" and out.assets_limit == limit


def test_over_both() -> None:
    assert run(1, "elsewhere", 182_001, savings=1_800_001).outcome == "over_both"


@pytest.mark.parametrize(("savings", "fee"), [(0, 0), (3_000_000, 0), (3_000_001, 5_500)])
def test_dv_consultation_whatever_the_income(savings: int, fee: int) -> None:
    out = run(1, "tokyo23", 900_000, savings=savings, dv=True)
    assert out.dv_consultation and out.dv_fee == fee
    assert out.outcome in ("over_income", "over_both")


def test_no_dv_consultation_without_dv() -> None:
    out = run(1, "tokyo23", 0, savings=5_000_000)
    assert not out.dv_consultation and out.dv_fee == 0


@pytest.mark.parametrize(
    "bad", [dict(household=0), dict(income=-1), dict(rent=-1), dict(savings=-1), dict(area="moon")]
)
def test_invalid_inputs_raise(bad: dict) -> None:
    args = dict(household=1, area="tokyo23", income=0, rent=0, savings=0, dv=False) | bad
    with pytest.raises(ValueError):
        run(**args)


PINNED = {  # every figure the bot shows, as CONTENT.md states it
    "hou.dial": "0570-078374", "hou.dial_ip": "03-6745-5600", "hou.consult.minutes": 30, "hou.consult.times": 3,
    "hou.income.large_city": [200200, 276100, 299200, 328900], "hou.income.elsewhere": [182000, 251000, 272000, 299000],
    "hou.income.extra.large_city": 33000, "hou.income.extra.elsewhere": 30000,
    "hou.rent.tokyo23": [53000, 68000, 85000, 92000], "hou.rent.other": [41000, 53000, 66000, 71000],
    "hou.assets": [1800000, 2500000, 2700000, 3000000], "hou.dv.fee": 5500, "hou.dv.assets_threshold": 3000000,
    "hou.multilingual": "0570-078377", "hou.multilingual_hours": "9:00–17:00", "hou.victim_dial": "0120-079714",
    "window.police.phone": "110", "window.dv_plus.phone": "0120-279-889", "window.dv_navi.phone": "#8008",
}


@pytest.mark.parametrize(("fact_id", "value"), sorted(PINNED.items()))
def test_facts_are_pinned_to_content(fact_id: str, value: object) -> None:
    assert FACTS[fact_id]["value"] == value


def test_hours_are_pinned() -> None:
    hours = FACTS["hou.hours"]["value"]
    assert hours["weekdays"] == "9:00–21:00" and hours["saturday"] == "9:00–17:00"
    assert "12月29日" in hours["closed"] and "1月3日" in hours["closed"]


def test_every_fact_is_sourced() -> None:
    for fid, rec in FACTS.items():
        assert rec["source"] and rec["checked"] and rec["confidence"] in ("confirmed", "likely", "unconfirmed"), fid
