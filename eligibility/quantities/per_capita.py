"""Quantity: the per-capita income, a month.

Rule: per-capita income = family income of the income quarter / 3 / members (income rules,
MLSP Order No. 181 of 26.05.2023; docs/rules.md §4). The figure shown is rounded half-up to the
tiyn; the income test compares exact amounts (eligibility.quantities.verdict), never this one.
"""

from __future__ import annotations

from decimal import Decimal

from eligibility.trace import THREE, Step, tiyn

SOURCE = "MLSP Order No. 181 of 26.05.2023 (income rules): quarter income / 3 / members"


def exact_per_capita_income(counted: Decimal, members: int) -> Decimal:
    """Quarter income / 3 / members, unrounded (Decimal context precision)."""
    return counted / THREE / members


def per_capita_income(counted: Decimal, members: int) -> tuple[Decimal, Step]:
    """The per-capita income a month, to the tiyn, and its step."""
    shown = tiyn(exact_per_capita_income(counted, members))
    step = Step(
        "per_capita_income",
        shown,
        "{0:,.2f} / 3 months / {1} member(s) = {2:,.2f} a month",
        (counted, members, shown),
        SOURCE,
    )
    return shown, step
