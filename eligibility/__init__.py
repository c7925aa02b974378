"""TSA pre-screening rules as pure code: dated, sourced parameters, named quantities and an
explainable screen().

No I/O besides reading the bundled parameter files; no chat, no Telegram, no database.
"""

from eligibility.household import Household, Income, Member, Overrides
from eligibility.quantities.able_bodied import is_able_bodied
from eligibility.quantities.assistance import AssistanceBasis
from eligibility.screening import (
    Assistance,
    ChildPackage,
    IncomePeriod,
    Reason,
    Screening,
    Step,
    Verdict,
    WhereToApply,
    screen,
)

__all__ = [
    "Assistance",
    "AssistanceBasis",
    "ChildPackage",
    "Household",
    "Income",
    "IncomePeriod",
    "Member",
    "Overrides",
    "Reason",
    "Screening",
    "Step",
    "Verdict",
    "WhereToApply",
    "is_able_bodied",
    "screen",
]
