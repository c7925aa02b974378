"""Dated, sourced parameters of the TSA rules, and the two regional tables operators import.

Every figure the rules use comes from here with the date it took effect and where it came from,
in the style of OpenFisca parameters: a value holds from its date until the next one. All YAML
files of this directory go through one generic loader (`dated.load_directory`), so a parameter
is found by its dotted name, `number("mrp", on)`; the named accessors below are one-line
conveniences. The regional tables (published or computed poverty lines; BNS subsistence
minimums) are CSV files, bundled and imported (`import_table`). Files are read once, lazily;
`reload()` drops every cache (after an import, or in tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from eligibility.household import Region, Sex
from eligibility.parameters import bns, regional
from eligibility.parameters.bns import SubsistenceFigure
from eligibility.parameters.csv_tables import TableError, header_of
from eligibility.parameters.dated import (
    DatedFlag,
    DatedParameter,
    ParameterNotFoundError,
    ParameterValue,
    load_directory,
)
from eligibility.parameters.regional import BUNDLED_DIR, RegionalRow

__all__ = [
    "DatedFlag",
    "ImportResult",
    "ParameterNotFoundError",
    "ParameterValue",
    "ProcedureTerms",
    "SubsistenceFigure",
    "TableError",
    "child_package_ages",
    "child_package_mrp_multiple",
    "consumer_loans_counted",
    "consumer_loans_counted_from",
    "flag",
    "follow_operator_files",
    "import_regional_table",
    "import_table",
    "median_income_required",
    "mrp",
    "number",
    "on_reload",
    "parameter",
    "procedure_terms",
    "regional_row",
    "regional_rows",
    "reload",
    "retirement_age",
    "subsistence_figures",
    "subsistence_minimum",
]


@dataclass(frozen=True, slots=True)
class ProcedureTerms:
    """How long the procedure takes, as the bot tells the citizen before they apply."""

    decision_working_days_center: int
    decision_working_days_akimat: int
    extra_calendar_days_when_data_requested: int
    home_inspection_working_days: int
    source: str
    start: date


# The generic dated parameters.


@cache
def _tree() -> Mapping[str, DatedParameter]:
    return load_directory(BUNDLED_DIR)


def parameter(name: str) -> DatedParameter:
    """The parameter called `name` (dotted: `retirement_age.male`); KeyError if unknown."""
    return _tree()[name]


@lru_cache(maxsize=16384)
def number(name: str, on: date) -> ParameterValue:
    """The value of the numeric parameter `name` in force on `on`, with its source and dates."""
    return parameter(name).number(on)


@lru_cache(maxsize=4096)
def flag(name: str, on: date) -> DatedFlag:
    """The value of the yes/no parameter `name` in force on `on`."""
    return parameter(name).flag(on)


def mrp(on: date) -> ParameterValue:
    """Monthly calculation index in force on `on`."""
    return number("mrp", on)


def subsistence_minimum(on: date) -> ParameterValue:
    """Budget-law (national) subsistence minimum in force on `on`."""
    return number("subsistence_minimum", on)


def retirement_age(sex: Sex, on: date) -> ParameterValue:
    return number(f"retirement_age.{sex.value}", on)


def child_package_mrp_multiple(on: date) -> ParameterValue:
    """MRP per child a month of the child package (0 while it was paid in kind)."""
    return number("child_package.mrp_multiple", on)


def child_package_ages(on: date | None = None) -> tuple[int, int]:
    """Youngest and oldest age (inclusive) of a child the package is for (latest if no date)."""
    if on is None:
        on = parameter("child_package.min_age").entries[-1].start
    low = number("child_package.min_age", on).value
    high = number("child_package.max_age", on).value
    return int(low), int(high)


def consumer_loans_counted(on: date) -> DatedFlag:
    """Whether consumer loans and microcredits count as income for an application on `on`."""
    return flag("consumer_loans", on)


def consumer_loans_counted_from() -> date | None:
    """The latest date from which consumer loans count (None if they never do)."""
    entries = parameter("consumer_loans").entries
    if not entries[-1].value:
        return None
    return entries[-1].start


def procedure_terms(on: date) -> ProcedureTerms:
    """Decision and inspection terms in force for an application on `on`."""
    center = number("procedure.decision_working_days_center", on)
    akimat = number("procedure.decision_working_days_akimat", on)
    extra = number("procedure.extra_calendar_days_when_data_requested", on)
    inspection = number("procedure.home_inspection_working_days", on)
    parts = (center, akimat, extra, inspection)
    return ProcedureTerms(
        decision_working_days_center=int(center.value),
        decision_working_days_akimat=int(akimat.value),
        extra_calendar_days_when_data_requested=int(extra.value),
        home_inspection_working_days=int(inspection.value),
        source="; ".join(dict.fromkeys(p.source for p in parts)),
        start=max(p.start for p in parts),
    )


def median_income_required(quarter: date) -> bool:
    """Whether the line for applications in `quarter` has a median-income part (from 2025)."""
    return number("poverty_line.median_share", quarter).value > Decimal(0)


# The regional tables, bundled and imported.


@dataclass(frozen=True, slots=True)
class _Tables:
    regional: Mapping[tuple[Region, date], RegionalRow]
    figures: tuple[SubsistenceFigure, ...]


def _has_rows(path: Path) -> bool:
    return path.exists() and path.read_text(encoding="utf-8-sig").strip().count("\n") > 0


_loaded_from: tuple[tuple[int, int] | None, ...] | None = None
"""The operator files' (mtime, size) when `_tables()` last read them."""


