"""Pure legal calculators on tables with boundaries: notary fee (2025-10-01 table), limitation deadlines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.legal.deadline import add_months, add_years, limitation
from bot.legal.notary_fee import fee_from_facts

FACTS = {k: v["value"] for k, v in yaml.safe_load(
    (Path(__file__).parents[2] / "flows" / "facts.yaml").read_text(encoding="utf-8")).items()}


@pytest.mark.parametrize(
    ("amount", "fee"),
    [(0, 3000), (500_000, 3000), (500_001, 5000), (1_000_000, 5000), (1_000_001, 7000), (2_000_000, 7000),
     (2_000_001, 13000), (5_000_000, 13000), (5_000_001, 20000), (10_000_000, 20000), (10_000_001, 26000),
     (30_000_000, 26000), (30_000_001, 33000), (50_000_000, 33000), (50_000_001, 49000), (100_000_000, 49000),
     (None, 13000)],
)
def test_notary_fee_2025_table(amount: int | None, fee: int) -> None:
    assert fee_from_facts(amount, FACTS) == fee


def test_notary_fee_outside_the_table_raises() -> None:
    with pytest.raises(ValueError):
        fee_from_facts(100_000_001, FACTS)
    with pytest.raises(ValueError):
        fee_from_facts(-1, FACTS)


def test_mediation_fee_is_pinned() -> None:
    assert FACTS["fee.mediation"] == 1200 and FACTS["fee.notary.since"] == "2025-10-01"


def test_year_and_month_arithmetic_at_month_ends() -> None:
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2025, 3, 1), 3) == date(2028, 3, 1)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("kwargs", "last", "basis", "urgent", "expired"),
    [
        (dict(claim="affair", learned=date(2025, 3, 1)), date(2028, 3, 1), "limit.tort", False, False),
        (dict(claim="affair", learned=date(2023, 11, 24)), date(2026, 11, 24), "limit.tort", True, False),  # last day
        (dict(claim="affair", learned=date(2023, 11, 23)), date(2026, 11, 23), "limit.tort", False, True),
        (dict(claim="affair", learned=date(2024, 5, 24)), date(2027, 5, 24), "limit.tort", False, False),  # 6 mo
        (dict(claim="affair", learned=date(2024, 5, 23)), date(2027, 5, 23), "limit.tort", True, False),
        (dict(claim="body", learned=date(2022, 1, 10)), date(2027, 1, 10), "limit.body", True, False),
        (dict(claim="divorce", divorced=date(2024, 4, 1)), date(2027, 4, 1), "limit.divorce", True, False),
        (dict(claim="affair", learned=date(2025, 1, 1), act=date(2006, 6, 1)), date(2026, 6, 1), "limit.act",
         False, True),
        (dict(claim="affair", learned=date(2023, 6, 1), divorced=date(2026, 10, 1), against_spouse=True),
         date(2027, 4, 1), "limit.spouse", True, False),
        (dict(claim="affair", learned=date(2023, 6, 1), divorced=date(2026, 10, 1), against_spouse=False),
         date(2026, 6, 1), "limit.tort", False, True),
    ],
)
def test_limitation(kwargs: dict, last: date, basis: str, urgent: bool, expired: bool) -> None:
    d = limitation(today=TODAY, **kwargs)
    assert (d.last_day, d.basis, d.urgent, d.expired) == (last, basis, urgent, expired)
    assert d.days_left == (last - TODAY).days


def test_limitation_needs_its_dates() -> None:
    with pytest.raises(ValueError):
        limitation("affair", TODAY)
    with pytest.raises(ValueError):
        limitation("divorce", TODAY)
