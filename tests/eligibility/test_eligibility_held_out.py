"""Held-out check: screen() against a separate, straightforward re-implementation of the rules.

The reference below is written from the rules text (docs/rules.md §§2-10 and the contract's
2026-11-29 addition), in one plain function, reading the bundled data files directly with the
csv and yaml modules. It calls nothing of eligibility.quantities or eligibility.parameters, so
a slip in either shows up as a disagreement on generated households (hypothesis), including
multi-person families with a long illness, incomes with tiyn exactly at either end of the
range, and regions and quarters without an official figure.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import Household, parameters, screen

DATA = Path(__file__).resolve().parents[2] / "eligibility" / "parameters"
CENT = Decimal("0.01")

# The rules, as the text states them.
COUNTED = {
    "wages", "business", "pension", "social_benefit", "alimony", "farm", "property",
    "deposit_interest", "gifts_transfers", "large_family_allowance", "employment_measures",
    "housing_certificate", "other",
}  # fmt: skip
NOT_COUNTED = ["tsa", "scholarship", "charity", "disabled_child_benefit", "housing_assistance"]
LOANS_FROM = date(2025, 9, 1)
SHARE = Decimal("0.7")  # 70% of the subsistence minimum (Orders No. 160 and 473)
PACKAGE_MRP, PACKAGE_FROM, PACKAGE_AGES = Decimal("1.5"), date(2023, 1, 1), (1, 6)
# The documented estimate of the high end (docs/rules.md §4).
GROWTH, STALE, LEAST_GAP = Decimal("0.06"), 4, Decimal("1.62")


def _series(name: str, *keys: str) -> list[tuple[date, Decimal]]:
    node = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    for key in keys:
        node = node[key]
    return sorted((day, Decimal(str(item["value"]))) for day, item in node["values"].items())


BUDGET_SM = _series("subsistence_minimum.yaml")
MRP = _series("mrp.yaml")
RETIREMENT = {sex: _series("retirement_age.yaml", sex) for sex in ("male", "female")}


def _at(series: list[tuple[date, Decimal]], day: date) -> Decimal:
    found = [value for start, value in series if start <= day]
    return found[-1] if found else series[0][1]


def _quarter(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _previous_quarter(day: date) -> date:
    return _quarter(_quarter(day) - timedelta(days=1))


def _number(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


with (DATA / "regional_poverty_lines.csv").open(encoding="utf-8") as handle:
    PUBLISHED = {
        (row["region"], row["quarter"]): Decimal(row["poverty_line"])
        for row in csv.DictReader(handle)
    }
with (DATA / "bns_subsistence_minimum.csv").open(encoding="utf-8") as handle:
    BNS = []
    for row in csv.DictReader(handle):
        period = row["period"]
        if "Q" in period:
            start = date(int(period[:4]), 3 * (int(period[-1]) - 1) + 1, 1)
        else:
            start = date(int(period[:4]), int(period[5:7]), 1)
        BNS.append((row["region"], start, Decimal(row["subsistence_minimum"]), row["confidence"]))


def _range(day: date, region: str, override: Decimal | None) -> tuple[Decimal, Decimal, bool]:
    """(low, high, approximate)."""
    if override is not None:
        return override, override, False
    label = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if (region, label) in PUBLISHED:
        line = PUBLISHED[(region, label)]
        return line, line, False
    low = (SHARE * _at(BUDGET_SM, day)).quantize(CENT, ROUND_HALF_UP)
    base = _previous_quarter(day)
    known = [b for b in BNS if _number(b[1]) <= _number(base)]
    trusted = [_number(b[1]) for b in known if b[0] == region and b[3] != "low"]
    sm: Decimal | None = None
    if trusted and _number(base) - max(trusted) <= STALE:
        latest = max(trusted)
        peak = max(b[2] for b in known if b[0] == region and _number(b[1]) == latest)
        sm = peak * (1 + GROWTH) ** (_number(base) - latest)
    if sm is None:
        gaps = [b[2] / _at(BUDGET_SM, b[1]) for b in known if b[3] != "low"]
        sm = _at(BUDGET_SM, base) * max([LEAST_GAP, *gaps])
    high = max(low, (SHARE * sm).quantize(CENT, ROUND_HALF_UP))
    return low, high, True


def _able(member: dict[str, Any], day: date, alone: bool) -> bool:
    return (
        18 <= member["age"] < _at(RETIREMENT[member["sex"]], day)
        and member["disability"] not in ("group_1", "group_2")
        and not member["full_time_student"]
        and not member["military_service"]
        and not (alone and member["long_illness"])
    )


def _kind(members: list[dict[str, Any]], day: date) -> str:
    if len(members) == 1:
        m = members[0]
        if (
            m["age"] >= _at(RETIREMENT[m["sex"]], day)
            or m["disability"] in ("group_1", "group_2")
            or m["long_illness"]
        ):
            return "unconditional"
    able = [m for m in members if _able(m, day, len(members) == 1)]
    if not able or all(m["caring_for"] != "none" for m in able):
        return "unconditional"
    return "conditional"


def reference(data: dict[str, Any]) -> dict[str, Any]:
    day = date.fromisoformat(data["application_date"])
    members = data["members"]
    n = len(members)
    counted = sum(
        (
            Decimal(str(i["amount"]))
            for m in members
            for i in m["incomes"]
            if i["type"] in COUNTED or (i["type"] == "consumer_loan" and day >= LOANS_FROM)
        ),
        Decimal(0),
    )
    override = (data.get("overrides") or {}).get("poverty_line")
    low, high, approximate = _range(
        day, data["region"], None if override is None else Decimal(str(override))
    )
    barred = (
        data["refused_employment_measures_last_6_months"]
        or data["broke_social_contract_last_6_months"]
    )
    if barred or counted / 3 / n >= high:
        verdict = "not_eligible"
    elif counted / 3 / n < low:
        verdict = "eligible"
    else:
        verdict = "borderline"
    children = sum(1 for m in members if PACKAGE_AGES[0] <= m["age"] <= PACKAGE_AGES[1])
    mrp = (data.get("overrides") or {}).get("mrp")
    mrp_value = _at(MRP, day) if mrp is None else Decimal(str(mrp))
    rate = PACKAGE_MRP if day >= PACKAGE_FROM else Decimal(0)
    package = int((rate * mrp_value * children).quantize(Decimal(1), ROUND_HALF_UP))

    def amount(line: Decimal) -> int:
        return int((line * n - counted / 3).quantize(Decimal(1), ROUND_HALF_UP))

    eligible = verdict == "eligible"
    monthly = amount(low) if eligible else 0
    total = monthly + (package if eligible and children else 0)
    total_max = 0 if verdict == "not_eligible" else amount(high) + (package if children else 0)
    return {
        "verdict": verdict,
        "eligible": eligible,
        "assistance": _kind(members, day) if eligible else None,
        "members_counted": n,
        "quarter_income_counted": float(counted),
        "per_capita_income": float((counted / 3 / n).quantize(CENT, ROUND_HALF_UP)),
        "poverty_line": float(low),
        "poverty_line_low": float(low),
        "poverty_line_high": float(high),
        "poverty_line_approximate": approximate,
        "monthly_amount": monthly,
        "total_monthly": total,
        "total_monthly_max": total_max,
    }


# Generated households.

KINDS = sorted(COUNTED | {"consumer_loan"}) + NOT_COUNTED
REGIONS = ["KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35",
           "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71",
           "KZ-75", "KZ-79"]  # fmt: skip
DAYS = [date(2020, 5, 20), date(2024, 2, 15), date(2026, 2, 10), date(2026, 3, 31),
        date(2026, 4, 1), date(2025, 11, 5), date(2027, 1, 15), date(2027, 5, 1)]  # fmt: skip
amounts = st.decimals(min_value=0, max_value=600_000, places=2, allow_nan=False)


@st.composite
def a_member(draw: st.DrawFn, relation: str) -> dict[str, Any]:
    return {
        "relation": relation,
        "age": draw(st.integers(0, 90)),
        "sex": draw(st.sampled_from(["male", "female"])),
        "disability": draw(st.sampled_from(["none", "none", "group_1", "group_2", "group_3"])),
        "disabled_child": draw(st.booleans()),
        "full_time_student": draw(st.booleans()),
        "military_service": draw(st.booleans()),
        "long_illness": draw(st.booleans()),
        "caring_for": draw(
            st.sampled_from(["none", "none", "child_under_3", "disabled_adult", "elderly"])
        ),
        "incomes": draw(
            st.lists(
                st.fixed_dictionaries({"type": st.sampled_from(KINDS), "amount": amounts}),
                max_size=2,
            )
        ),
    }


@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    day = draw(st.one_of(st.sampled_from(DAYS), st.dates(date(2019, 1, 1), date(2027, 12, 31))))
    others = draw(
        st.lists(st.sampled_from(["spouse", "child", "parent"]).flatmap(a_member), max_size=4)
    )
    data: dict[str, Any] = {
        "application_date": day.isoformat(),
        "region": draw(st.sampled_from(REGIONS)),
        "settlement": draw(st.sampled_from(["urban", "rural"])),
        "refused_employment_measures_last_6_months": draw(st.booleans()),
        "broke_social_contract_last_6_months": draw(st.booleans()),
        "members": [draw(a_member("applicant")), *others],
    }
    if draw(st.integers(0, 4)) == 0:
        data["overrides"] = {
            "poverty_line": draw(st.decimals(min_value=1, max_value=80_000, places=2)),
            "mrp": draw(st.decimals(min_value=1, max_value=9_000, places=2)),
        }
    if draw(st.booleans()):
        # Income exactly at (or a tiyn off) an end of the range: only the applicant's wages.
        low, high, _ = _range(day, data["region"], None)
        if "overrides" in data:
            low = high = data["overrides"]["poverty_line"]
        if draw(st.booleans()):
            data["refused_employment_measures_last_6_months"] = False
            data["broke_social_contract_last_6_months"] = False
        n = len(data["members"])
        target = draw(st.sampled_from([low, high])) * 3 * n + draw(
            st.sampled_from([Decimal("-0.01"), Decimal(0), Decimal("0.01")])
        )
        for m in data["members"]:
            m["incomes"] = [i for i in m["incomes"] if i["type"] in NOT_COUNTED]
        data["members"][0]["incomes"].append({"type": "wages", "amount": max(target, Decimal(0))})
    return data


@pytest.fixture(autouse=True)
def _bundled_parameters_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KOMEK_PARAMETERS_DIR", str(tmp_path))
    parameters.reload()
    yield
    monkeypatch.delenv("KOMEK_PARAMETERS_DIR")
    parameters.reload()


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(households())
def test_screen_agrees_with_the_reference(data: dict[str, Any]) -> None:
    produced = screen(Household.model_validate(data)).to_contract_json()
    expected = reference(data)
    assert {key: produced[key] for key in expected} == expected


def test_the_reference_is_exercised_on_the_cases_that_matter() -> None:
    """Borderline, eligible and not eligible all occur, and two ill adults are conditional."""
    ill: dict[str, Any] = {
        "relation": "applicant", "age": 40, "sex": "male", "disability": "none",
        "disabled_child": False, "full_time_student": False, "military_service": False,
        "long_illness": True, "caring_for": "none", "incomes": [],
    }  # fmt: skip
    family: dict[str, Any] = {
        "application_date": "2026-02-10",
        "region": "KZ-47",
        "settlement": "urban",
        "refused_employment_measures_last_6_months": False,
        "broke_social_contract_last_6_months": False,
        "members": [ill, {**ill, "relation": "spouse", "sex": "female"}],
    }
    assert reference(family)["assistance"] == "conditional"
    assert screen(Household.model_validate(family)).assistance == "conditional"
    verdicts = set()
    for amount in ("0", "240000", "400000"):
        family["members"][0] = {**ill, "incomes": [{"type": "wages", "amount": Decimal(amount)}]}
        verdicts.add(reference(family)["verdict"])
        assert screen(Household.model_validate(family)).verdict == reference(family)["verdict"]
    assert verdicts == {"eligible", "borderline", "not_eligible"}
