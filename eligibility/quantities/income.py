"""Quantity: the family's counted (and not counted) income of the income quarter.

Rules: counted income, gov.kz life situation "situations/11/58" and the income rules, MLSP
Order No. 181 of 26.05.2023; the large-family allowance is counted (gov.kz lists it, although
the 2019 reform had excluded it); consumer loans and microcredits count in full from the dated
parameter `consumer_loans` (about 2025-09-01); the excluded list as published in November 2024
(docs/rules.md §3). Amounts are summed exactly, tiyn included: nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from eligibility import parameters
from eligibility.household import IncomeType, Member
from eligibility.trace import ZERO, Step

COUNTED_TYPES: frozenset[IncomeType] = frozenset(
    {
        IncomeType.WAGES,
        IncomeType.BUSINESS,
        IncomeType.PENSION,
        IncomeType.SOCIAL_BENEFIT,
        IncomeType.ALIMONY,
        IncomeType.FARM,
        IncomeType.PROPERTY,
        IncomeType.DEPOSIT_INTEREST,
        IncomeType.GIFTS_TRANSFERS,
        IncomeType.LARGE_FAMILY_ALLOWANCE,
        IncomeType.EMPLOYMENT_MEASURES,
        IncomeType.HOUSING_CERTIFICATE,
        IncomeType.CONSUMER_LOAN,
        IncomeType.OTHER,
    }
)
"""Counted income types (gov.kz situations/11/58); CONSUMER_LOAN only from its dated flag."""

NOT_COUNTED_TYPES: frozenset[IncomeType] = frozenset(IncomeType) - COUNTED_TYPES
"""Income rules, MLSP Order No. 181 of 26.05.2023, as listed in November 2024."""

SRC_COUNTED = (
    "gov.kz situations/11/58; income rules, MLSP Order No. 181 of 26.05.2023 "
    "(income counted for TSA)"
)
SRC_LARGE_FAMILY = (
    "gov.kz situations/11/58 lists the large-family allowance as counted "
    "(the 2019 reform had excluded it)"
)
SRC_NOT_COUNTED = (
    "income rules, MLSP Order No. 181 of 26.05.2023 (list of 11.11.2024, finance.kz): "
    "income not counted for TSA"
)
T_COUNTED = "members[{0}].incomes[{1}] {2} {3:,.2f}: counted"
T_NOT_COUNTED = "members[{0}].incomes[{1}] {2} {3:,.2f}: not counted"
T_LOAN_COUNTED = "members[{0}].incomes[{1}] {2} {3:,.2f}: consumer loan counted in full (from {4})"
T_LOAN_NOT_COUNTED = (
    "members[{0}].incomes[{1}] {2} {3:,.2f}: consumer loans were not counted before the 2025 change"
)


@dataclass(frozen=True, slots=True)
class CountedIncome:
    counted: Decimal
    """Sum of counted income of the quarter, exact."""
    not_counted: Decimal
    has_consumer_loan: bool
    """A consumer loan or microcredit was declared (counted or not)."""
    loans_counted: parameters.DatedFlag
    steps: tuple[Step, ...]


def counted_income(members: Sequence[Member], on: date, start: date, end: date) -> CountedIncome:
    """Each income item counted or not, by kind and (for loans) by the application date; then
    the quarter's two totals. `start`..`end` is the income period (for the trace)."""
    loans = parameters.consumer_loans_counted(on)
    counted = ZERO
    not_counted = ZERO
    has_loan = False
    steps: list[Step] = []
    for i, member in enumerate(members):
        for j, income in enumerate(member.incomes):
            kind, amount = income.type, income.amount
            args: tuple[Any, ...] = (i, j, kind, amount)
            if kind is IncomeType.CONSUMER_LOAN:
                has_loan = True
                if loans.value:
                    counted += amount
                    steps.append(
                        Step(
                            "income_counted",
                            amount,
                            T_LOAN_COUNTED,
                            (*args, loans.start),
                            loans.source,
                        )
                    )
                else:
                    not_counted += amount
                    steps.append(
                        Step("income_not_counted", amount, T_LOAN_NOT_COUNTED, args, loans.source)
                    )
            elif kind in COUNTED_TYPES:
                counted += amount
                source = (
                    SRC_LARGE_FAMILY if kind is IncomeType.LARGE_FAMILY_ALLOWANCE else SRC_COUNTED
                )
                steps.append(Step("income_counted", amount, T_COUNTED, args, source))
            else:
                not_counted += amount
                steps.append(
                    Step("income_not_counted", amount, T_NOT_COUNTED, args, SRC_NOT_COUNTED)
                )
    steps.append(
        Step(
            "quarter_income_counted",
            counted,
            "sum of counted income for {0}..{1}: {2:,.2f}",
            (start, end, counted),
            SRC_COUNTED,
        )
    )
    steps.append(
        Step(
            "quarter_income_not_counted",
            not_counted,
            "sum of income that does not count: {0:,.2f}",
            (not_counted,),
            SRC_NOT_COUNTED,
        )
    )
    return CountedIncome(counted, not_counted, has_loan, loans, tuple(steps))
