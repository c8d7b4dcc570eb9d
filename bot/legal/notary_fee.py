"""The notary's fee for a 公正証書, by the value of what it records (table in force since 2025-10-01).

The table comes from facts (fee.notary); this module only reads it. Seed 003 shows the old table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def notary_fee(amount: int | None, table: Sequence[Sequence[int]], not_calculable: int) -> int:
    """The fee for `amount` yen: the first band whose ceiling it does not exceed; None means not calculable."""
    if amount is None:
        return not_calculable
    if amount < 0:
        raise ValueError("amount cannot be negative")
    for ceiling, fee in table:
        if amount <= ceiling:
            return fee
    raise ValueError(f"amount {amount} is above the table (over ¥{table[-1][0]:,}): ask a notary")


def fee_from_facts(amount: int | None, facts: Mapping[str, Any]) -> int:
    return notary_fee(amount, facts["fee.notary.table"], int(facts["fee.notary.not_calculable"]))
