"""screen(household) → Screening: the TSA pre-screening estimate with a trace a person can check.

An estimate, never a decision: the employment center decides. Every figure in the result comes
from `eligibility.parameters` (with its date and source) or from the household itself, and the
`steps` say how each was obtained, each citing its primary source (docs/rules.md §§2-12).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from eligibility import parameters
from eligibility.calendar import previous_quarter, quarter_label
from eligibility.household import Household, IncomeType, Region, Settlement, Sex
from eligibility.rules import (
    COUNTED_TYPES,
    UNCONDITIONAL_BASES,
    AssistanceBasis,
    assistance_basis,
    is_able_bodied,
)

CENT = Decimal("0.01")
ONE = Decimal(1)
THREE = Decimal(3)
ZERO = Decimal(0)

# Sources shown to citizens and operators: primary sources only (docs/rules.md §13).
SRC_PERIOD = "Social Code of RK Art. 127(2): the full calendar quarter before the application"
SRC_MEMBERS = (
    "Social Code of RK (2023) Arts. 121-128; TSA rules of assignment, MLSP Order No. 227 of "
    "21.06.2023: people registered at the address who keep one household "
    "(UNCERTAIN: the center verifies composition)"
)
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
SRC_PER_CAPITA = "MLSP Order No. 181 of 26.05.2023 (income rules): quarter income / 3 / members"
SRC_TEST = "Social Code of RK Art. 128: not assigned when per-capita income is not below the line"
SRC_REFUSED = "Social Code of RK Art. 128: refusal of employment measures bars TSA for 6 months"
SRC_CONTRACT = "Social Code of RK Art. 128: a social contract broken within 6 months bars TSA"
SRC_AMOUNT = (
    "Social Code of RK (2023) Arts. 121-128; TSA rules of assignment and payment, MLSP Order "
    "No. 227 of 21.06.2023: (poverty line − per-capita income) × members; rounded half-up to "
    "whole tenge by this estimate"
)
SRC_ASSISTANCE = "Social Code of RK (2023) Arts. 121-128; egov.kz social_help 14.03.2024"
SRC_WHERE = (
    "TSA rules of assignment, MLSP Order No. 227 of 21.06.2023; egov.kz social_help 14.03.2024: "
    "employment (career) center; in a rural area the akim's office"
)
SRC_LOANS_WARNING = (
    "income rules, MLSP Order No. 181 of 26.05.2023 (the text of the 2025 change was not found): "
    "the ministry says that since September 2025 TSA is not assigned to families with credit "
    "obligations except mortgages (alau.kz 22.01.2026, informburo.kz); the center checks loans"
)
SRC_TOTAL = (
    "Social Code of RK (2023) Arts. 121-128: the TSA monthly amount plus the child payment "
    "(TSA rules of assignment and payment, MLSP Order No. 227 of 21.06.2023)"
)
SRC_OVERRIDE = "overrides in the input (what-if figure), not an official value"

# Explanation templates (str.format), rendered only when the trace is read.
T_COUNTED = "members[{0}].incomes[{1}] {2} {3:,.2f}: counted"
T_NOT_COUNTED = "members[{0}].incomes[{1}] {2} {3:,.2f}: not counted"
T_LOAN_COUNTED = "members[{0}].incomes[{1}] {2} {3:,.2f}: consumer loan counted in full (from {4})"
T_LOAN_NOT_COUNTED = (
    "members[{0}].incomes[{1}] {2} {3:,.2f}: consumer loans were not counted before the 2025 change"
)
T_LINE_APPROXIMATE = "{0} (approximate: the center applies the official regional figure)"
T_BELOW = "{0:,.2f} is below the poverty line {1:,.2f}"
T_BELOW_BY_LESS_THAN_A_TIYN = (
    "{0:,.2f} (rounded) is below the poverty line {1:,.2f} by less than 0.01 tenge"
)
T_NOT_BELOW = (
    "{0:,.2f} is not below the poverty line {1:,.2f}: "
    "income equal to or above the line gets no cash assistance"
)
T_REFUSED = "an able-bodied member refused employment measures within 6 months: not assigned"
T_BROKE = "a social contract was broken within the 6 months before applying: not assigned"
T_AMOUNT = (
    "(poverty line − per-capita income) × members = {0:,.2f} × {1} − {2:,.2f} / 3 "
    "= {3:,.2f} → {4} tenge (half-up)"
)
T_PACKAGE = "{0} MRP × {1:,.2f} × {2} child(ren) aged {3}-{4} = {5} tenge a month (half-up)"
T_ASSISTANCE = (
    "{0} able-bodied member(s) (18 up to retirement age: men {1}, women {2}); ground: {3}"
)
T_RURAL = "rural area: the akim of the village, settlement or rural district"
T_URBAN = "the employment (career) center of the place of residence"
T_LOAN_CHECK = (
    "a consumer loan or microcredit was declared: the center checks loans and may refuse "
    "even when this estimate is positive"
)


class Assistance(StrEnum):
    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"


class Reason(StrEnum):
    """Result codes. The first four are the contract's; CONSUMER_LOAN_MAY_REFUSE is an extra
    warning (docs/rules.md §3): a consumer loan may lead to refusal even when the estimate is
    positive."""

    INCOME_BELOW_POVERTY_LINE = "income_below_poverty_line"
    INCOME_NOT_BELOW_POVERTY_LINE = "income_not_below_poverty_line"
    REFUSED_EMPLOYMENT_MEASURES = "refused_employment_measures"
    BROKE_SOCIAL_CONTRACT = "broke_social_contract"
    CONSUMER_LOAN_MAY_REFUSE = "consumer_loan_may_refuse"


class WhereToApply(StrEnum):
    EMPLOYMENT_CENTER = "employment_center"
    RURAL_AKIMAT = "rural_akimat"


StepValue = Decimal | int | str | bool | None


class Step(NamedTuple):
    """One line of the trace: which rule, the figure it gave, how, and the legal/data source.

    The explanation is kept as a template and its arguments and rendered on demand, so the
    trace costs little to build and a chat can word the same figures in its own language.
    """

    rule: str
    value: StepValue
    template: str
    args: tuple[Any, ...]
    source: str | None = None

    @property
    def explanation(self) -> str:
        return self.template.format(*self.args)

    def to_json(self) -> dict[str, Any]:
        value = float(self.value) if isinstance(self.value, Decimal) else self.value
        return {
            "rule": self.rule,
            "value": value,
            "explanation": self.explanation,
            "source": self.source,
        }


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
    assistance: Assistance | None
    reasons: tuple[Reason, ...]
    members_counted: int
    income_period: IncomePeriod
    quarter_income_counted: Decimal
    quarter_income_not_counted: Decimal
    per_capita_income: Decimal
    poverty_line: Decimal
    poverty_line_approximate: bool
    poverty_line_source: str
    monthly_amount: int
    child_package: ChildPackage
    total_monthly: int
    where_to_apply: WhereToApply
    steps: tuple[Step, ...]
    # Not in the JSON contract: what a chat explanation needs besides it.
    poverty_line_rule: str = Field(exclude=True)
    """published_regional, sm70, max_median35_sm70, national_sm70 (approximate) or override."""
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
            "poverty_line_approximate": self.poverty_line_approximate,
            "poverty_line_source": self.poverty_line_source,
            "monthly_amount": self.monthly_amount,
            "child_package": {
                "children": self.child_package.children,
                "monthly_amount": self.child_package.monthly_amount,
            },
            "total_monthly": self.total_monthly,
            "where_to_apply": self.where_to_apply.value,
            "steps": [s.to_json() for s in self.steps],
        }


def _whole(value: Decimal) -> int:
    return int(value.quantize(ONE, ROUND_HALF_UP))


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
    loans: parameters.DatedFlag
    retirement_age: Mapping[Sex, Decimal]
    child_ages: tuple[int, int]


@lru_cache(maxsize=8192)
def _date_facts(on: date) -> _DateFacts:
    start, end = previous_quarter(on)
    quarter = quarter_label(on)
    return _DateFacts(
        start,
        end,
        _construct(IncomePeriod, {"start": start, "end": end}),
        quarter,
        Step(
            "income_period",
            f"{start}..{end}",
            "application on {0} (quarter {1}): income of {2} to {3}",
            (on, quarter, start, end),
            SRC_PERIOD,
        ),
        parameters.consumer_loans_counted(on),
        {sex: parameters.retirement_age(sex, on).value for sex in Sex},
        parameters.child_package_ages(),
    )


@lru_cache(maxsize=16384)
def _line_facts(on: date, region: Region) -> tuple[parameters.ParameterValue, Step]:
    found = parameters.poverty_line(on, region)
    template = T_LINE_APPROXIMATE if found.approximate else "{0}"
    return found, Step("poverty_line", found.value, template, (found.explanation,), found.source)


parameters.on_reload(_date_facts.cache_clear)
parameters.on_reload(_line_facts.cache_clear)

_NO_CHILD_PACKAGE = _construct(ChildPackage, {"children": 0, "monthly_amount": 0})
_STEP_REFUSED = Step("refused_employment_measures", True, T_REFUSED, (), SRC_REFUSED)
_STEP_BROKE = Step("broke_social_contract", True, T_BROKE, (), SRC_CONTRACT)
_STEP_NO_AMOUNT = Step("monthly_amount", 0, "not eligible: no monthly payment", (), SRC_TEST)
_STEP_RURAL = Step("where_to_apply", WhereToApply.RURAL_AKIMAT, T_RURAL, (), SRC_WHERE)
_STEP_URBAN = Step("where_to_apply", WhereToApply.EMPLOYMENT_CENTER, T_URBAN, (), SRC_WHERE)
_STEP_LOAN_CHECK = Step("consumer_loan_check", True, T_LOAN_CHECK, (), SRC_LOANS_WARNING)


def screen(household: Household) -> Screening:
    """Pre-screen one household for TSA on its application date. Pure; lookups are cached."""
    on = household.application_date
    members = household.members
    n = len(members)
    overrides = household.overrides
    facts = _date_facts(on)
    start, end = facts.start, facts.end
    steps: list[Step] = [
        facts.period_step,
        Step("members_counted", n, "{0} member(s) of the household as entered", (n,), SRC_MEMBERS),
    ]

    # Income of the previous quarter, counted or not, item by item; who can work; children.
    loans = facts.loans
    retirement = facts.retirement_age
    low, high = facts.child_ages
    counted = ZERO
    not_counted = ZERO
    has_loan = False
    able_bodied: list[bool] = []
    children = 0
    for i, member in enumerate(members):
        able_bodied.append(is_able_bodied(member, on, retirement[member.sex]))
        if low <= member.age <= high:
            children += 1
        for j, income in enumerate(member.incomes):
            kind = income.type
            amount = income.amount
            if kind is IncomeType.CONSUMER_LOAN:
                has_loan = True
                if loans.value:
                    counted += amount
                    args: tuple[Any, ...] = (i, j, kind, amount, loans.start)
                    steps.append(Step("income_counted", amount, T_LOAN_COUNTED, args, loans.source))
                else:
                    not_counted += amount
                    args = (i, j, kind, amount)
                    steps.append(
                        Step("income_not_counted", amount, T_LOAN_NOT_COUNTED, args, loans.source)
                    )
            elif kind in COUNTED_TYPES:
                counted += amount
                source = (
                    SRC_LARGE_FAMILY if kind is IncomeType.LARGE_FAMILY_ALLOWANCE else SRC_COUNTED
                )
                steps.append(
                    Step("income_counted", amount, T_COUNTED, (i, j, kind, amount), source)
                )
            else:
                not_counted += amount
                steps.append(
                    Step(
                        "income_not_counted",
                        amount,
                        T_NOT_COUNTED,
                        (i, j, kind, amount),
                        SRC_NOT_COUNTED,
                    )
                )
    per_capita = (counted / THREE / n).quantize(CENT, ROUND_HALF_UP)
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
    steps.append(
        Step(
            "per_capita_income",
            per_capita,
            "{0:,.2f} / 3 months / {1} member(s) = {2:,.2f} a month",
            (counted, n, per_capita),
            SRC_PER_CAPITA,
        )
    )

    # The poverty line for the application quarter and region.
    if overrides is not None and overrides.poverty_line is not None:
        line = overrides.poverty_line
        line_rule, line_source, approximate = "override", SRC_OVERRIDE, False
        template = "poverty line given in the input: {0:,.2f}"
        steps.append(Step("poverty_line", line, template, (line,), line_source))
    else:
        found, line_step = _line_facts(on, household.region)
        line, line_rule, line_source = found.value, found.rule, found.source
        approximate = found.approximate
        steps.append(line_step)

    # Eligibility: income strictly below the line, and no 6-month disqualifier.
    below = counted < line * THREE * n
    reasons: list[Reason] = []
    if below:
        reasons.append(Reason.INCOME_BELOW_POVERTY_LINE)
        template = T_BELOW if per_capita < line else T_BELOW_BY_LESS_THAN_A_TIYN
        steps.append(Step("income_test", True, template, (per_capita, line), SRC_TEST))
    else:
        reasons.append(Reason.INCOME_NOT_BELOW_POVERTY_LINE)
        steps.append(Step("income_test", False, T_NOT_BELOW, (per_capita, line), SRC_TEST))
    if household.refused_employment_measures_last_6_months:
        reasons.append(Reason.REFUSED_EMPLOYMENT_MEASURES)
        steps.append(_STEP_REFUSED)
    if household.broke_social_contract_last_6_months:
        reasons.append(Reason.BROKE_SOCIAL_CONTRACT)
        steps.append(_STEP_BROKE)
    eligible = below and len(reasons) == 1

    monthly = 0
    if eligible:
        raw = line * n - counted / THREE
        monthly = _whole(raw)
        steps.append(
            Step("monthly_amount", monthly, T_AMOUNT, (line, n, counted, raw, monthly), SRC_AMOUNT)
        )
    else:
        steps.append(_STEP_NO_AMOUNT)

    # Unconditional or conditional help (the ground is kept even when not eligible).
    basis = assistance_basis(members, on, able_bodied)
    able_count = sum(able_bodied)
    assistance: Assistance | None = None
    if eligible:
        assistance = (
            Assistance.UNCONDITIONAL if basis in UNCONDITIONAL_BASES else Assistance.CONDITIONAL
        )
        steps.append(
            Step(
                "assistance",
                assistance,
                T_ASSISTANCE,
                (able_count, retirement[Sex.MALE], retirement[Sex.FEMALE], basis),
                SRC_ASSISTANCE,
            )
        )

    # Child package: 1.5 MRP a month per child aged 1-6, only in families that get TSA.
    package = 0
    if eligible and children:
        multiple = parameters.child_package_mrp_multiple(on)
        if overrides is not None and overrides.mrp is not None:
            mrp_value, mrp_source = overrides.mrp, SRC_OVERRIDE
        else:
            found_mrp = parameters.mrp(on)
            mrp_value = found_mrp.value
            mrp_source = f"MRP from {found_mrp.start}: {found_mrp.source}"
        package = _whole(multiple.value * mrp_value * children)
        steps.append(
            Step(
                "child_package",
                package,
                T_PACKAGE,
                (multiple.value, mrp_value, children, low, high, package),
                f"{multiple.source}; {mrp_source}",
            )
        )
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
    if household.settlement is Settlement.RURAL:
        where_to_apply = WhereToApply.RURAL_AKIMAT
        steps.append(_STEP_RURAL)
    else:
        where_to_apply = WhereToApply.EMPLOYMENT_CENTER
        steps.append(_STEP_URBAN)
    if has_loan and loans.value:
        reasons.append(Reason.CONSUMER_LOAN_MAY_REFUSE)
        steps.append(_STEP_LOAN_CHECK)

    return _construct(
        Screening,
        {
            "eligible": eligible,
            "assistance": assistance,
            "reasons": tuple(reasons),
            "members_counted": n,
            "income_period": facts.period,
            "quarter_income_counted": counted,
            "quarter_income_not_counted": not_counted,
            "per_capita_income": per_capita,
            "poverty_line": line,
            "poverty_line_approximate": approximate,
            "poverty_line_source": line_source,
            "monthly_amount": monthly,
            "child_package": _construct(
                ChildPackage, {"children": children, "monthly_amount": package}
            )
            if eligible
            else _NO_CHILD_PACKAGE,
            "total_monthly": total,
            "where_to_apply": where_to_apply,
            "steps": tuple(steps),
            "poverty_line_rule": line_rule,
            "poverty_line_quarter": facts.quarter,
            "assistance_basis": basis,
            "able_bodied_members": able_count,
            "children_1_6": children,
            "consumer_loans_counted": loans.value,
            "has_consumer_loan": has_loan,
        },
    )
