"""Rules that are not figures: income kinds, able-bodied, the trace's sources."""

from __future__ import annotations

from datetime import date

from eligibility import Household, parameters, screen
from eligibility.household import IncomeType, Member
from eligibility.rules import COUNTED_TYPES, NOT_COUNTED_TYPES, is_able_bodied

CONTRACT_COUNTED = [
    "wages",
    "business",
    "pension",
    "social_benefit",
    "alimony",
    "farm",
    "property",
    "deposit_interest",
    "gifts_transfers",
    "large_family_allowance",
    "employment_measures",
    "housing_certificate",
    "consumer_loan",
    "other",
]
CONTRACT_NOT_COUNTED = [
    "tsa",
    "housing_assistance",
    "burial_allowance",
    "disabled_child_benefit",
    "mothers_award_allowance",
    "scholarship",
    "emergency_compensation",
    "childbirth_one_time",
    "student_material_aid",
    "one_time_social_assistance",
    "charity",
    "in_kind_assistance",
    "adoption_one_time",
    "resettlement_one_time",
    "debt_relief_2019",
]


def test_income_kinds_match_the_contract_lists() -> None:
    assert {t.value for t in COUNTED_TYPES} == set(CONTRACT_COUNTED)
    assert {t.value for t in NOT_COUNTED_TYPES} == set(CONTRACT_NOT_COUNTED)
    assert not COUNTED_TYPES & NOT_COUNTED_TYPES


def _counted(kind: IncomeType, on: date) -> float:
    """The quarter's counted income of a one-person household with 3,000 of `kind`."""
    household = Household.model_validate(
        {
            "application_date": on.isoformat(),
            "region": "KZ-15",
            "settlement": "urban",
            "members": [
                {
                    "relation": "applicant",
                    "age": 40,
                    "sex": "male",
                    "incomes": [{"type": kind.value, "amount": 3000}],
                }
            ],
        }
    )
    counted: float = screen(household).to_contract_json()["quarter_income_counted"]
    return counted


def test_consumer_loans_count_from_their_date_only() -> None:
    start = parameters.consumer_loans_counted_from()
    assert start == date(2025, 9, 1)
    assert _counted(IncomeType.CONSUMER_LOAN, date(2025, 8, 31)) == 0
    assert _counted(IncomeType.CONSUMER_LOAN, start) == 3000
    assert _counted(IncomeType.WAGES, date(2020, 1, 1)) == 3000
    assert _counted(IncomeType.TSA, date(2026, 1, 1)) == 0


def _member(**fields: object) -> Member:
    return Member.model_validate({"relation": "applicant", "sex": "female", **fields})


def test_able_bodied_edges() -> None:
    on = date(2026, 2, 10)
    assert is_able_bodied(_member(age=18), on)
    assert not is_able_bodied(_member(age=17), on)
    assert is_able_bodied(_member(age=60), on)
    assert not is_able_bodied(_member(age=61), on)
    assert is_able_bodied(_member(age=61), date(2028, 1, 1))
    assert is_able_bodied(_member(age=40, disability="group_3"), on)
    for flag in ("full_time_student", "military_service"):
        assert not is_able_bodied(_member(age=40, **{flag: True}), on)
        assert not is_able_bodied(_member(age=40, **{flag: True}), on, lives_alone=True)
    for group in ("group_1", "group_2"):
        assert not is_able_bodied(_member(age=40, disability=group), on)


def test_a_long_illness_exempts_only_a_person_living_alone() -> None:
    """QA D3: rules §5 name a long illness only as a ground for a person living alone."""
    on = date(2026, 2, 10)
    ill = _member(age=40, long_illness=True)
    assert not is_able_bodied(ill, on, lives_alone=True)
    assert is_able_bodied(ill, on)
    assert is_able_bodied(ill, on, lives_alone=False)


def test_the_disabled_child_flag_exempts_no_adult() -> None:
    """The rules name no such ground for the member; a disabled child is under 18 anyway."""
    on = date(2026, 2, 10)
    assert is_able_bodied(_member(age=25, disabled_child=True), on)
    assert not is_able_bodied(_member(age=10, disabled_child=True), on)


def test_is_able_bodied_is_public() -> None:
    import eligibility

    assert eligibility.is_able_bodied is is_able_bodied


def test_every_step_names_a_source_and_dated_figures_name_their_date() -> None:
    household = Household.model_validate(
        {
            "application_date": "2026-05-10",
            "region": "KZ-33",
            "settlement": "rural",
            "members": [
                {
                    "relation": "applicant",
                    "age": 30,
                    "sex": "female",
                    "caring_for": "child_under_3",
                    "incomes": [{"type": "consumer_loan", "amount": 1000}],
                },
                {"relation": "child", "age": 2, "sex": "male"},
            ],
        }
    )
    result = screen(household)
    steps = {step.rule: step for step in result.steps}
    assert all(step.source for step in result.steps)
    assert "from 2026-01-01" in steps["poverty_line"].explanation  # the budget-law SM's date
    assert "approximate" in steps["poverty_line"].explanation
    assert "MRP from 2026-01-01" in (steps["child_package"].source or "")
    assert "from 2025-09-01" in steps["income_counted"].explanation
    assert result.poverty_line_approximate is True
    assert result.child_package.monthly_amount == 6488
    assert result.where_to_apply == "rural_akimat"
