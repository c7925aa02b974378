"""Quantity: the verdict, eligible, borderline or not eligible, and its reason codes.

Rules (Social Code of RK Art. 128; docs/rules.md §§4, 8): TSA is not assigned when the
per-capita income is not below the poverty line (income equal to the line is not below it),
when an able-bodied member refused employment measures within 6 months, or when a social
contract was broken within the 6 months before applying.

The income test compares exact amounts: quarter income < line × 3 × members, so tiyn in the
input count and a per-capita income rounded for display never decides. Against a range:
- eligible: below the low end, and no disqualifier;
- borderline: at or above the low end but below the high end, and no disqualifier (the family
  is close to the line and should apply: the official figure decides);
- not eligible: otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from eligibility.trace import THREE, Step

SRC_TEST = "Social Code of RK Art. 128: not assigned when per-capita income is not below the line"
SRC_REFUSED = "Social Code of RK Art. 128: refusal of employment measures bars TSA for 6 months"
SRC_CONTRACT = "Social Code of RK Art. 128: a social contract broken within 6 months bars TSA"
SRC_VERDICT = (
    "Social Code of RK Art. 128: not assigned when per-capita income is not below the line, "
    "after refused employment measures or a broken social contract"
)
T_BELOW = "{0:,.2f} is below the poverty line {1:,.2f}"
T_BELOW_BY_LESS_THAN_A_TIYN = (
    "{0:,.2f} (rounded) is below the poverty line {1:,.2f} by less than 0.01 tenge"
)
T_NOT_BELOW = (
    "{0:,.2f} is not below the poverty line {1:,.2f}: "
    "income equal to or above the line gets no cash assistance"
)
T_BELOW_HIGH = (
    "{0:,.2f} is not below the low end {1:,.2f} but below the high end {2:,.2f} of the range: "
    "close to the line; the official regional figure decides"
)
T_NOT_BELOW_HIGH = "{0:,.2f} is not below the high end {1:,.2f} of the range either"
T_REFUSED = "an able-bodied member refused employment measures within 6 months: not assigned"
T_BROKE = "a social contract was broken within the 6 months before applying: not assigned"


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    BORDERLINE = "borderline"
    NOT_ELIGIBLE = "not_eligible"


class Reason(StrEnum):
    """Result codes. The first four are the contract's; CONSUMER_LOAN_MAY_REFUSE is an extra
    warning (docs/rules.md §3): a consumer loan may lead to refusal even when the estimate is
    positive."""

    INCOME_BELOW_POVERTY_LINE = "income_below_poverty_line"
    INCOME_NOT_BELOW_POVERTY_LINE = "income_not_below_poverty_line"
    REFUSED_EMPLOYMENT_MEASURES = "refused_employment_measures"
    BROKE_SOCIAL_CONTRACT = "broke_social_contract"
    CONSUMER_LOAN_MAY_REFUSE = "consumer_loan_may_refuse"


_STEP_REFUSED = Step("refused_employment_measures", True, T_REFUSED, (), SRC_REFUSED)
_STEP_BROKE = Step("broke_social_contract", True, T_BROKE, (), SRC_CONTRACT)


def is_below(counted: Decimal, members: int, line: Decimal) -> bool:
    """Per-capita income strictly below `line`, compared exactly (quarter income vs line × 3 ×
    members, no division, no rounding)."""
    return counted < line * THREE * members


@dataclass(frozen=True, slots=True)
class VerdictResult:
    verdict: Verdict
    reasons: tuple[Reason, ...]
    below_low: bool
    below_high: bool
    steps: tuple[Step, ...]


def verdict(
    counted: Decimal,
    members: int,
    per_capita_shown: Decimal,
    low: Decimal,
    high: Decimal,
    *,
    refused_employment_measures: bool,
    broke_social_contract: bool,
) -> VerdictResult:
    """The verdict against the range [low, high) (low == high when the line is known)."""
    below_low = is_below(counted, members, low)
    below_high = below_low or is_below(counted, members, high)
    steps: list[Step] = []
    reasons: list[Reason] = []
    if below_low:
        reasons.append(Reason.INCOME_BELOW_POVERTY_LINE)
        template = T_BELOW if per_capita_shown < low else T_BELOW_BY_LESS_THAN_A_TIYN
        steps.append(Step("income_test", True, template, (per_capita_shown, low), SRC_TEST))
    else:
        reasons.append(Reason.INCOME_NOT_BELOW_POVERTY_LINE)
        steps.append(Step("income_test", False, T_NOT_BELOW, (per_capita_shown, low), SRC_TEST))
        if high > low:
            if below_high:
                args: tuple[object, ...] = (per_capita_shown, low, high)
                steps.append(Step("income_test_high", True, T_BELOW_HIGH, args, SRC_TEST))
            else:
                args = (per_capita_shown, high)
                steps.append(Step("income_test_high", False, T_NOT_BELOW_HIGH, args, SRC_TEST))
    if refused_employment_measures:
        reasons.append(Reason.REFUSED_EMPLOYMENT_MEASURES)
        steps.append(_STEP_REFUSED)
    if broke_social_contract:
        reasons.append(Reason.BROKE_SOCIAL_CONTRACT)
        steps.append(_STEP_BROKE)
    disqualified = refused_employment_measures or broke_social_contract
    if disqualified or not below_high:
        found = Verdict.NOT_ELIGIBLE
    elif below_low:
        found = Verdict.ELIGIBLE
    else:
        found = Verdict.BORDERLINE
    steps.append(Step("verdict", found, "verdict: {0}", (found,), SRC_VERDICT))
    return VerdictResult(found, tuple(reasons), below_low, below_high, tuple(steps))
