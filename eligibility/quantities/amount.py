"""Quantity: the monthly TSA amount of the family.

Rule: (poverty line − per-capita income) × members, paid monthly (Social Code of RK (2023)
Arts. 121-128; rules of assignment and payment, MLSP Order No. 227 of 21.06.2023; docs/rules.md
§9). No minimum or maximum was found. Computed in exact decimals as line × members − quarter
income / 3, rounded half-up to whole tenge once, at the end (the estimate's own choice).
"""

from __future__ import annotations

from decimal import Decimal

from eligibility.trace import THREE, Step, whole_tenge

SOURCE = (
    "Social Code of RK (2023) Arts. 121-128; TSA rules of assignment and payment, MLSP Order "
    "No. 227 of 21.06.2023: (poverty line − per-capita income) × members; rounded half-up to "
    "whole tenge by this estimate"
)
T_AMOUNT = (
    "(poverty line − per-capita income) × members = {0:,.2f} × {1} − {2:,.2f} / 3 "
    "= {3:,.2f} → {4} tenge (half-up)"
)


def monthly_amount(line: Decimal, counted: Decimal, members: int) -> tuple[int, Step]:
    """The family's monthly amount at `line` (only called for a family below it)."""
    raw = line * members - counted / THREE
    amount = whole_tenge(raw)
    step = Step("monthly_amount", amount, T_AMOUNT, (line, members, counted, raw, amount), SOURCE)
    return amount, step
