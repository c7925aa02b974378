"""Runs the per-quantity YAML cases in cases/quantities/ (OpenFisca style: one quantity, its
inputs, its expected output), beside the whole-household cases of cases/*.yaml.

Each case: `name`, `quantity` (a key of QUANTITIES), optional `day` (the application date;
not `on`, which YAML reads as true), `input` (the quantity's inputs; members are given by
their fields, relation filled in) and `output` (compared exactly; decimals as strings,
compared as Decimal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from eligibility import Member, parameters
from eligibility.household import Region, Settlement
from eligibility.quantities.able_bodied import is_able_bodied
from eligibility.quantities.amount import monthly_amount
from eligibility.quantities.assistance import assistance_basis, assistance_kind
from eligibility.quantities.child_package import child_package, children_of_package_age
from eligibility.quantities.income import counted_income
from eligibility.quantities.income_period import income_period
from eligibility.quantities.members import members_counted
from eligibility.quantities.per_capita import per_capita_income
from eligibility.quantities.poverty_line import poverty_line_range
from eligibility.quantities.verdict import verdict
from eligibility.quantities.where_to_apply import where_to_apply

CASES_DIR = Path(__file__).parent / "cases" / "quantities"


def _members(data: dict[str, Any]) -> list[Member]:
    return [
        Member.model_validate({"relation": "applicant" if i == 0 else "other", **fields})
        for i, fields in enumerate(data["members"])
    ]


def _d(text: Any) -> Decimal:
    return Decimal(str(text))


def _optional(text: Any) -> Decimal | None:
    return None if text is None else _d(text)


def _able_bodied(i: dict[str, Any], on: date) -> Any:
    member = Member.model_validate({"relation": "applicant", **i["member"]})
    return is_able_bodied(member, on, lives_alone=i.get("lives_alone", False))


def _assistance(i: dict[str, Any], on: date) -> Any:
    basis = assistance_basis(_members(i), on)
    return {"basis": basis.value, "kind": assistance_kind(basis).value}


def _counted_income(i: dict[str, Any], on: date) -> Any:
    found = counted_income(_members(i), on, on, on)
    return {
        "counted": found.counted,
        "not_counted": found.not_counted,
        "has_consumer_loan": found.has_consumer_loan,
    }


def _range(i: dict[str, Any], on: date) -> Any:
    found = poverty_line_range(on, Region(i["region"]), _optional(i.get("override")))
    return {
        "low": found.low,
        "high": found.high,
        "approximate": found.approximate,
        "rule": found.rule,
        "high_method": found.high_method,
    }


def _verdict(i: dict[str, Any], on: date) -> Any:
    counted, n = _d(i["counted"]), int(i["members"])
    shown, _ = per_capita_income(counted, n)
    found = verdict(
        counted,
        n,
        shown,
        _d(i["low"]),
        _d(i["high"]),
        refused_employment_measures=i.get("refused", False),
        broke_social_contract=i.get("broke", False),
    )
    return {"verdict": found.verdict.value, "reasons": [r.value for r in found.reasons]}


QUANTITIES: dict[str, Callable[[dict[str, Any], date], Any]] = {
    "able_bodied": _able_bodied,
    "assistance": _assistance,
    "counted_income": _counted_income,
    "per_capita_income": lambda i, on: per_capita_income(_d(i["counted"]), int(i["members"]))[0],
    "members_counted": lambda i, on: members_counted(_members(i))[0],
    "income_period": lambda i, on: [d.isoformat() for d in income_period(on)[:2]],
    "poverty_line_range": _range,
    "verdict": _verdict,
    "monthly_amount": lambda i, on: monthly_amount(
        _d(i["line"]), _d(i["counted"]), int(i["members"])
    )[0],
    "child_package": lambda i, on: (
        child_package(int(i["children"]), on, _optional(i.get("mrp"))).monthly_amount
    ),
    "children_of_package_age": lambda i, on: children_of_package_age(_members(i), on),
    "where_to_apply": lambda i, on: where_to_apply(Settlement(i["settlement"]))[0].value,
}


def _load() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return cases


CASES = _load()


@pytest.fixture(autouse=True)
def _bundled_parameters_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KOMEK_PARAMETERS_DIR", str(tmp_path))
    parameters.reload()
    yield
    monkeypatch.delenv("KOMEK_PARAMETERS_DIR")
    parameters.reload()


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, Decimal):
        return actual == _d(expected)
    if isinstance(actual, dict) and isinstance(expected, dict):
        return all(k in actual and _same(actual[k], v) for k, v in expected.items())
    return bool(actual == expected)


def test_every_quantity_has_cases_and_names_are_unique() -> None:
    names = [p.values[0]["name"] for p in CASES]
    assert len(set(names)) == len(names)
    assert {p.values[0]["quantity"] for p in CASES} == set(QUANTITIES)


@pytest.mark.parametrize("case", CASES)
def test_quantity_case(case: dict[str, Any]) -> None:
    on = case.get("day", date(2026, 2, 10))
    actual = QUANTITIES[case["quantity"]](case.get("input", {}), on)
    assert _same(actual, case["output"]), f"got {actual!r}, expected {case['output']!r}"
