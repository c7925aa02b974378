"""Invalid households are refused with every bad field named; the command exits 2, stdout empty."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from eligibility import Household
from eligibility.cli import describe_errors, main

ROOT = Path(__file__).resolve().parents[2]

VALID: dict[str, Any] = {
    "application_date": "2026-02-10",
    "region": "KZ-15",
    "settlement": "urban",
    "refused_employment_measures_last_6_months": False,
    "broke_social_contract_last_6_months": False,
    "members": [
        {
            "relation": "applicant",
            "age": 34,
            "sex": "female",
            "disability": "none",
            "disabled_child": False,
            "full_time_student": False,
            "military_service": False,
            "long_illness": False,
            "caring_for": "none",
            "incomes": [{"type": "wages", "amount": 450000}],
        }
    ],
    "overrides": {"poverty_line": 37060, "mrp": 4325},
}


def _changed(path: tuple[Any, ...], value: Any, *, delete: bool = False) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD = [
    ("unknown-top-field", _changed(("colour",), "red"), "colour: unknown field"),
    ("unknown-member-field", _changed(("members", 0, "name"), "Aigul"), "members[0].name"),
    ("unknown-region", _changed(("region",), "KZ-99"), "region:"),
    ("unknown-settlement", _changed(("settlement",), "town"), "settlement:"),
    ("unknown-relation", _changed(("members", 0, "relation"), "boss"), "members[0].relation"),
    ("unknown-sex", _changed(("members", 0, "sex"), "f"), "members[0].sex"),
    (
        "unknown-income-type",
        _changed(("members", 0, "incomes", 0, "type"), "salary"),
        "members[0].incomes[0].type",
    ),
    (
        "unknown-disability",
        _changed(("members", 0, "disability"), "group_4"),
        "members[0].disability",
    ),
    ("unknown-caring", _changed(("members", 0, "caring_for"), "cat"), "members[0].caring_for"),
    (
        "negative-amount",
        _changed(("members", 0, "incomes", 0, "amount"), -1),
        "members[0].incomes[0].amount: must not be negative",
    ),
    (
        "three-decimals",
        _changed(("members", 0, "incomes", 0, "amount"), 1.005),
        "members[0].incomes[0].amount",
    ),
    ("age-121", _changed(("members", 0, "age"), 121), "members[0].age: must be"),
    ("age-negative", _changed(("members", 0, "age"), -1), "members[0].age: must be"),
    ("age-fraction", _changed(("members", 0, "age"), 3.5), "members[0].age: must be"),
    ("age-as-text", _changed(("members", 0, "age"), "34"), "members[0].age"),
    ("flag-as-text", _changed(("members", 0, "long_illness"), "yes"), "members[0].long_illness"),
    ("no-members", _changed(("members",), []), "members: at least one member"),
    (
        "missing-date",
        _changed(("application_date",), None, delete=True),
        "application_date: required field is missing",
    ),
    ("bad-date", _changed(("application_date",), "10.02.2026"), "application_date:"),
    ("zero-override", _changed(("overrides", "poverty_line"), 0), "overrides.poverty_line"),
    ("unknown-override", _changed(("overrides", "sm"), 1), "overrides.sm: unknown field"),
    ("no-applicant", _changed(("members", 0, "relation"), "spouse"), "exactly one applicant"),
    (
        "two-applicants",
        _changed(("members",), [VALID["members"][0], VALID["members"][0]]),
        "exactly one applicant",
    ),
]


@pytest.mark.parametrize(("data", "expected"), [pytest.param(d, e, id=n) for n, d, e in BAD])
def test_invalid_household_is_refused_naming_the_field(data: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Household.model_validate_json(json.dumps(data))
    assert any(expected in line for line in describe_errors(caught.value))


def test_every_bad_field_is_named_at_once() -> None:
    data = _changed(("region",), "KZ-00")
    data["members"][0]["age"] = 200
    data["members"][0]["incomes"][0]["amount"] = -5
    with pytest.raises(ValidationError) as caught:
        Household.model_validate_json(json.dumps(data))
    lines = describe_errors(caught.value)
    assert lines[0].startswith("region:")
    assert "members[0].age: must be a whole number of years between 0 and 120 (got 200)" in lines
    assert any(line.startswith("members[0].incomes[0].amount:") for line in lines)
    assert not any("at least one member" in line for line in lines)


def _run_main(tmp_path: Path, text: str) -> tuple[int, str, str]:
    path = tmp_path / "household.json"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["screen", str(path)], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"application_date": ', "input: malformed JSON"),
        ("[1, 2]", "input:"),
        ("", "input: malformed JSON"),
        (
            json.dumps(_changed(("application_date",), "2018-12-31")),
            "application_date: no rules or figures for this date",
        ),
    ],
)
def test_command_refuses_unreadable_input(tmp_path: Path, text: str, expected: str) -> None:
    code, out, err = _run_main(tmp_path, text)
    assert code == 2
    assert out == ""
    assert expected in err


def test_command_screens_a_valid_file(tmp_path: Path) -> None:
    code, out, err = _run_main(tmp_path, json.dumps(VALID))
    assert code == 0, err
    result = json.loads(out)
    assert result["eligible"] is False
    assert result["per_capita_income"] == 150000.0
    assert result["reasons"] == ["income_not_below_poverty_line"]


def test_command_missing_file_exits_2(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["screen", str(tmp_path / "nope.json")], out, err) == 2
    assert out.getvalue() == ""
    assert "cannot read" in err.getvalue()


def _subprocess(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eligibility", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
        check=False,
    )


def test_subprocess_valid_household_from_stdin() -> None:
    done = _subprocess(["screen"], json.dumps(_changed(("members", 0, "incomes"), [])))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["eligible"] is True
    assert result["monthly_amount"] == 37060
    assert result["total_monthly"] == 37060
    assert result["steps"][0]["rule"] == "income_period"


def test_subprocess_invalid_household_exit_2_and_empty_stdout() -> None:
    data = _changed(("members", 0, "age"), 150)
    data["members"][0]["incomes"][0]["type"] = "salary"
    done = _subprocess(["screen"], json.dumps(data))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "members[0].age: must be a whole number of years between 0 and 120" in done.stderr
    assert "members[0].incomes[0].type:" in done.stderr


def test_subprocess_jsonl_batch_one_result_per_line() -> None:
    good = json.dumps(VALID)
    bad = json.dumps(_changed(("region",), "KZ-00"))
    done = _subprocess(["screen", "--jsonl"], f"{good}\n{bad}\n{good}\n")
    assert done.returncode == 2
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert json.loads(lines[0])["per_capita_income"] == 150000.0
    assert lines[1] == "null"
    assert "line 2: region:" in done.stderr
