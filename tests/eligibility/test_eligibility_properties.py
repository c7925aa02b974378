"""Invariants of screen() over generated households (hypothesis)."""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import Household, Reason, screen
from eligibility.household import (
    CaringFor,
    Disability,
    IncomeType,
    Region,
    Relation,
    Settlement,
    Sex,
)
from eligibility.rules import COUNTED_TYPES, NOT_COUNTED_TYPES

ALWAYS_COUNTED = sorted(COUNTED_TYPES - {IncomeType.CONSUMER_LOAN})
NEVER_COUNTED = sorted(NOT_COUNTED_TYPES)

amounts = st.decimals(min_value=0, max_value=3_000_000, places=2, allow_nan=False)
dates = st.dates(min_value=date(2019, 1, 1), max_value=date(2032, 12, 31))


@st.composite
def members(draw: st.DrawFn, relation: Relation) -> dict[str, Any]:
    return {
        "relation": relation.value,
        "age": draw(st.integers(0, 120)),
        "sex": draw(st.sampled_from(Sex)).value,
        "disability": draw(st.sampled_from(Disability)).value,
        "disabled_child": draw(st.booleans()),
        "full_time_student": draw(st.booleans()),
        "military_service": draw(st.booleans()),
        "long_illness": draw(st.booleans()),
        "caring_for": draw(st.sampled_from(CaringFor)).value,
        "incomes": draw(
            st.lists(
                st.fixed_dictionaries(
                    {"type": st.sampled_from(IncomeType).map(str), "amount": amounts}
                ),
                max_size=4,
            )
        ),
    }


@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    others = draw(
        st.lists(
            st.sampled_from([r for r in Relation if r is not Relation.APPLICANT]).flatmap(members),
            max_size=7,
        )
    )
    household: dict[str, Any] = {
        "application_date": draw(dates).isoformat(),
        "region": draw(st.sampled_from(Region)).value,
        "settlement": draw(st.sampled_from(Settlement)).value,
        "refused_employment_measures_last_6_months": draw(st.booleans()),
        "broke_social_contract_last_6_months": draw(st.booleans()),
        "members": [draw(members(Relation.APPLICANT)), *others],
    }
    if draw(st.booleans()):
        household["overrides"] = {
            "poverty_line": draw(st.decimals(min_value=1, max_value=200_000, places=2)),
            "mrp": draw(st.decimals(min_value=1, max_value=20_000, places=2)),
        }
    return household


def _with_income(data: dict[str, Any], index: int, kind: IncomeType, amount: Decimal) -> Household:
    members_ = [dict(m) for m in data["members"]]
    target = members_[index % len(members_)]
    target["incomes"] = [*target["incomes"], {"type": kind.value, "amount": amount}]
    return Household.model_validate({**data, "members": members_})


PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(households())
def test_amounts_are_whole_non_negative_and_bounded_by_the_line(data: dict[str, Any]) -> None:
    result = screen(Household.model_validate(data))
    n = result.members_counted
    assert result.monthly_amount >= 0
    assert result.monthly_amount <= result.poverty_line * n + Decimal("0.5")
    assert result.child_package.monthly_amount >= 0
    assert result.total_monthly == result.monthly_amount + result.child_package.monthly_amount
    if not result.eligible:
        assert result.total_monthly == 0
        assert result.assistance is None
    else:
        assert result.assistance is not None


@PROPERTY_SETTINGS
@given(households())
def test_eligibility_is_income_strictly_below_the_line_and_no_disqualifier(
    data: dict[str, Any],
) -> None:
    household = Household.model_validate(data)
    result = screen(household)
    exact_per_capita = result.quarter_income_counted / 3 / result.members_counted
    disqualified = (
        household.refused_employment_measures_last_6_months
        or household.broke_social_contract_last_6_months
    )
    assert result.eligible == (exact_per_capita < result.poverty_line and not disqualified)
    assert result.reasons[0] in {"income_below_poverty_line", "income_not_below_poverty_line"}
    assert result.per_capita_income == exact_per_capita.quantize(Decimal("0.01"), ROUND_HALF_UP)


@PROPERTY_SETTINGS
@given(households(), st.integers(0, 7), st.sampled_from(ALWAYS_COUNTED), amounts)
def test_more_counted_income_never_raises_the_amount(
    data: dict[str, Any], index: int, kind: IncomeType, extra: Decimal
) -> None:
    before = screen(Household.model_validate(data))
    after = screen(_with_income(data, index, kind, extra))
    assert after.monthly_amount <= before.monthly_amount
    assert after.total_monthly <= before.total_monthly
    assert after.eligible <= before.eligible
    assert after.quarter_income_counted == before.quarter_income_counted + extra


@PROPERTY_SETTINGS
@given(households(), st.integers(0, 7), st.sampled_from(NEVER_COUNTED), amounts)
def test_not_counted_income_changes_nothing_but_its_own_total(
    data: dict[str, Any], index: int, kind: IncomeType, extra: Decimal
) -> None:
    before = screen(Household.model_validate(data))
    after = screen(_with_income(data, index, kind, extra))
    assert after.eligible == before.eligible
    assert after.monthly_amount == before.monthly_amount
    assert after.total_monthly == before.total_monthly
    assert after.assistance == before.assistance
    assert after.reasons == before.reasons
    assert after.quarter_income_not_counted == before.quarter_income_not_counted + extra


@PROPERTY_SETTINGS
@given(households())
def test_contract_json_has_exactly_the_contract_fields(data: dict[str, Any]) -> None:
    produced = screen(Household.model_validate(data)).to_contract_json()
    assert json.loads(json.dumps(produced)) == produced
    assert set(produced) == {
        "eligible",
        "verdict",
        "poverty_line_low",
        "poverty_line_high",
        "total_monthly_max",
        "assistance",
        "reasons",
        "members_counted",
        "income_period",
        "quarter_income_counted",
        "quarter_income_not_counted",
        "per_capita_income",
        "poverty_line",
        "poverty_line_approximate",
        "poverty_line_source",
        "monthly_amount",
        "child_package",
        "total_monthly",
        "where_to_apply",
        "steps",
    }
    for key in ("monthly_amount", "total_monthly", "total_monthly_max"):
        assert type(produced[key]) is int
    assert type(produced["child_package"]["monthly_amount"]) is int
    assert all(isinstance(s["explanation"], str) and s["explanation"] for s in produced["steps"])


@PROPERTY_SETTINGS
@given(households())
def test_the_range_and_the_verdict_agree(data: dict[str, Any]) -> None:
    household = Household.model_validate(data)
    result = screen(household)
    assert result.poverty_line == result.poverty_line_low <= result.poverty_line_high
    assert result.eligible == (result.verdict == "eligible")
    if not result.poverty_line_approximate:
        assert result.poverty_line_low == result.poverty_line_high
        assert result.verdict != "borderline"
    if household.overrides is not None and household.overrides.poverty_line is not None:
        assert result.poverty_line_high == household.overrides.poverty_line
    if result.verdict == "not_eligible":
        assert result.total_monthly_max == 0
    else:
        assert result.total_monthly_max >= result.total_monthly
    if result.verdict == "borderline":
        assert result.total_monthly == 0 and result.assistance is None
    rules = [step.rule for step in result.steps]
    assert ("income_test_high" in rules) == (
        result.poverty_line_high > result.poverty_line_low
        and Reason.INCOME_NOT_BELOW_POVERTY_LINE in result.reasons
    )
    assert rules.count("poverty_line") == rules.count("poverty_line_high") == 1
