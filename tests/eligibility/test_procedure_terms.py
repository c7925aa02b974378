"""The procedure terms the bot quotes come from dated parameters, not from the dialog's code."""

from __future__ import annotations

from datetime import date

import pytest

from common.text import Renderable
from dialogs.result import _how_to_apply
from dialogs.session import Session
from eligibility import Household, screen
from eligibility.parameters import ParameterNotFoundError, procedure_terms


def test_terms_of_the_2023_rules() -> None:
    terms = procedure_terms(date(2026, 2, 10))
    assert (
        terms.decision_working_days_center,
        terms.decision_working_days_akimat,
        terms.extra_calendar_days_when_data_requested,
        terms.home_inspection_working_days,
    ) == (15, 18, 30, 3)
    assert "Order No. 227" in terms.source
    with pytest.raises(ParameterNotFoundError):
        procedure_terms(date(2020, 1, 1))


@pytest.mark.parametrize(
    ("settlement", "lang", "expected"),
    [
        ("urban", "ru", "за 15 рабочих дней"),
        ("rural", "ru", "за 18 рабочих дней"),
        ("rural", "kk", "Шешім 18 жұмыс күні"),
    ],
)
def test_result_quotes_the_terms(settlement: str, lang: str, expected: str) -> None:
    household = Household.model_validate(
        {
            "application_date": "2026-02-10",
            "region": "KZ-15",
            "settlement": settlement,
            "members": [{"relation": "applicant", "age": 70, "sex": "female"}],
        }
    )
    parts: tuple[Renderable, ...] = _how_to_apply(
        Session.new(language="ru"), screen(household), date(2026, 2, 10)
    )
    text = "\n".join(part.render(lang) for part in parts)  # type: ignore[arg-type]
    assert expected in text
    assert "3" in text and "30" in text
