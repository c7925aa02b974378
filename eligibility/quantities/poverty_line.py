"""Quantity: the poverty line of the application quarter and region, as a range.

Rules (docs/rules.md §4), by date (OpenFisca-style dated formulas, FORMULAS below):
- from 2019-01-01: 70% of the regional subsistence minimum (SM) of the previous quarter (Law of
  RK of 17.07.2001 No. 246; from 2023-07-01 MLSP Order No. 160 of 19.05.2023);
- from 2025-01-01: the larger of 35% of the regional median income and 70% of the regional SM,
  both of the previous quarter (Order No. 160 as amended by Order No. 473 of 20.12.2024).

The official figure is known when the operator has loaded the region's published line, or its
SM (and median income from 2025) for the quarter, or when the input gives it in `overrides`:
then low == high == the line. Otherwise the line is a range:
- low end: 70% of the budget-law SM in force on the application date, a floor (no published
  line has been below it);
- high end: 70% of the estimate of the region's BNS SM of the previous quarter
  (eligibility.quantities.subsistence_estimate, which explains the carry-forward rule and why
  it contains the published lines), never below the low end.
Lines are rounded half-up to the tiyn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from eligibility import parameters
from eligibility.calendar import previous_quarter, quarter_bounds, quarter_label
from eligibility.household import Region
from eligibility.parameters import ParameterValue, SubsistenceFigure
from eligibility.parameters.regional import RegionalRow
from eligibility.quantities.subsistence_estimate import (
    EstimateSettings,
    SubsistenceEstimate,
    estimate_subsistence_minimum,
)
from eligibility.trace import CENT, Step

SRC_OVERRIDE = "overrides in the input (what-if figure), not an official value"
T_LINE_APPROXIMATE = "{0} (approximate: the center applies the official regional figure)"
T_HIGH = (
    "high end of the range: {0:.0%} x estimated BNS regional SM {1:,.2f} = {2:,.2f}{3}; "
    "estimate: {4}"
)
T_HIGH_KNOWN = "the official figure is known: the range is the line itself, {0:,.2f}"

RULE_PUBLISHED = "published_regional"
RULE_FLOOR = "national_sm70"
RULE_OVERRIDE = "override"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _tiyn(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


# Dated formulas: a regional row (SM, median income) → the line.

FormulaResult = tuple[Decimal, str, str]
"""The line, how it was computed (text), and the legal source of the formula."""


@dataclass(frozen=True, slots=True)
class Formula:
    start: date
    code: str
    compute: Callable[[RegionalRow, date], FormulaResult | None]
    legal_basis: str
    """The parameter whose source names the formula's legal basis."""


def _sm_part(row: RegionalRow, on: date) -> FormulaResult | None:
    share = parameters.number("poverty_line.sm_share", on)
    if row.subsistence_minimum is None:
        return None
    value = _tiyn(row.subsistence_minimum * share.value)
    text = f"{share.value:%} × regional SM {_money(row.subsistence_minimum)} = {_money(value)}"
    return value, text, share.source


def formula_2019(row: RegionalRow, on: date) -> FormulaResult | None:
    """70% of the regional SM of the previous quarter (Law No. 246; Order No. 160)."""
    return _sm_part(row, on)


def formula_2025(row: RegionalRow, on: date) -> FormulaResult | None:
    """The larger of 35% of the regional median income and 70% of the regional SM (Order
    No. 160 as amended by Order No. 473). A row without a median (accepted only before 2025
    by the import) gives the SM part."""
    sm_part = _sm_part(row, on)
    if sm_part is None or row.median_income is None:
        return sm_part
    share = parameters.number("poverty_line.median_share", on)
    from_median = _tiyn(row.median_income * share.value)
    text = (
        f"larger of {share.value:%} × regional median income {_money(row.median_income)} = "
        f"{_money(from_median)} and {sm_part[1]}"
    )
    return max(from_median, sm_part[0]), text, share.source


FORMULAS: tuple[Formula, ...] = (
    Formula(date(2019, 1, 1), "sm70", formula_2019, "poverty_line.sm_share"),
    Formula(date(2025, 1, 1), "max_median35_sm70", formula_2025, "poverty_line.median_share"),
)


def formula_in_force(on: date) -> Formula:
    """The formula for applications on `on` (ParameterNotFoundError before 2019)."""
    found = [f for f in FORMULAS if f.start <= on]
    if not found:
        raise parameters.ParameterNotFoundError(
            f"poverty line: no rule before {FORMULAS[0].start} (asked for {on})"
        )
    return found[-1]


def poverty_line_rule(on: date) -> tuple[str, str]:
    """The formula code in force on `on` and its legal source."""
    formula = formula_in_force(on)
    return formula.code, parameters.number(formula.legal_basis, on).source


