"""Quantity: the income period, the full calendar quarter before the application quarter.

Rule: Social Code of RK (2023) Art. 127(2): an application on 10 Feb 2026 (first quarter) is
judged on the income of 1 Oct - 31 Dec 2025 (docs/rules.md §3).
"""

from __future__ import annotations

from datetime import date

from eligibility.calendar import previous_quarter, quarter_label
from eligibility.trace import Step

SOURCE = "Social Code of RK Art. 127(2): the full calendar quarter before the application"


def income_period(on: date) -> tuple[date, date, Step]:
    """First and last day of the income quarter for an application on `on`, and its step."""
    start, end = previous_quarter(on)
    step = Step(
        "income_period",
        f"{start}..{end}",
        "application on {0} (quarter {1}): income of {2} to {3}",
        (on, quarter_label(on), start, end),
        SOURCE,
    )
    return start, end, step
