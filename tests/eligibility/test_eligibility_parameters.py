"""Dated parameters, the regional table format, `params import` and `params show`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from eligibility import Household, parameters, screen
from eligibility.calendar import parse_quarter_label, previous_quarter, quarter_label
from eligibility.cli import main
from eligibility.household import Region, Sex
from eligibility.parameters import ParameterValue
from eligibility.parameters.regional import BUNDLED_FILE, OPERATOR_FILE_NAME
from eligibility.quantities.poverty_line import floor_line, official_line

HEADER = "region,quarter,subsistence_minimum,median_income,poverty_line,source\n"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def operator_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "operator"
    monkeypatch.setenv("KOMEK_PARAMETERS_DIR", str(directory))
    parameters.reload()
    yield directory
    monkeypatch.delenv("KOMEK_PARAMETERS_DIR")
    parameters.reload()


def _line(on: date, region: Region) -> ParameterValue:
    """The official line if loaded, else the floor (the low end of the range)."""
    return official_line(on, region) or floor_line(on, region)


def _csv(tmp_path: Path, body: str, name: str = "table.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 2, 10), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 3, 31), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 7, 15), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 12, 31), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2024, 5, 1), date(2024, 1, 1), date(2024, 3, 31)),
    ],
)
def test_previous_quarter(day: date, start: date, end: date) -> None:
    assert previous_quarter(day) == (start, end)


def test_quarter_labels_round_trip() -> None:
    assert quarter_label(date(2026, 11, 5)) == "2026-Q4"
    assert parse_quarter_label("2026-Q4") == date(2026, 10, 1)
    with pytest.raises(ValueError):
        parse_quarter_label("2026Q5")


def test_dated_values_change_on_their_date() -> None:
    assert parameters.mrp(date(2020, 3, 31)).value == 2651
    assert parameters.mrp(date(2020, 4, 1)).value == 2778
    assert parameters.subsistence_minimum(date(2020, 3, 31)).value == 31183
    assert parameters.subsistence_minimum(date(2020, 4, 1)).value == 32668
    assert parameters.mrp(date(2026, 1, 1)).value == 4325
    assert parameters.subsistence_minimum(date(2026, 6, 1)).value == 50851
    assert parameters.child_package_mrp_multiple(date(2022, 12, 31)).value == 0
    assert parameters.child_package_mrp_multiple(date(2023, 1, 1)).value == Decimal("1.5")
    assert parameters.consumer_loans_counted(date(2025, 8, 31)).value is False
    assert parameters.consumer_loans_counted(date(2025, 9, 1)).value is True


@pytest.mark.parametrize(
    ("sex", "day", "age"),
    [
        (Sex.MALE, date(2026, 1, 1), "63"),
        (Sex.FEMALE, date(2021, 6, 1), "60"),
        (Sex.FEMALE, date(2027, 12, 31), "61"),
        (Sex.FEMALE, date(2028, 1, 1), "61.5"),
        (Sex.FEMALE, date(2029, 1, 1), "62"),
        (Sex.FEMALE, date(2030, 1, 1), "62.5"),
        (Sex.FEMALE, date(2031, 1, 1), "63"),
    ],
)
def test_retirement_age_by_sex_and_date(sex: Sex, day: date, age: str) -> None:
    assert parameters.retirement_age(sex, day).value == Decimal(age)


def test_every_value_has_a_source_and_a_date() -> None:
    for value in (
        parameters.mrp(date(2024, 1, 1)),
        parameters.subsistence_minimum(date(2024, 1, 1)),
        parameters.retirement_age(Sex.FEMALE, date(2024, 1, 1)),
        parameters.child_package_mrp_multiple(date(2024, 1, 1)),
        _line(date(2024, 2, 1), Region.NORTH_KAZAKHSTAN),
        _line(date(2024, 2, 1), Region.ABAI),
    ):
        assert value.source
        assert value.start <= date(2024, 2, 1)


def test_before_the_data_begins_is_an_error() -> None:
    with pytest.raises(parameters.ParameterNotFoundError):
        parameters.mrp(date(2018, 12, 31))


def test_bundled_regional_lines_from_the_spec() -> None:
    rows = {
        (r.region, quarter_label(r.quarter)): r.poverty_line for r in parameters.regional_rows()
    }
    assert rows[(Region.ALMATY, "2020-Q2")] == 23513
    assert rows[(Region.NORTH_KAZAKHSTAN, "2024-Q1")] == 33883
    assert rows[(Region.AKTOBE, "2026-Q1")] == 37060


def test_import_then_lookup_uses_the_computed_2025_rule(tmp_path: Path, operator_dir: Path) -> None:
    table = _csv(
        tmp_path,
        "KZ-35,2026-Q2,52000,120000,,Bureau of National Statistics table 2026-Q2 (test)\n"
        "KZ-35,2026-Q3,52000,100000,,Bureau of National Statistics table 2026-Q3 (test)\n"
        "KZ-55,2024-Q3,45000,,,Bureau of National Statistics table 2024-Q3 (test)\n"
        "KZ-71,2026-Q2,,,45123.5,published line Astana 2026-Q2 (test)\n",
    )
    code, out, err = _run("params", "import", str(table))
    assert code == 0, err
    assert "4 row(s) added" in out
    assert (operator_dir / OPERATOR_FILE_NAME).exists()

    median_wins = _line(date(2026, 5, 5), Region.KARAGANDA)
    assert median_wins.value == Decimal("42000.00")  # 35% × 120,000 > 70% × 52,000 = 36,400
    assert median_wins.rule == "max_median35_sm70"
    assert median_wins.approximate is False
    assert "2026-Q2 (test)" in median_wins.source
    sm_wins = _line(date(2026, 8, 5), Region.KARAGANDA)
    assert sm_wins.value == Decimal("36400.00")  # 70% × 52,000 > 35% × 100,000
    before_2025 = _line(date(2024, 9, 30), Region.PAVLODAR)
    assert (before_2025.value, before_2025.rule) == (Decimal("31500.00"), "sm70")
    published = _line(date(2026, 4, 1), Region.ASTANA)
    assert (published.value, published.rule) == (Decimal("45123.50"), "published_regional")

    household = Household.model_validate(
        {
            "application_date": "2026-05-05",
            "region": "KZ-35",
            "settlement": "urban",
            "members": [{"relation": "applicant", "age": 40, "sex": "male"}],
        }
    )
    result = screen(household)
    assert result.poverty_line == Decimal("42000.00")
    assert result.poverty_line_approximate is False
    assert result.monthly_amount == 42000

    code, out, _ = _run("params", "show", "--region", "KZ-35", "--date", "2026-05-05")
    assert code == 0
    assert "42,000.00 ₸" in out
    assert "max_median35_sm70" in out
    assert "2026-Q2 (test)" in out

    again_code, again_out, _ = _run("params", "import", str(table))
    assert again_code == 0
    assert "0 row(s) added, 4 already present" in again_out


def _refused(tmp_path: Path, operator_dir: Path, body: str, *expected: str) -> None:
    code, out, err = _run("params", "import", str(_csv(tmp_path, body)))
    assert code == 2
    assert out == ""
    assert "refused, nothing imported" in err
    for text in expected:
        assert text in err
    assert not (operator_dir / OPERATOR_FILE_NAME).exists()


def test_import_refuses_the_whole_file_naming_rows(tmp_path: Path, operator_dir: Path) -> None:
    _refused(
        tmp_path,
        operator_dir,
        "KZ-35,2026-Q2,52000,120000,,ok row\n"
        "KZ-99,2026-Q2,52000,120000,,unknown region\n"
        "KZ-36,2026-Q5,52000,120000,,bad quarter\n"
        "KZ-47,2026-Q2,-5,120000,,negative\n"
        "KZ-47,2026-Q3,52000,120000,,\n"
        "KZ-47,2026-Q4,52 000,120000,,grouped digits\n"
        "KZ-10,2026-Q2,52000,,,no median from 2025\n"
        "KZ-11,2026-Q2,,,,nothing at all\n"
        "KZ-35,2026-Q2,52000,120000,,repeated\n",
        "line 3, region: unknown region code 'KZ-99'",
        "line 4, quarter:",
        "line 5, subsistence_minimum: must be a positive amount",
        "line 6, source: every row needs a source",
        "line 7, subsistence_minimum: '52 000' is not a number",
        "line 8, median_income: required from 2025",
        "line 9: give poverty_line",
        "line 10: KZ-35 2026-Q2 repeats line 2",
    )


def test_import_refuses_a_conflict_with_a_loaded_row(tmp_path: Path, operator_dir: Path) -> None:
    _refused(
        tmp_path,
        operator_dir,
        "KZ-35,2026-Q2,52000,120000,,new row\nKZ-15,2026-Q1,,,37061,a different Aktobe line\n",
        "KZ-15 2026-Q1: already loaded with different figures",
    )
    assert _line(date(2026, 5, 5), Region.KARAGANDA).approximate is True


def test_import_accepts_an_identical_bundled_row(tmp_path: Path) -> None:
    bundled_aktobe = next(
        line for line in BUNDLED_FILE.read_text(encoding="utf-8").splitlines() if "KZ-15" in line
    )
    code, out, err = _run("params", "import", str(_csv(tmp_path, bundled_aktobe + "\n")))
    assert code == 0, err
    assert "0 row(s) added, 1 already present" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "line 1: the header must be exactly"),
        ("region,quarter,poverty_line,source\nKZ-15,2026-Q2,1,x\n", "header must be exactly"),
        (HEADER, "no data rows"),
        (HEADER + "KZ-15,2026-Q2,1\n", "line 2: expected 6 fields, got 3"),
        (HEADER + "KZ-15,2018-Q4,,,20000,too early\n", "line 2, quarter: before 2019-Q1"),
        (HEADER + "KZ-15,2026-Q2,,,20000.005,x\n", "at most two decimals"),
    ],
)
def test_import_refuses_malformed_tables(
    tmp_path: Path, operator_dir: Path, text: str, expected: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = _run("params", "import", str(path))
    assert (code, out) == (2, "")
    assert expected in err
    assert not (operator_dir / OPERATOR_FILE_NAME).exists()


def test_import_accepts_a_spreadsheet_export_with_bom_crlf_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        (
            "\ufeff"
            + HEADER.replace("\n", "\r\n")
            + 'KZ-62,2026-Q2,,,39000.5,"Ulytau akimat bulletin, 15.04.2026"\r\n'
        ).encode("utf-8")
    )
    code, out, err = _run("params", "import", str(path))
    assert code == 0, err
    assert "1 row(s) added" in out
    line = _line(date(2026, 6, 30), Region.ULYTAU)
    assert (line.value, line.source) == (Decimal("39000.50"), "Ulytau akimat bulletin, 15.04.2026")


def test_show_marks_the_fallback_as_approximate() -> None:
    code, out, _ = _run("params", "show", "--region", "KZ-19", "--date", "2025-05-10")
    assert code == 0
    assert "32,359.60 ₸" in out
    assert "approximate: yes" in out
    assert "national_sm70" in out


def test_show_prints_the_published_line_and_its_source_through_the_command() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "eligibility",
            "params",
            "show",
            "--region",
            "KZ-15",
            "--date",
            "2026-02-10",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "37,060.00 ₸" in done.stdout
    assert "published_regional" in done.stdout
    assert "gurk.kz" in done.stdout
    assert "income period:         2025-10-01..2025-12-31" in done.stdout


def test_show_before_the_data_is_an_error() -> None:
    code, out, err = _run("params", "show", "--date", "2018-05-01")
    assert code == 2
    assert out == ""
    assert "no value before 2019-01-01" in err


def test_list_prints_every_loaded_row_as_importable_csv(tmp_path: Path) -> None:
    code, out, _ = _run("params", "list")
    assert code == 0
    assert out.startswith(HEADER)
    assert "KZ-15,2026-Q1,,,37060,published poverty line Aktobe region Q1 2026 (gurk.kz); " in out
    listed = tmp_path / "listed.csv"
    listed.write_text(out, encoding="utf-8")
    code, again, err = _run("params", "import", str(listed))
    assert code == 0, err
    assert "0 row(s) added, 3 already present" in again


def test_command_without_a_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_a_table_imported_by_another_process_is_used_without_a_restart(
    tmp_path: Path, operator_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staff web imports in its own process: the bot's next screening must use the table.
    Here the import runs in a child process; this process is never told (no reload())."""
    household = Household.model_validate(
        {
            "application_date": "2026-05-05",
            "region": "KZ-71",
            "settlement": "urban",
            "members": [{"relation": "applicant", "age": 40, "sex": "male"}],
        }
    )
    before = screen(household)
    assert before.poverty_line_approximate is True
    table = _csv(tmp_path, "KZ-71,2026-Q2,,,45123.5,published line Astana 2026-Q2 (test)\n")
    env = {**os.environ, "KOMEK_PARAMETERS_DIR": str(operator_dir)}
    child = subprocess.run(
        [sys.executable, "-m", "eligibility", "params", "import", str(table)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    monkeypatch.setattr(parameters, "_next_look", 0.0)  # do not wait for the once-a-second look
    after = screen(household)
    assert after.poverty_line == Decimal("45123.50") and after.poverty_line_approximate is False
    assert after.verdict == "eligible" and after.poverty_line_low == after.poverty_line_high
