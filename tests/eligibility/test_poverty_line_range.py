"""The poverty-line range without the official figure: the backtest against every published
line, the carry-forward rule against the BNS figures themselves, the BNS table import, and
exact tiyn at the line through the command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from eligibility import Household, Verdict, parameters, screen
from eligibility.calendar import quarter_end
from eligibility.cli import main
from eligibility.household import Region
from eligibility.parameters.bns import COLUMNS, OPERATOR_FILE_NAME, Confidence
from eligibility.quantities.poverty_line import _budget_sm, estimate_settings, estimated_range
from eligibility.quantities.subsistence_estimate import estimate_subsistence_minimum

ROOT = Path(__file__).resolve().parents[2]
BNS_HEADER = ",".join(COLUMNS) + "\n"


@pytest.fixture(autouse=True)
def operator_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "operator"
    monkeypatch.setenv("KOMEK_PARAMETERS_DIR", str(directory))
    parameters.reload()
    yield directory
    monkeypatch.delenv("KOMEK_PARAMETERS_DIR")
    parameters.reload()


def _published() -> list[tuple[Region, date, Decimal]]:
    rows = [
        (row.region, row.quarter, row.poverty_line)
        for row in parameters.regional_rows()
        if row.poverty_line is not None
    ]
    assert len(rows) >= 3  # Almaty city 2020-Q2, North Kazakhstan 2024-Q1, Aktobe 2026-Q1
    return rows


@pytest.mark.parametrize("which", range(3))
def test_backtest_every_published_line_lies_in_the_range_known_before_its_quarter(
    which: int,
) -> None:
    """Pretend the line is unknown; only BNS figures published before the quarter are used."""
    region, quarter, line = _published()[which]
    known = [f for f in parameters.subsistence_figures() if f.published < quarter]
    for day in (quarter, quarter_end(quarter)):
        found = estimated_range(day, region, known)
        assert found.approximate
        assert found.low <= line <= found.high, (region, quarter, found.low, line, found.high)


def test_backtest_the_carry_forward_contains_every_later_bns_figure() -> None:
    """Each regional BNS figure of medium or high confidence lies below the estimate made for
    its quarter from the figures published before that quarter began."""
    figures = parameters.subsistence_figures()
    checked = 0
    for figure in figures:
        if figure.region is None or figure.confidence is Confidence.LOW:
            continue
        known = [f for f in figures if f.published < figure.quarter]
        settings = estimate_settings(figure.quarter)
        estimate = estimate_subsistence_minimum(
            figure.region, figure.quarter, known, settings, _budget_sm
        )
        assert estimate.value >= figure.value, (figure.area, figure.period, estimate.explanation)
        checked += 1
    assert checked >= 30


def test_a_loaded_line_is_never_a_range() -> None:
    household = Household.model_validate(
        {
            "application_date": "2024-02-15",
            "region": "KZ-59",
            "settlement": "urban",
            "members": [{"relation": "applicant", "age": 40, "sex": "male"}],
        }
    )
    result = screen(household)
    assert result.poverty_line_low == result.poverty_line_high == Decimal("33883")
    assert result.poverty_line_approximate is False


def _bns_csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bns.csv"
    path.write_text(BNS_HEADER + body, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(args), out, err), out.getvalue(), err.getvalue()


def test_import_of_newer_bns_figures_moves_the_high_end(tmp_path: Path, operator_dir: Path) -> None:
    before = estimated_range(date(2026, 5, 10), Region.AKTOBE, parameters.subsistence_figures())
    assert before.high_method == "budget_gap"
    table = _bns_csv(
        tmp_path,
        "KZ-15,2026-Q1,54000,high,2026-04-15,https://stat.gov.kz/,"
        '"BNS (stat.gov.kz) subsistence minimum, Aktobe region, Q1 2026 (test)",\n'
        "KZ-15,2026-02,54500.50,medium,2026-03-01,,BNS (stat.gov.kz) February 2026 (test),x\n",
    )
    code, out, err = _run("params", "import", str(table))
    assert code == 0, err
    assert "2 row(s) added" in out and "BNS subsistence minimums" in out
    assert (operator_dir / OPERATOR_FILE_NAME).exists()
    after = screen(
        Household.model_validate(
            {
                "application_date": "2026-05-10",
                "region": "KZ-15",
                "settlement": "urban",
                "members": [{"relation": "applicant", "age": 40, "sex": "male"}],
            }
        )
    )
    assert after.poverty_line_high_method == "regional"
    assert after.poverty_line_high == Decimal("38150.35")  # 70% × 54,500.50 = 38,150.35
    steps = {s.rule: s for s in after.steps}
    assert "2026-02 54,500.50" in steps["poverty_line_high"].explanation
    code, again, _ = _run("params", "import", str(table))
    assert code == 0 and "0 row(s) added, 2 already present" in again
    code, listed, _ = _run("params", "list", "--table", "subsistence_minimum")
    assert code == 0 and listed.startswith(BNS_HEADER) and "KZ-15,2026-02,54500.50" in listed


def test_import_refuses_a_bad_bns_table_whole(tmp_path: Path, operator_dir: Path) -> None:
    table = _bns_csv(
        tmp_path,
        "KZ-15,2026-Q1,54000,high,2026-04-15,,BNS (stat.gov.kz) ok,\n"
        "KZ-98,2026-02,54000,high,2026-03-01,,BNS x,\n"
        "KZ-15,2026-13,54000,high,2026-03-01,,BNS x,\n"
        "KZ-15,2026-03,,high,2026-04-01,,BNS x,\n"
        "KZ-15,2026-04,54000,sure,2026-05-01,,BNS x,\n"
        "KZ-15,2026-05,54000,high,2026-04-01,,BNS x,\n"
        "KZ-15,2026-06,54000,high,2026-07-01,ftp://x,BNS x,\n"
        "KZ-15,2026-07,54000,high,2026-08-01,,,\n"
        "KZ-47,2025-10,70000,medium,2025-11-01,,a different Mangystau October,\n",
    )
    code, out, err = _run("params", "import", str(table))
    assert (code, out) == (2, "")
    for text in (
        "refused, nothing imported",
        "line 3, region: unknown region code 'KZ-98'",
        "line 4, period:",
        "line 5, subsistence_minimum: required",
        "line 6, confidence:",
        "line 7, published: before the period",
        "line 8, source_url:",
        "line 9, source: every row needs a source",
    ):
        assert text in err, err
    assert not (operator_dir / OPERATOR_FILE_NAME).exists()
    conflict = _bns_csv(tmp_path, "KZ-47,2025-10,70000,medium,2025-11-01,,BNS (stat.gov.kz) x,\n")
    code, _, err = _run("params", "import", str(conflict))
    assert code == 2 and "KZ-47 2025-10: already loaded with different figures" in err


def test_an_unknown_header_names_both_formats(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = _run("params", "import", str(path))
    assert code == 2
    assert (
        "region,quarter,subsistence_minimum" in err and "region,period,subsistence_minimum" in err
    )


def _command(household: dict[str, object]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "eligibility", "screen"],
        input=json.dumps(household),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_command_takes_tiyn_exactly_at_the_line(operator_dir: Path) -> None:
    """QA D5: 71,191.40 a month for 2 people is exactly 35,595.70 each, the low end."""
    household: dict[str, object] = {
        "application_date": "2026-05-10",
        "region": "KZ-15",
        "settlement": "urban",
        "members": [
            {
                "relation": "applicant",
                "age": 40,
                "sex": "male",
                "incomes": [{"type": "wages", "amount": 213574.20}],
            },
            {"relation": "spouse", "age": 38, "sex": "female"},
        ],
    }
    result = _command(household)
    assert result["verdict"] == Verdict.BORDERLINE
    assert result["eligible"] is False
    assert result["per_capita_income"] == result["poverty_line_low"] == 35595.7
    assert result["total_monthly"] == 0
    assert isinstance(result["total_monthly_max"], int) and result["total_monthly_max"] > 0
    members = household["members"]
    assert isinstance(members, list)
    members[0]["incomes"][0]["amount"] = 213574.19
    below = _command(household)
    assert below["verdict"] == Verdict.ELIGIBLE and below["eligible"] is True
