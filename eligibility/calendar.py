"""Calendar quarters: TSA looks at the income of the full quarter before the application quarter.

Social Code Art. 127(2): apply on 10 Feb 2026 → income of 1 Oct – 31 Dec 2025.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

_QUARTER_LABEL = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def quarter_end(start: date) -> date:
    """Last day of the quarter that begins on `start`."""
    if start.month == 10:
        return date(start.year, 12, 31)
    return date(start.year, start.month + 3, 1) - timedelta(days=1)


def quarter_bounds(d: date) -> tuple[date, date]:
    start = quarter_start(d)
    return start, quarter_end(start)


@lru_cache(maxsize=8192)
def previous_quarter(d: date) -> tuple[date, date]:
    """First and last day of the calendar quarter before the one containing `d`."""
    start = quarter_start(d)
    prev_start = (
        date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)
    )
    return prev_start, start - timedelta(days=1)


def quarter_label(d: date) -> str:
    """`2026-Q1` for any day of the first quarter of 2026."""
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def parse_quarter_label(text: str) -> date:
    """First day of the quarter named like `2026-Q1`; ValueError otherwise."""
    match = _QUARTER_LABEL.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a quarter like 2026-Q1")
    return date(int(match.group(1)), 3 * (int(match.group(2)) - 1) + 1, 1)