def _operator_files_signature() -> tuple[tuple[int, int] | None, ...]:
    signature: list[tuple[int, int] | None] = []
    for path in (regional.operator_file(), bns.operator_file()):
        try:
            stat = path.stat()
        except OSError:
            signature.append(None)
        else:
            signature.append((stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


_next_look = 0.0


def follow_operator_files(every: float = 1.0) -> None:
    """Reload when an operator's import changed the files since they were read: the staff web
    imports in its own process, and the bot must use the new figures at once, not after a
    restart. `screen()` calls this; it looks (two `stat` calls) at most once per `every`
    seconds."""
    global _next_look
    now = time.monotonic()
    if now < _next_look:
        return
    _next_look = now + every
    if _loaded_from is not None and _operator_files_signature() != _loaded_from:
        reload()


@cache
def _tables() -> _Tables:
    global _loaded_from
    _loaded_from = _operator_files_signature()
    rows: dict[tuple[Region, date], RegionalRow] = {}
    for path in (regional.BUNDLED_FILE, regional.operator_file()):
        if _has_rows(path):
            text = path.read_text(encoding="utf-8-sig")
            for row in regional.parse_table(
                text, str(path), median_required=median_income_required
            ):
                rows[(row.region, row.quarter)] = row  # the operator's file wins
    figures: dict[tuple[str, str], SubsistenceFigure] = {}
    for path in (bns.BUNDLED_FILE, bns.operator_file()):
        if _has_rows(path):
            for figure in bns.parse_table(path.read_text(encoding="utf-8-sig"), str(path)):
                figures[(figure.area, figure.period)] = figure
    ordered = sorted(figures.values(), key=lambda f: (f.start, f.end, f.area))
    return _Tables(rows, tuple(ordered))


def regional_rows() -> list[RegionalRow]:
    """Every loaded regional row (bundled and imported), by quarter then region."""
    return sorted(_tables().regional.values(), key=lambda r: (r.quarter, r.region.value))


def regional_row(region: Region, quarter: date) -> RegionalRow | None:
    """The loaded row for `region` and the application quarter starting on `quarter`."""
    return _tables().regional.get((region, quarter))


def subsistence_figures() -> tuple[SubsistenceFigure, ...]:
    """Every loaded BNS subsistence minimum (bundled and imported), by period then region."""
    return _tables().figures


# Reloading.

_reload_hooks: list[Callable[[], None]] = []


def on_reload(hook: Callable[[], None]) -> None:
    """Have `hook` called by reload(): for caches built on top of these lookups."""
    _reload_hooks.append(hook)


def reload() -> None:
    """Forget loaded data and cached lookups (after an import, or when the env changes)."""
    _tree.cache_clear()
    _tables.cache_clear()
    number.cache_clear()
    flag.cache_clear()
    for hook in _reload_hooks:
        hook()


# The operator's import: one command, the header tells the table.


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    unchanged: int
    target: Path
    kind: str
    """`poverty_lines` or `subsistence_minimum`."""


def import_table(path: Path) -> ImportResult:
    """Validate a regional poverty-line table or a BNS subsistence-minimum table (told apart
    by its header) and merge it into the operator's copy, all or nothing."""
    text = path.read_text(encoding="utf-8-sig")
    origin = str(path)
    header = header_of(text)
    if header not in (list(bns.COLUMNS), list(regional.COLUMNS)):
        raise TableError(
            origin,
            [
                f"line 1: the header must be exactly: {','.join(regional.COLUMNS)} (poverty "
                f"lines) or {','.join(bns.COLUMNS)} (BNS subsistence minimums) (got {header})"
            ],
        )
    if header == list(bns.COLUMNS):
        figures = bns.parse_table(text, origin)
        new_figures, same = bns.merge(_tables().figures, figures, origin)
        target = bns.operator_file()
        if new_figures:
            existing = (
                bns.parse_table(target.read_text(encoding="utf-8-sig"), str(target))
                if _has_rows(target)
                else []
            )
            bns.write_table(target, [*existing, *new_figures])
            reload()
        return ImportResult(len(new_figures), same, target, "subsistence_minimum")
    rows = regional.parse_table(text, origin, median_required=median_income_required)
    new_rows, same = regional.merge(_tables().regional.values(), rows, origin)
    target = regional.operator_file()
    if new_rows:
        existing_rows = (
            regional.parse_table(
                target.read_text(encoding="utf-8-sig"),
                str(target),
                median_required=median_income_required,
            )
            if _has_rows(target)
            else []
        )
        regional.write_table(target, [*existing_rows, *new_rows])
        reload()
    return ImportResult(len(new_rows), same, target, "poverty_lines")


import_regional_table = import_table
"""The import's earlier name (it now takes either table)."""
