"""The statistics bureau's (BNS, stat.gov.kz) actual subsistence minimums: format, validation.

The poverty line of a region and quarter is based on the BNS *regional* subsistence minimum of
the previous quarter (MLSP Order No. 160 of 19.05.2023, as amended by Order No. 473 of
20.12.2024), not on the lower budget-law figure. The BNS computes it every month and quarter;
Komek keeps every figure found, with where it was read, when it was published and how reliable
it is, and estimates the high end of the poverty-line range from them
(eligibility.quantities.subsistence_estimate).

Format (README.md in this directory): a header
`region,period,subsistence_minimum,confidence,published,source_url,source,note` and one row per
(region, period); `region` is a KZ-xx code or `KZ` for the national average, `period` a month
(`2025-10`) or a quarter (`2025-Q3`). A file is accepted whole or not at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from eligibility.calendar import quarter_end, quarter_start
from eligibility.household import Region
from eligibility.parameters import csv_tables
from eligibility.parameters.csv_tables import TableError, parse_amount, write_atomically
from eligibility.parameters.regional import BUNDLED_DIR, operator_dir

COLUMNS = (
    "region",
    "period",
    "subsistence_minimum",
    "confidence",
    "published",
    "source_url",
    "source",
    "note",
)
BUNDLED_FILE = BUNDLED_DIR / "bns_subsistence_minimum.csv"
OPERATOR_FILE_NAME = "bns_subsistence_minimum.imported.csv"
NATIONAL = "KZ"
"""The `region` of a national-average figure."""
_EARLIEST = date(2019, 1, 1)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_KNOWN_REGIONS = {r.value for r in Region}


class Confidence(StrEnum):
    """How far a figure can be trusted: `high` from the bureau or the law itself, `medium` as
    quoted by the press citing the bureau, `low` a repost or a doubtful quote."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class SubsistenceFigure:
    """One BNS subsistence minimum per capita, ₸ a month, for a month or a quarter."""

    region: Region | None
    """None for the national average."""
    period: str
    start: date
    end: date
    value: Decimal
    confidence: Confidence
    published: date
    source_url: str
    source: str
    note: str = ""

    @property
    def quarter(self) -> date:
        """First day of the calendar quarter the period falls in."""
        return quarter_start(self.start)

    @property
    def area(self) -> str:
        return NATIONAL if self.region is None else self.region.value

    def as_csv_row(self) -> list[str]:
        return [
            self.area,
            self.period,
            format(self.value, "f"),
            self.confidence.value,
            self.published.isoformat(),
            self.source_url,
            self.source,
            self.note,
        ]


def operator_file() -> Path:
    return operator_dir() / OPERATOR_FILE_NAME


def parse_period(text: str) -> tuple[date, date] | None:
    """First and last day of a month `2025-10` or a quarter `2025-Q4`; None if neither."""
    if match := _MONTH.match(text):
        start = date(int(match.group(1)), int(match.group(2)), 1)
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start, following - timedelta(days=1)
    if match := _QUARTER.match(text):
        start = date(int(match.group(1)), 3 * (int(match.group(2)) - 1) + 1, 1)
        return start, quarter_end(start)
    return None


def _parse_row(cells: dict[str, str], where: str, problems: list[str]) -> SubsistenceFigure | None:
    before = len(problems)
    area = cells["region"].strip()
    region: Region | None = None
    if area in _KNOWN_REGIONS:
        region = Region(area)
    elif area != NATIONAL:
        problems.append(f"{where}, region: unknown region code {area!r} (use KZ-xx, or KZ)")
    period = cells["period"].strip()
    bounds = parse_period(period)
    if bounds is None:
        problems.append(f"{where}, period: {period!r} is not a month like 2025-10 or a quarter")
    elif bounds[0] < _EARLIEST:
        problems.append(f"{where}, period: before {_EARLIEST.year}")
    value = parse_amount(cells["subsistence_minimum"], "subsistence_minimum", where, problems)
    if value is None and not cells["subsistence_minimum"].strip():
        problems.append(f"{where}, subsistence_minimum: required")
    confidence_text = cells["confidence"].strip()
    if confidence_text not in {c.value for c in Confidence}:
        problems.append(f"{where}, confidence: {confidence_text!r} is not high, medium or low")
    published: date | None = None
    try:
        published = date.fromisoformat(cells["published"].strip())
    except ValueError:
        problems.append(f"{where}, published: {cells['published']!r} is not a date like 2026-01-31")
    if published is not None and bounds is not None and published < bounds[0]:
        problems.append(f"{where}, published: before the period it reports")
    url = cells["source_url"].strip()
    if url and not url.startswith(("https://", "http://")):
        problems.append(f"{where}, source_url: {url!r} is not a web address")
    source = " ".join(cells["source"].split())
    if not source:
        problems.append(f"{where}, source: every row needs a source")
    if len(problems) > before or bounds is None or value is None or published is None:
        return None
    return SubsistenceFigure(
        region,
        period,
        bounds[0],
        bounds[1],
        value,
        Confidence(confidence_text),
        published,
        url,
        source,
        " ".join(cells["note"].split()),
    )


def parse_table(text: str, origin: str) -> list[SubsistenceFigure]:
    """Parse and validate a whole table; raise TableError listing every problem."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != list(COLUMNS):
        raise TableError(
            origin, [f"line 1: the header must be exactly: {','.join(COLUMNS)} (got {header})"]
        )
    problems: list[str] = []
    figures: list[SubsistenceFigure] = []
    seen: dict[tuple[str, str], int] = {}
    for line_no, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        where = f"line {line_no}"
        if len(record) != len(COLUMNS):
            problems.append(f"{where}: expected {len(COLUMNS)} fields, got {len(record)}")
            continue
        figure = _parse_row(dict(zip(COLUMNS, record, strict=True)), where, problems)
        if figure is None:
            continue
        key = (figure.area, figure.period)
        if key in seen:
            problems.append(f"{where}: {figure.area} {figure.period} repeats line {seen[key]}")
            continue
        seen[key] = line_no
        figures.append(figure)
    if not figures and not problems:
        problems.append("the file has no data rows")
    if problems:
        raise TableError(origin, problems)
    return figures


def merge(
    existing: Iterable[SubsistenceFigure], incoming: Sequence[SubsistenceFigure], origin: str
) -> tuple[list[SubsistenceFigure], int]:
    """New figures to add, and how many were already present identically (csv_tables.merge)."""
    return csv_tables.merge(
        existing,
        incoming,
        origin,
        key=lambda f: (f.area, f.period),
        label=lambda f: f"{f.area} {f.period}",
    )


def write_table(path: Path, figures: Iterable[SubsistenceFigure]) -> None:
    """Write atomically, by period then region."""
    ordered = sorted(figures, key=lambda f: (f.start, f.end, f.area))
    write_atomically(path, COLUMNS, (f.as_csv_row() for f in ordered))
