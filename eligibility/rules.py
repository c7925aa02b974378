"""The TSA rules that are not figures, under their earlier names.

The rules now live one per module in `eligibility.quantities` (income kinds in `income`,
able-bodied in `able_bodied`, the kind of help in `assistance`); this module keeps the names
the dialogs and older callers import working.
"""

from __future__ import annotations

from eligibility.quantities.able_bodied import ADULT_AGE, is_able_bodied, is_of_retirement_age
from eligibility.quantities.assistance import (
    UNCONDITIONAL_BASES,
    AssistanceBasis,
    assistance_basis,
    is_caring,
)
from eligibility.quantities.income import COUNTED_TYPES, NOT_COUNTED_TYPES

__all__ = [
    "ADULT_AGE",
    "COUNTED_TYPES",
    "NOT_COUNTED_TYPES",
    "UNCONDITIONAL_BASES",
    "AssistanceBasis",
    "assistance_basis",
    "is_able_bodied",
    "is_caring",
    "is_of_retirement_age",
]
