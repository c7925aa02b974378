"""screen(household) → Screening: the TSA pre-screening estimate with a trace a person can check.

An estimate, never a decision: the employment center decides. screen() composes the named
quantities of `eligibility.quantities` (one module per rule, each citing its primary source);
every figure comes from `eligibility.parameters` (dated, sourced) or from the household, and
the `steps` say how each was obtained (docs/rules.md).

When the official poverty line of the region and quarter is not loaded, the result gives a
range and a verdict: `eligible` below its low end, `borderline` inside it, `not_eligible`
otherwise (the public contract's 2026-11-29 addition).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from eligibility import parameters
from eligibility.calendar import quarter_label
from eligibility.household import Household, Sex
from eligibility.quantities.amount import monthly_amount
from eligibility.quantities.assistance import (
    Assistance,
    AssistanceBasis,
    able_bodied_flags,
    assistance_basis,
    assistance_kind,
    assistance_step,
)
from eligibility.quantities.child_package import child_package, children_of_package_age
from eligibility.quantities.income import counted_income
from eligibility.quantities.income_period import income_period
from eligibility.quantities.members import members_counted
from eligibility.quantities.per_capita import per_capita_income
from eligibility.quantities.poverty_line import SRC_OVERRIDE, poverty_line_range
from eligibility.quantities.verdict import SRC_TEST, Reason, Verdict, verdict
from eligibility.quantities.where_to_apply import WhereToApply, where_to_apply
from eligibility.trace import Step, StepValue

__all__ = [
    "SRC_OVERRIDE",
    "Assistance",
    "ChildPackage",
    "IncomePeriod",
    "Reason",
    "Screening",
    "Step",
    "StepValue",
    "Verdict",
    "WhereToApply",
    "screen",
]

SRC_LOANS_WARNING = (
    "income rules, MLSP Order No. 181 of 26.05.2023 (the text of the 2025 change was not found): "
    "the ministry says that since September 2025 TSA is not assigned to families with credit "
    "obligations except mortgages (alau.kz 22.01.2026, informburo.kz); the center checks loans"
)
SRC_TOTAL = (
    "Social Code of RK (2023) Arts. 121-128: the TSA monthly amount plus the child payment "
    "(TSA rules of assignment and payment, MLSP Order No. 227 of 21.06.2023)"
)
T_LOAN_CHECK = (
    "a consumer loan or microcredit was declared: the center checks loans and may refuse "
    "even when this estimate is positive"
)
T_TOTAL_MAX = (
    "if the official line were the high end {0:,.2f}: {1} + {2} = {3} tenge a month "
    "(the official regional figure decides)"
)


class IncomePeriod(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date


class ChildPackage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    children: int
    monthly_amount: int


class Screening(BaseModel):
    """The contract's result (see to_contract_json), plus a few excluded fields for a chat."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    eligible: bool
    """True exactly when verdict is `eligible`."""
    verdict: Verdict
    assistance: Assistance | None
    reasons: tuple[Reason, ...]
    members_counted: int
    income_period: IncomePeriod
    quarter_income_counted: Decimal
    quarter_income_not_counted: Decimal
    per_capita_income: Decimal
    poverty_line: Decimal
    """The low end of the range (the line itself when it is known)."""
    poverty_line_low: Decimal
    poverty_line_high: Decimal
    poverty_line_approximate: bool
    poverty_line_source: str
    monthly_amount: int
    child_package: ChildPackage
    total_monthly: int
    total_monthly_max: int
    """Assistance plus child package if the official line were the high end (0 when not
    eligible; equal to total_monthly when the line is known)."""
    where_to_apply: WhereToApply
    steps: tuple[Step, ...]
    # Not in the JSON contract: what a chat explanation needs besides it.
    poverty_line_rule: str = Field(exclude=True)
    """published_regional, sm70, max_median35_sm70, national_sm70 (approximate) or override."""
    poverty_line_high_method: str = Field(exclude=True)
    """official, regional (the region's BNS figures) or budget_gap (the fallback)."""
    poverty_line_quarter: str = Field(exclude=True)
    assistance_basis: AssistanceBasis = Field(exclude=True)
    """Why help would be (un)conditional; set even when not eligible."""
    able_bodied_members: int = Field(exclude=True)
    children_1_6: int = Field(exclude=True)
    """Children of child-package age, whether or not the family is eligible."""
    consumer_loans_counted: bool = Field(exclude=True)
    """Whether consumer loans counted as income on the application date."""
    has_consumer_loan: bool = Field(exclude=True)

    @field_serializer("steps")
    def _steps_as_contract(self, steps: tuple[Step, ...]) -> list[dict[str, Any]]:
        return [step.to_json() for step in steps]

    def to_contract_json(self) -> dict[str, Any]:
        """Exactly the contract's JSON object: decimals as numbers, amounts as ints."""
        return {
            "eligible": self.eligible,
            "verdict": self.verdict.value,
            "assistance": None if self.assistance is None else self.assistance.value,
            "reasons": [r.value for r in self.reasons],
            "members_counted": self.members_counted,
            "income_period": {
                "start": self.income_period.start.isoformat(),
                "end": self.income_period.end.isoformat(),
            },
            "quarter_income_counted": float(self.quarter_income_counted),
            "quarter_income_not_counted": float(self.quarter_income_not_counted),
            "per_capita_income": float(self.per_capita_income),
            "poverty_line": float(self.poverty_line),
            "poverty_line_low": float(self.poverty_line_low),
            "poverty_line_high": float(self.poverty_line_high),
            "poverty_line_approximate": self.poverty_line_approximate,
            "poverty_line_source": self.poverty_line_source,
            "monthly_amount": self.monthly_amount,
            "child_package": {
                "children": self.child_package.children,
                "monthly_amount": self.child_package.monthly_amount,
            },
            "total_monthly": self.total_monthly,
            "total_monthly_max": self.total_monthly_max,
            "where_to_apply": self.where_to_apply.value,
            "steps": [s.to_json() for s in self.steps],
        }


