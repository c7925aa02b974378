"""Quantity: an estimate of a region's BNS subsistence minimum (SM) for a quarter, from the
figures known; it sets the high end of the poverty-line range when the official line is not
loaded (eligibility.quantities.poverty_line).

Why it is needed. The poverty line of a region and quarter is the larger of 35% of the regional
median income and 70% of the regional SM of the previous quarter (MLSP Order No. 160 of
19.05.2023 as amended by Order No. 473 of 20.12.2024). That SM is the statistics bureau's (BNS,
stat.gov.kz) actual regional figure, which has run well above the budget-law SM since 2024; the
median comes from unpublished ministry data. Without the official line, Komek gives a range:
the low end is 70% of the budget-law SM (no published line has been below it), the high end is
70% of the estimate below. This is an estimate of this screening, not a legal figure.

The rule (parameters under `poverty_line.high_estimate`, each dated and sourced):

1. The region's own figures. Take the latest quarter L, up to the base quarter B (the quarter
   before the application quarter), that holds a figure of medium or high confidence for the
   region, and the *highest* figure of that quarter (months or the quarter; a low-confidence
   figure may raise it, never stand alone). Carry it forward to B at `growth_per_quarter` a
   quarter: SM(B) ≈ max(figures of L) × (1 + g)^(B − L), g = 6%.
   Why it contains the line: a quarter's SM is the average of its months, so it never exceeds
   the highest month of that quarter; and 6% a quarter is above the fastest growth the bureau
   has reported (+24.7% year on year in October 2025, about 5.7% a quarter). Checked on the
   figures themselves: every BNS figure of the fourth quarter of 2025 lies below the third
   quarter's highest figure of the same region carried forward one quarter (tests).
2. Stale or missing figures. If L is more than `max_staleness_quarters` (4) quarters before B,
   or the region has no usable figure, the region falls back to the budget-law SM in force at
   the start of B times the largest gap observed between a BNS figure and the budget-law SM of
   its time, never less than `budget_gap_ratio` (1.62: Mangystau, October 2025, 74,956 against
   46,228). That is deliberately wide: an unmeasured region is assumed possibly as far above
   the budget law as the dearest region ever seen. The three published lines found (Almaty city
   Q2 2020, North Kazakhstan Q1 2024, Aktobe Q1 2026) are all regions or quarters without a
   BNS figure, so this fallback is what the backtest (tests/eligibility) checks against them.

The 35% of median part can only raise the official line and is unknown: the high end is an
estimate, not a bound; the citizen is told the center applies the official figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from eligibility.calendar import quarter_end, quarter_label
from eligibility.household import Region
from eligibility.parameters import ParameterValue, SubsistenceFigure
from eligibility.parameters.bns import Confidence

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class EstimateSettings:
    """The three dated parameters of the rule, as in force for the application."""

    growth_per_quarter: ParameterValue
    max_staleness_quarters: ParameterValue
    budget_gap_ratio: ParameterValue


@dataclass(frozen=True, slots=True)
class SubsistenceEstimate:
    """The estimated SM of the base quarter, how it was obtained, and from which sources."""

    value: Decimal
    method: str
    """`regional` (the region's own figures carried forward) or `budget_gap` (the fallback)."""
    template: str
    args: tuple[Any, ...]
    sources: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return self.template.format(*self.args)


def quarter_number(d: date) -> int:
    """A running number of the calendar quarter containing `d` (consecutive quarters differ
    by one)."""
    return d.year * 4 + (d.month - 1) // 3


def estimate_subsistence_minimum(
    region: Region,
    base_quarter: date,
    figures: Iterable[SubsistenceFigure],
    settings: EstimateSettings,
    budget_sm: Callable[[date], ParameterValue],
) -> SubsistenceEstimate:
    """SM of `region` for the quarter starting `base_quarter`, from `figures` (those known).

    Pure: `figures` and `budget_sm` (the budget-law SM in force on a date) are given, so a
    backtest can pass only what was published before a quarter.
    """
    base_end = quarter_end(base_quarter)
    base_number = quarter_number(base_quarter)
    known = [f for f in figures if f.start <= base_end]
    own = [f for f in known if f.region is region]
    trusted = [quarter_number(f.start) for f in own if f.confidence is not Confidence.LOW]
    if trusted:
        latest = max(trusted)
        behind = base_number - latest
        if behind <= settings.max_staleness_quarters.value:
            peak = max((f for f in own if quarter_number(f.start) == latest), key=lambda f: f.value)
            growth = settings.growth_per_quarter.value
            factor = (ONE + growth) ** behind
            value = peak.value * factor
            return SubsistenceEstimate(
                value,
                "regional",
                "highest BNS figure of {0} in {1}: {2} {3:,.2f}; carried forward {4} "
                "quarter(s) to {5} at +{6:.0%} a quarter: x {7:.4f} = {8:,.2f}",
                (
                    region.value,
                    quarter_label(peak.start),
                    peak.period,
                    peak.value,
                    behind,
                    quarter_label(base_quarter),
                    growth,
                    factor,
                    value,
                ),
                (peak.source, settings.growth_per_quarter.source),
            )
    budget = budget_sm(base_quarter)
    gap = settings.budget_gap_ratio.value
    gap_source = settings.budget_gap_ratio.source
    gap_text = "the assumed least gap"
    for figure in known:
        if figure.confidence is Confidence.LOW:
            continue
        ratio = figure.value / budget_sm(figure.start).value
        if ratio > gap:
            gap, gap_source = ratio, figure.source
            gap_text = f"{figure.area} {figure.period}"
    value = budget.value * gap
    return SubsistenceEstimate(
        value,
        "budget_gap",
        "no usable BNS figure of {0} up to {1}: budget-law SM {2:,.2f} (from {3}) x largest "
        "BNS/budget-law gap {4:.4f} ({5}) = {6:,.2f}",
        (
            region.value,
            quarter_label(base_quarter),
            budget.value,
            budget.start,
            gap,
            gap_text,
            value,
        ),
        (budget.source, gap_source),
    )
