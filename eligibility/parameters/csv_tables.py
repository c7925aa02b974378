"""What the two operator tables (regional poverty lines, BNS subsistence minimums) share: the
all-or-nothing error, amount validation, and an atomic write.

Both are CSV files an operator imports with `python -m eligibility params import FILE.csv`; the
header tells which table a file is (see README.md in this directory).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Hashable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol, TypeVar

MAX_AMOUNT = Decimal("100000000")
CENT = Decimal("0.01")


class TableError(ValueError):
    """A table was refused; `problems` names each bad row and field. Nothing was imported."""

    def __init__(self, origin: str, problems: Sequence[str]) -> None:
        self.origin = origin
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{origin}: refused, nothing imported:\n{lines}")


def parse_amount(raw: str, field: str, where: str, problems: list[str]) -> Decimal | None:
    """A positive amount in tenge with at most two decimals (digits and a dot), or None if empty.

    A bad value is reported in `problems` (and None returned) rather than raised, so one pass
    over a file names every bad field.
    """
    text = raw.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(f"{where}, {field}: {text!r} is not a number (use digits and a dot)")
        return None
    if not value.is_finite() or value <= 0:
        problems.append(f"{where}, {field}: must be a positive amount, got {text!r}")
    elif value >= MAX_AMOUNT:
        problems.append(f"{where}, {field}: {text!r} is implausibly large")
    elif value.quantize(CENT) != value:
        problems.append(f"{where}, {field}: at most two decimals, got {text!r}")
    else:
        return value
    return None


def header_of(text: str) -> list[str]:
    """The first row of a CSV text, cells stripped (empty for an empty text)."""
    first = next(csv.reader(io.StringIO(text)), None)
    return [cell.strip() for cell in first] if first else []


def write_atomically(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write a CSV so that a crash never leaves half a file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".table-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class TableRow(Protocol):
    def as_csv_row(self) -> list[str]: ...


Row = TypeVar("Row", bound=TableRow)


def merge(
    existing: Iterable[Row],
    incoming: Sequence[Row],
    origin: str,
    *,
    key: Callable[[Row], Hashable],
    label: Callable[[Row], str],
) -> tuple[list[Row], int]:
    """New rows to add, and how many were already present identically.

    A row whose `key` (region and period) is already known with different figures is an
    error: a correction is an explicit edit of the data file, never a silent overwrite.
    """
    known = {key(row): row for row in existing}
    new: list[Row] = []
    problems: list[str] = []
    same = 0
    for row in incoming:
        old = known.get(key(row))
        if old is None:
            new.append(row)
        elif old == row:
            same += 1
        else:
            problems.append(
                f"{label(row)}: already loaded with different figures "
                f"({','.join(old.as_csv_row())})"
            )
    if problems:
        raise TableError(origin, problems)
    return new, same
