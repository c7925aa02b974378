"""The household a screening is asked about: the input half of the public JSON contract.

Strict on purpose: other programs send us JSON, and a misspelt field or value must be an error
they see, not a silently ignored answer (see docs/screening-contract.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Region(StrEnum):
    """ISO 3166-2:KZ codes of the 17 oblasts and 3 cities of republican significance."""

    ABAI = "KZ-10"
    AKMOLA = "KZ-11"
    AKTOBE = "KZ-15"
    ALMATY_REGION = "KZ-19"
    ATYRAU = "KZ-23"
    WEST_KAZAKHSTAN = "KZ-27"
    ZHAMBYL = "KZ-31"
    ZHETYSU = "KZ-33"
    KARAGANDA = "KZ-35"
    KOSTANAY = "KZ-39"
    KYZYLORDA = "KZ-43"
    MANGYSTAU = "KZ-47"
    PAVLODAR = "KZ-55"
    NORTH_KAZAKHSTAN = "KZ-59"
    TURKISTAN = "KZ-61"
    ULYTAU = "KZ-62"
    EAST_KAZAKHSTAN = "KZ-63"
    ASTANA = "KZ-71"
    ALMATY = "KZ-75"
    SHYMKENT = "KZ-79"


class Settlement(StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class Relation(StrEnum):
    APPLICANT = "applicant"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    OTHER = "other"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Disability(StrEnum):
    NONE = "none"
    GROUP_1 = "group_1"
    GROUP_2 = "group_2"
    GROUP_3 = "group_3"


class CaringFor(StrEnum):
    NONE = "none"
    CHILD_UNDER_3 = "child_under_3"
    DISABLED_CHILD = "disabled_child"
    DISABLED_ADULT = "disabled_adult"
    ELDERLY = "elderly"


class IncomeType(StrEnum):
    """Income kinds of the contract. Which of them count is a rule (eligibility.rules), not here."""

    # counted
    WAGES = "wages"
    BUSINESS = "business"
    PENSION = "pension"
    SOCIAL_BENEFIT = "social_benefit"
    ALIMONY = "alimony"
    FARM = "farm"
    PROPERTY = "property"
    DEPOSIT_INTEREST = "deposit_interest"
    GIFTS_TRANSFERS = "gifts_transfers"
    LARGE_FAMILY_ALLOWANCE = "large_family_allowance"
    EMPLOYMENT_MEASURES = "employment_measures"
    HOUSING_CERTIFICATE = "housing_certificate"
    CONSUMER_LOAN = "consumer_loan"
    OTHER = "other"
    # not counted
    TSA = "tsa"
    HOUSING_ASSISTANCE = "housing_assistance"
    BURIAL_ALLOWANCE = "burial_allowance"
    DISABLED_CHILD_BENEFIT = "disabled_child_benefit"
    MOTHERS_AWARD_ALLOWANCE = "mothers_award_allowance"
    SCHOLARSHIP = "scholarship"
    EMERGENCY_COMPENSATION = "emergency_compensation"
    CHILDBIRTH_ONE_TIME = "childbirth_one_time"
    STUDENT_MATERIAL_AID = "student_material_aid"
    ONE_TIME_SOCIAL_ASSISTANCE = "one_time_social_assistance"
    CHARITY = "charity"
    IN_KIND_ASSISTANCE = "in_kind_assistance"
    ADOPTION_ONE_TIME = "adoption_one_time"
    RESETTLEMENT_ONE_TIME = "resettlement_one_time"
    DEBT_RELIEF_2019 = "debt_relief_2019"


_STRICT = ConfigDict(extra="forbid", frozen=True)

Tenge = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2, allow_inf_nan=False)]
PositiveTenge = Annotated[
    Decimal, Field(gt=0, max_digits=15, decimal_places=2, allow_inf_nan=False)
]


class Income(BaseModel):
    """Tenge received in the whole previous calendar quarter (three months together)."""

    model_config = _STRICT

    type: IncomeType
    amount: Tenge


class Member(BaseModel):
    model_config = _STRICT

    relation: Relation
    age: Annotated[int, Field(ge=0, le=120, strict=True)]
    sex: Sex
    disability: Disability = Disability.NONE
    disabled_child: Annotated[bool, Field(strict=True)] = False
    full_time_student: Annotated[bool, Field(strict=True)] = False
    military_service: Annotated[bool, Field(strict=True)] = False
    long_illness: Annotated[bool, Field(strict=True)] = False
    caring_for: CaringFor = CaringFor.NONE
    incomes: tuple[Income, ...] = ()


class Overrides(BaseModel):
    """What-if figures that replace the ones looked up for the date and region."""

    model_config = _STRICT

    poverty_line: PositiveTenge | None = None
    mrp: PositiveTenge | None = None


class Household(BaseModel):
    model_config = _STRICT

    application_date: date
    region: Region
    settlement: Settlement
    refused_employment_measures_last_6_months: Annotated[bool, Field(strict=True)] = False
    broke_social_contract_last_6_months: Annotated[bool, Field(strict=True)] = False
    members: Annotated[tuple[Member, ...], Field(min_length=1)]
    overrides: Overrides | None = None

    @model_validator(mode="after")
    def _exactly_one_applicant(self) -> Household:
        applicants = [m.relation for m in self.members].count(Relation.APPLICANT)
        if applicants != 1:
            raise ValueError(f"members: exactly one applicant is required, found {applicants}")
        return self
