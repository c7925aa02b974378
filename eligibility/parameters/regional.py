"""Regional poverty-line tables: the CSV format operators load each quarter, its validation, import.

Format (see README.md in this directory): a header
`region,quarter,subsistence_minimum,median_income,poverty_line,source` and one row per
(region, quarter). A file is accepted whole or not at all.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from eligibility.calendar import parse_quarter_label, quarter_label
from eligibility.household import Region
from eligibility.parameters import csv_tables
from eligibility.parameters.csv_tables import TableError, parse_amount, write_atomically

COLUMNS = ("region", "quarter", "subsistence_minimum", "median_income", "poverty_line", "source")
BUNDLED_DIR = Path(__file__).resolve().parent
BUNDLED_FILE = BUNDLED_DIR / "regional_poverty_lines.csv"
OPERATOR_FILE_NAME = "regional_poverty_lines.imported.csv"
PARAMETERS_DIR_ENV = "KOMEK_PARAMETERS_DIR"
_EARLIEST_QUARTER = date(2019, 1, 1)
_KNOWN_REGIONS = {r.value for r in Region}

MedianRequired = Callable[[date], bool]
"""Quarter start → whether the line in force has a median-income part (then a row without a
published line needs `median_income` as well as `subsistence_minimum`)."""


@dataclass(frozen=True, slots=True)
class RegionalRow:
    """Figures for one region and one application quarter.

    `subsistence_minimum` and `median_income` are those the law bases the line on (the quarter
    before `quarter`); `poverty_line` is the published line for applications in `quarter`.
    """

    region: Region
    quarter: date
    subsistence_minimum: Decimal | None
    median_income: Decimal | None
    poverty_line: Decimal | None
    source: str

    def as_csv_row(self) -> list[str]:
        return [
            self.region.value,
            quarter_label(self.quarter),
            _fmt(self.subsistence_minimum),
            _fmt(self.median_income),
            _fmt(self.poverty_line),
            self.source,
        ]


RegionalTableError = TableError
"""The regional table's refusal (the shared all-or-nothing error)."""


def operator_dir() -> Path:
    """Where imported tables live: $KOMEK_PARAMETERS_DIR, else next to the bundled data."""
    configured = os.environ.get(PARAMETERS_DIR_ENV)
    return Path(configured) if configured else BUNDLED_DIR


def operator_file() -> Path:
    return operator_dir() / OPERATOR_FILE_NAME


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def parse_table(text: str, origin: str, *, median_required: MedianRequired) -> list[RegionalRow]:
    """Parse and validate a whole table; raise RegionalTableError listing every problem."""
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != list(COLUMNS):
        raise TableError(
            origin, [f"line 1: the header must be exactly: {','.join(COLUMNS)} (got {header})"]
        )
    rows: list[RegionalRow] = []
    seen: dict[tuple[Region, date], int] = {}
    for line_no, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        where = f"line {line_no}"
        if len(record) != len(COLUMNS):
            problems.append(f"{where}: expected {len(COLUMNS)} fields, got {len(record)}")
            continue
        cells = dict(zip(COLUMNS, record, strict=True))
        before = len(problems)
        region_text = cells["region"].strip()
        region = Region(region_text) if region_text in _KNOWN_REGIONS else None
        if region is None:
            problems.append(f"{where}, region: unknown region code {region_text!r} (use KZ-xx)")
        quarter: date | None
        try:
            quarter = parse_quarter_label(cells["quarter"])
        except ValueError:
            quarter = None
            problems.append(f"{where}, quarter: {cells['quarter']!r} is not like 2026-Q1")
        if quarter is not None and quarter < _EARLIEST_QUARTER:
            problems.append(f"{where}, quarter: before {quarter_label(_EARLIEST_QUARTER)}")
        sm = parse_amount(cells["subsistence_minimum"], "subsistence_minimum", where, problems)
        median = parse_amount(cells["median_income"], "median_income", where, problems)
        line = parse_amount(cells["poverty_line"], "poverty_line", where, problems)
        source = cells["source"].strip()
        if not source:
            problems.append(f"{where}, source: every row needs a source")
        if len(problems) > before or region is None or quarter is None:
            continue
        if line is None:
            needs_median = median_required(quarter)
            if sm is None:
                problems.append(
                    f"{where}: give poverty_line, or subsistence_minimum"
                    + (" and median_income" if needs_median else "")
                )
                continue
            if needs_median and median is None:
                problems.append(
                    f"{where}, median_income: required from 2025 when poverty_line is empty "
                    "(the line is the larger of 35% of median income and 70% of SM)"
                )
                continue
        key = (region, quarter)
        if key in seen:
            problems.append(
                f"{where}: {region.value} {quarter_label(quarter)} repeats line {seen[key]}"
            )
            continue
        seen[key] = line_no
        rows.append(RegionalRow(region, quarter, sm, median, line, source))
    if not rows and not problems:
        problems.append("the file has no data rows")
    if problems:
        raise TableError(origin, problems)
    return rows


def merge(
    existing: Iterable[RegionalRow], incoming: Sequence[RegionalRow], origin: str
) -> tuple[list[RegionalRow], int]:
    """New rows to add, and how many were already present identically (csv_tables.merge)."""
    return csv_tables.merge(
        existing,
        incoming,
        origin,
        key=lambda r: (r.region, r.quarter),
        label=lambda r: f"{r.region.value} {quarter_label(r.quarter)}",
    )


def write_table(path: Path, rows: Iterable[RegionalRow]) -> None:
    """Write atomically, sorted by quarter then region, so a crash never leaves half a file."""
    ordered = sorted(rows, key=lambda r: (r.quarter, r.region.value))
    write_atomically(path, COLUMNS, (r.as_csv_row() for r in ordered))
