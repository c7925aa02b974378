"""TSA pre-screening rules as pure code: dated, sourced parameters and an explainable screen().

No I/O besides reading the bundled parameter files; no chat, no Telegram, no database.
"""

from eligibility.household import Household, Income, Member, Overrides
from eligibility.screening import (
    Assistance,
    ChildPackage,
    IncomePeriod,
    Reason,
    Screening,
    Step,
    WhereToApply,
    screen,
)

__all__ = [
    "Assistance",
    "ChildPackage",
    "Household",
    "Income",
    "IncomePeriod",
    "Member",
    "Overrides",
    "Reason",
    "Screening",
    "Step",
    "WhereToApply",
    "screen",
]