_Model = TypeVar("_Model", bound=BaseModel)


def _construct(cls: type[_Model], fields: dict[str, Any]) -> _Model:
    """Build a model from values screen() just computed, without re-validating them (a hot
    path). Equivalent to cls.model_construct with every field given; the tests check that the
    result validates to an equal model."""
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", _FIELDS_SET[cls])
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


_FIELDS_SET: dict[type[BaseModel], set[str]] = {
    cls: set(cls.model_fields) for cls in (Screening, IncomePeriod, ChildPackage)
}


@dataclass(frozen=True, slots=True)
class _DateFacts:
    """What screen() needs that depends on the application date only (cached per date)."""

    start: date
    end: date
    period: IncomePeriod
    quarter: str
    period_step: Step
    retirement_age: Mapping[Sex, Decimal]


@lru_cache(maxsize=8192)
def _date_facts(on: date) -> _DateFacts:
    start, end, step = income_period(on)
    return _DateFacts(
        start,
        end,
        _construct(IncomePeriod, {"start": start, "end": end}),
        quarter_label(on),
        step,
        {sex: parameters.retirement_age(sex, on).value for sex in Sex},
    )


parameters.on_reload(_date_facts.cache_clear)

_NO_CHILD_PACKAGE = _construct(ChildPackage, {"children": 0, "monthly_amount": 0})
_STEP_NO_AMOUNT = Step("monthly_amount", 0, "not eligible: no monthly payment", (), SRC_TEST)
_STEP_BORDERLINE_AMOUNT = Step(
    "monthly_amount",
    0,
    "borderline: no payment at the low end of the range (see total_monthly_max)",
    (),
    SRC_TEST,
)
_STEP_NO_MAX = Step("total_monthly_max", 0, "not eligible at either end of the range", (), SRC_TEST)
_STEP_LOAN_CHECK = Step("consumer_loan_check", True, T_LOAN_CHECK, (), SRC_LOANS_WARNING)


