"""Runs the YAML rule cases in cases/ (OpenFisca style): input household → expected outputs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligibility import Household, Screening, parameters, screen

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return cases


CASES = _load_cases()


@pytest.fixture(autouse=True)
def _bundled_parameters_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cases rely on the bundled figures only, never on an operator's imports."""
    monkeypatch.setenv("KOMEK_PARAMETERS_DIR", str(tmp_path))
    parameters.reload()
    yield
    monkeypatch.delenv("KOMEK_PARAMETERS_DIR")
    parameters.reload()


def test_there_are_enough_cases_with_unique_names() -> None:
    names = [p.values[0]["name"] for p in CASES]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    result = screen(Household.model_validate(case["input"]))
    produced = result.to_contract_json()
    for key, expected in case["output"].items():
        assert key in produced, f"{key} is not a contract output field"
        assert produced[key] == expected, f"{key}: got {produced[key]!r}, expected {expected!r}"
    for key, expected in case.get("extra", {}).items():
        actual = getattr(result, key)
        assert actual == expected, f"{key}: got {actual!r}, expected {expected!r}"
    rules = [step.rule for step in result.steps]
    for rule in case.get("steps_include", []):
        assert rule in rules, f"step {rule} missing from {rules}"


@pytest.mark.parametrize("case", CASES)
def test_case_result_is_a_valid_screening(case: dict[str, Any]) -> None:
    """The fast constructor in screen() builds exactly what validation would."""
    result = screen(Household.model_validate(case["input"]))
    again = Screening.model_validate(
        {name: getattr(result, name) for name in Screening.model_fields}
    )
    assert again == result
    produced = result.to_contract_json()
    assert produced["total_monthly"] == (
        produced["monthly_amount"] + produced["child_package"]["monthly_amount"]
    )
    assert all(step.explanation and step.source for step in result.steps)