def official_line(on: date, region: Region) -> ParameterValue | None:
    """The region's official line for the application quarter, if loaded: published, or
    computed by the formula in force from the loaded SM (and median income)."""
    formula = formula_in_force(on)
    start, end = quarter_bounds(on)
    label = quarter_label(on)
    row = parameters.regional_row(region, start)
    if row is None:
        return None
    if row.poverty_line is not None:
        line = row.poverty_line.quantize(CENT)
        text = f"published poverty line of {region.value} for {label}: {_money(row.poverty_line)}"
        return ParameterValue(
            "poverty_line", line, row.source, start, end, RULE_PUBLISHED, False, text
        )
    computed = formula.compute(row, on)
    if computed is None:
        return None
    value, text, legal = computed
    return ParameterValue(
        "poverty_line",
        value,
        f"{row.source}; {legal}",
        start,
        end,
        formula.code,
        False,
        f"{region.value} {label}: {text}",
    )


def floor_line(on: date, region: Region) -> ParameterValue:
    """The low end without an official figure: 70% of the budget-law SM in force on `on`."""
    start, end = quarter_bounds(on)
    share = parameters.number("poverty_line.floor_share", on)
    sm = parameters.subsistence_minimum(on)
    value = _tiyn(sm.value * share.value)
    return ParameterValue(
        "poverty_line",
        value,
        f"{share.source}; SM: {sm.source}",
        start,
        end,
        RULE_FLOOR,
        True,
        f"no regional figure loaded for {region.value} {quarter_label(on)}: "
        f"{share.value:%} × budget-law SM {_money(sm.value)} (from {sm.start}) = {_money(value)}",
    )


# The range.


@dataclass(frozen=True, slots=True)
class PovertyLineRange:
    """Where the official line is expected to lie, each end with its basis (two steps)."""

    low: Decimal
    high: Decimal
    approximate: bool
    """True when the official figure is not known (then low <= high, possibly equal)."""
    rule: str
    """How the low end (the `poverty_line`) was set: published_regional, sm70,
    max_median35_sm70, national_sm70 (the floor, approximate) or override."""
    source: str
    """Source of the low end (`poverty_line_source`)."""
    how: str
    """How the low end was obtained (the explanation of its step, without the caveat)."""
    high_method: str
    """`official`, `regional` (the region's BNS figures) or `budget_gap` (the fallback)."""
    steps: tuple[Step, Step]
    """`poverty_line` (the low end) and `poverty_line_high`."""


def _budget_sm(on: date) -> ParameterValue:
    """The budget-law SM in force on `on`, or its first value for an earlier date (the base
    quarter of an application in the first quarter of 2019 starts before the data does)."""
    first = parameters.parameter("subsistence_minimum").entries[0].start
    return parameters.subsistence_minimum(max(on, first))


def estimate_settings(on: date) -> EstimateSettings:
    return EstimateSettings(
        parameters.number("poverty_line.high_estimate.growth_per_quarter", on),
        parameters.number("poverty_line.high_estimate.max_staleness_quarters", on),
        parameters.number("poverty_line.high_estimate.budget_gap_ratio", on),
    )


def estimated_range(
    on: date, region: Region, figures: Iterable[SubsistenceFigure]
) -> PovertyLineRange:
    """The range when the official line is not known, from the BNS `figures` given (all the
    loaded ones in a screening; only those published before the quarter in the backtest)."""
    low = floor_line(on, region)
    base_quarter, _ = previous_quarter(on)
    estimate: SubsistenceEstimate = estimate_subsistence_minimum(
        region, base_quarter, figures, estimate_settings(on), _budget_sm
    )
    share = parameters.number("poverty_line.sm_share", on)
    from_estimate = _tiyn(estimate.value * share.value)
    high = max(from_estimate, low.value)
    raised = "" if high == from_estimate else f", raised to the low end {_money(low.value)}"
    high_step = Step(
        "poverty_line_high",
        high,
        T_HIGH,
        (share.value, estimate.value, from_estimate, raised, estimate.explanation),
        "; ".join(dict.fromkeys((*estimate.sources, share.source))),
    )
    low_step = Step("poverty_line", low.value, T_LINE_APPROXIMATE, (low.explanation,), low.source)
    return PovertyLineRange(
        low.value,
        high,
        True,
        low.rule,
        low.source,
        low.explanation,
        estimate.method,
        (low_step, high_step),
    )


def _known_range(value: Decimal, rule: str, source: str, low_step: Step) -> PovertyLineRange:
    high_step = Step("poverty_line_high", value, T_HIGH_KNOWN, (value,), source)
    return PovertyLineRange(
        value, value, False, rule, source, low_step.explanation, "official", (low_step, high_step)
    )


@lru_cache(maxsize=16384)
def _loaded_range(on: date, region: Region) -> PovertyLineRange:
    official = official_line(on, region)
    if official is None:
        return estimated_range(on, region, parameters.subsistence_figures())
    step = Step("poverty_line", official.value, "{0}", (official.explanation,), official.source)
    return _known_range(official.value, official.rule, official.source, step)


parameters.on_reload(_loaded_range.cache_clear)


def poverty_line_range(
    on: date, region: Region, override: Decimal | None = None
) -> PovertyLineRange:
    """The poverty-line range for an application on `on` in `region`; a line given in the
    input (`overrides.poverty_line`) is taken as the official figure."""
    if override is not None:
        step = Step(
            "poverty_line",
            override,
            "poverty line given in the input: {0:,.2f}",
            (override,),
            SRC_OVERRIDE,
        )
        return _known_range(override, RULE_OVERRIDE, SRC_OVERRIDE, step)
    return _loaded_range(on, region)