def screen(household: Household) -> Screening:
    """Pre-screen one household for TSA on its application date. Pure but for the figures:
    lookups are cached, and an operator's newer import is picked up (at most a second late)."""
    parameters.follow_operator_files()
    on = household.application_date
    members = household.members
    overrides = household.overrides
    facts = _date_facts(on)

    n, members_step = members_counted(members)
    income = counted_income(members, on, facts.start, facts.end)
    counted = income.counted
    per_capita, per_capita_step = per_capita_income(counted, n)
    line = poverty_line_range(
        on, household.region, None if overrides is None else overrides.poverty_line
    )
    judged = verdict(
        counted,
        n,
        per_capita,
        line.low,
        line.high,
        refused_employment_measures=household.refused_employment_measures_last_6_months,
        broke_social_contract=household.broke_social_contract_last_6_months,
    )
    steps: list[Step] = [
        facts.period_step,
        members_step,
        *income.steps,
        per_capita_step,
        *line.steps,
        *judged.steps,
    ]

    able = able_bodied_flags(members, on, facts.retirement_age)
    basis = assistance_basis(members, on, able)
    able_count = sum(able)
    children = children_of_package_age(members, on)
    mrp_override = None if overrides is None else overrides.mrp
    eligible = judged.verdict is Verdict.ELIGIBLE

    monthly = 0
    package = 0
    assistance: Assistance | None = None
    if eligible:
        monthly, amount_step = monthly_amount(line.low, counted, n)
        steps.append(amount_step)
        assistance = assistance_kind(basis)
        retirement = facts.retirement_age
        steps.append(
            assistance_step(
                assistance, basis, able_count, retirement[Sex.MALE], retirement[Sex.FEMALE]
            )
        )
        if children:
            found_package = child_package(children, on, mrp_override)
            package = found_package.monthly_amount
            steps.append(found_package.step)
    elif judged.verdict is Verdict.BORDERLINE:
        steps.append(_STEP_BORDERLINE_AMOUNT)
    else:
        steps.append(_STEP_NO_AMOUNT)
    total = monthly + package
    steps.append(
        Step(
            "total_monthly",
            total,
            "{0} + {1} = {2} tenge a month",
            (monthly, package, total),
            SRC_TOTAL,
        )
    )

    # What the family would get if the official line were the high end of the range.
    if judged.verdict is Verdict.NOT_ELIGIBLE:
        total_max = 0
        steps.append(_STEP_NO_MAX)
    elif not line.approximate:
        total_max = total
        steps.append(
            Step(
                "total_monthly_max",
                total_max,
                "the line is known: the same as total_monthly, {0}",
                (total,),
                SRC_TOTAL,
            )
        )
    else:
        monthly_max, _ = monthly_amount(line.high, counted, n)
        package_max = child_package(children, on, mrp_override).monthly_amount if children else 0
        total_max = monthly_max + package_max
        steps.append(
            Step(
                "total_monthly_max",
                total_max,
                T_TOTAL_MAX,
                (line.high, monthly_max, package_max, total_max),
                SRC_TOTAL,
            )
        )

    place, place_step = where_to_apply(household.settlement)
    steps.append(place_step)
    reasons = list(judged.reasons)
    if income.has_consumer_loan and income.loans_counted.value:
        reasons.append(Reason.CONSUMER_LOAN_MAY_REFUSE)
        steps.append(_STEP_LOAN_CHECK)

    return _construct(
        Screening,
        {
            "eligible": eligible,
            "verdict": judged.verdict,
            "assistance": assistance,
            "reasons": tuple(reasons),
            "members_counted": n,
            "income_period": facts.period,
            "quarter_income_counted": counted,
            "quarter_income_not_counted": income.not_counted,
            "per_capita_income": per_capita,
            "poverty_line": line.low,
            "poverty_line_low": line.low,
            "poverty_line_high": line.high,
            "poverty_line_approximate": line.approximate,
            "poverty_line_source": line.source,
            "monthly_amount": monthly,
            "child_package": _construct(
                ChildPackage, {"children": children, "monthly_amount": package}
            )
            if eligible
            else _NO_CHILD_PACKAGE,
            "total_monthly": total,
            "total_monthly_max": total_max,
            "where_to_apply": place,
            "steps": tuple(steps),
            "poverty_line_rule": line.rule,
            "poverty_line_high_method": line.high_method,
            "poverty_line_quarter": facts.quarter,
            "assistance_basis": basis,
            "able_bodied_members": able_count,
            "children_1_6": children,
            "consumer_loans_counted": income.loans_counted.value,
            "has_consumer_loan": income.has_consumer_loan,
        },
    )
