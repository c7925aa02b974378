"""Dated, sourced parameters of the TSA rules, read from the data files in this directory.

Every figure the rules use comes from here with the date it took effect and where it came from,
in the style of OpenFisca parameters: a value holds from its date until the next one. The data
files are read once, lazily; `reload()` drops the caches (after an import, or in tests).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from eligibility.calendar import quarter_bounds, quarter_label
from eligibility.household import Region, Sex
from eligibility.parameters.regional import (
    BUNDLED_DIR,
    BUNDLED_FILE,
    RegionalRow,
    RuleLookup,
    merge,
    operator_file,
    parse_table,
    write_table,
)

__all__ = [
    "ParameterNotFoundError",
    "ParameterValue",
    "child_package_ages",
    "child_package_mrp_multiple",
    "consumer_loans_counted",
    "consumer_loans_counted_from",
    "import_regional_table",
    "mrp",
    "on_reload",
    "poverty_line",
    "poverty_line_rule",
    "regional_rows",
    "reload",
    "retirement_age",
    "subsistence_minimum",
]

CENT = Decimal("0.01")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ParameterNotFoundError(LookupError):
    """No value of a parameter is in force on the date asked (before the data begins)."""


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """One figure with its provenance: what it is, since when, by which rule, from where."""

    name: str
    value: Decimal
    source: str
    start: date
    end: date | None = None
    rule: str = "value"
    approximate: bool = False
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class DatedFlag:
    name: str
    value: bool
    source: str
    start: date


@dataclass(frozen=True, slots=True)
class ProcedureTerms:
    """How long the procedure takes, as the bot tells the citizen before they apply."""

    decision_working_days_center: int
    decision_working_days_akimat: int
    extra_calendar_days_when_data_requested: int
    home_inspection_working_days: int
    source: str
    start: date


@dataclass(frozen=True, slots=True)
class _Entry:
    start: date
    value: Any
    source: str
    extra: Mapping[str, Any]


class _Series:
    """A parameter's values by start date; `at(d)` is the one in force on d."""

    def __init__(self, name: str, raw: Mapping[Any, Any]) -> None:
        self.name = name
        entries = []
        for start, item in raw.items():
            if not isinstance(start, date) or not isinstance(item, dict) or not item.get("source"):
                raise ValueError(f"{name}: each value needs a date key and a source ({start!r})")
            extra = {k: v for k, v in item.items() if k not in ("value", "source")}
            entries.append(_Entry(start, item.get("value"), str(item["source"]), extra))
        entries.sort(key=lambda e: e.start)
        self.entries = tuple(entries)
        self._starts = [e.start for e in entries]

    def at(self, on: date) -> tuple[_Entry, date | None]:
        i = bisect.bisect_right(self._starts, on) - 1
        if i < 0:
            raise ParameterNotFoundError(
                f"{self.name}: no value before {self._starts[0].isoformat()} (asked for {on})"
            )
        end = self._starts[i + 1] if i + 1 < len(self._starts) else None
        return self.entries[i], end

    def decimal_at(self, on: date) -> ParameterValue:
        entry, next_start = self.at(on)
        end = None if next_start is None else date.fromordinal(next_start.toordinal() - 1)
        return ParameterValue(self.name, _decimal(entry.value), entry.source, entry.start, end)


def _decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(f"not a number: {raw!r}")
    return Decimal(str(raw))


@dataclass(frozen=True, slots=True)
class _Data:
    mrp: _Series
    subsistence_minimum: _Series
    poverty_rule: _Series
    fallback_rule: str
    fallback_source: str
    retirement: Mapping[Sex, _Series]
    child_package: _Series
    child_ages: tuple[int, int]
    consumer_loans: _Series
    procedure: _Series
    regional: Mapping[tuple[Region, date], RegionalRow]


def _yaml(name: str) -> dict[str, Any]:
    with (BUNDLED_DIR / name).open(encoding="utf-8") as handle:
        loaded = yaml.load(handle, Loader=_Loader)
    if not isinstance(loaded, dict):
        raise ValueError(f"{name}: not a mapping")
    return loaded


@cache
def _data() -> _Data:
    poverty = _yaml("poverty_line.yaml")
    retirement = _yaml("retirement_age.yaml")
    child = _yaml("child_package.yaml")
    poverty_rule = _Series("poverty_line_rule", poverty["values"])
    regional: dict[tuple[Region, date], RegionalRow] = {}
    rule_code = _rule_code_lookup(poverty_rule)
    for path in (BUNDLED_FILE, operator_file()):
        if path.exists():
            text = path.read_text(encoding="utf-8-sig")
            if text.strip().count("\n") == 0:  # header only: an empty operator table
                continue
            for row in parse_table(text, str(path), rule_for=rule_code):
                regional[(row.region, row.quarter)] = row  # the operator's file wins
    return _Data(
        mrp=_Series("mrp", _yaml("mrp.yaml")["values"]),
        subsistence_minimum=_Series(
            "subsistence_minimum", _yaml("subsistence_minimum.yaml")["values"]
        ),
        poverty_rule=poverty_rule,
        fallback_rule=str(poverty["fallback"]["rule"]),
        fallback_source=str(poverty["fallback"]["source"]),
        retirement={
            Sex.MALE: _Series("retirement_age.male", retirement["male"]),
            Sex.FEMALE: _Series("retirement_age.female", retirement["female"]),
        },
        child_package=_Series("child_package_mrp_multiple", child["values"]),
        child_ages=(int(child["min_age"]), int(child["max_age"])),
        consumer_loans=_Series("consumer_loans_counted", _yaml("consumer_loans.yaml")["values"]),
        procedure=_Series("procedure", _yaml("procedure.yaml")["values"]),
        regional=regional,
    )


def _rule_code_lookup(series: _Series) -> RuleLookup:
    def rule_for(on: date) -> str:
        return str(series.at(on)[0].extra["rule"])

    return rule_for


_reload_hooks: list[Callable[[], None]] = []


def on_reload(hook: Callable[[], None]) -> None:
    """Have `hook` called by reload(): for caches built on top of these lookups."""
    _reload_hooks.append(hook)


def reload() -> None:
    """Forget loaded data and cached lookups (after an import, or when the env changes)."""
    _data.cache_clear()
    for hook in _reload_hooks:
        hook()
    for cached in (mrp, subsistence_minimum, retirement_age, poverty_line):
        cached.cache_clear()
    for cached_flag in (child_package_mrp_multiple, consumer_loans_counted):
        cached_flag.cache_clear()


@lru_cache(maxsize=8192)
def mrp(on: date) -> ParameterValue:
    """Monthly calculation index in force on `on`."""
    return _data().mrp.decimal_at(on)


@lru_cache(maxsize=8192)
def subsistence_minimum(on: date) -> ParameterValue:
    """Budget-law (national) subsistence minimum in force on `on`."""
    return _data().subsistence_minimum.decimal_at(on)


@lru_cache(maxsize=8192)
def retirement_age(sex: Sex, on: date) -> ParameterValue:
    return _data().retirement[sex].decimal_at(on)


@lru_cache(maxsize=8192)
def child_package_mrp_multiple(on: date) -> ParameterValue:
    """MRP per child a month of the child package (0 while it was paid in kind)."""
    return _data().child_package.decimal_at(on)


def child_package_ages() -> tuple[int, int]:
    """Youngest and oldest age (inclusive) of a child the package is paid for."""
    return _data().child_ages


@lru_cache(maxsize=8192)
def consumer_loans_counted(on: date) -> DatedFlag:
    """Whether consumer loans and microcredits count as income for an application on `on`."""
    entry, _ = _data().consumer_loans.at(on)
    return DatedFlag("consumer_loans_counted", bool(entry.value), entry.source, entry.start)


def consumer_loans_counted_from() -> date | None:
    """The latest date from which consumer loans count (None if they never do)."""
    entries = _data().consumer_loans.entries
    if not entries or not entries[-1].value:
        return None
    return entries[-1].start


def procedure_terms(on: date) -> ProcedureTerms:
    """Decision and inspection terms in force for an application on `on`."""
    entry, _ = _data().procedure.at(on)
    return ProcedureTerms(
        decision_working_days_center=int(entry.extra["decision_working_days_center"]),
        decision_working_days_akimat=int(entry.extra["decision_working_days_akimat"]),
        extra_calendar_days_when_data_requested=int(
            entry.extra["extra_calendar_days_when_data_requested"]
        ),
        home_inspection_working_days=int(entry.extra["home_inspection_working_days"]),
        source=entry.source,
        start=entry.start,
    )


def poverty_line_rule(on: date) -> tuple[str, str]:
    """The rule code in force on `on` and its legal source."""
    entry, _ = _data().poverty_rule.at(on)
    return str(entry.extra["rule"]), entry.source


def regional_rows() -> list[RegionalRow]:
    """Every loaded regional row (bundled and imported), by quarter then region."""
    return sorted(_data().regional.values(), key=lambda r: (r.quarter, r.region.value))


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


@lru_cache(maxsize=16384)
def poverty_line(on: date, region: Region) -> ParameterValue:
    """Poverty line for an application on `on` in `region`, rounded to the tiyn (0.01 ₸).

    A published regional line wins; else a regional row's SM (and median income from 2025) is
    turned into the line by the rule in force; else 70% of the budget-law SM, marked approximate.
    """
    data = _data()
    start, end = quarter_bounds(on)
    label = quarter_label(on)
    entry, _ = data.poverty_rule.at(on)
    rule = str(entry.extra["rule"])
    sm_share = _decimal(entry.extra["sm_share"])
    row = data.regional.get((region, start))
    name = "poverty_line"
    if row is not None and row.poverty_line is not None:
        return ParameterValue(
            name,
            row.poverty_line.quantize(CENT),
            row.source,
            start,
            end,
            "published_regional",
            False,
            f"published poverty line of {region.value} for {label}: {_money(row.poverty_line)}",
        )
    if row is not None and row.subsistence_minimum is not None:
        from_sm = (row.subsistence_minimum * sm_share).quantize(CENT, ROUND_HALF_UP)
        text = f"{sm_share:%} × regional SM {_money(row.subsistence_minimum)} = {_money(from_sm)}"
        value = from_sm
        if rule == "max_median35_sm70" and row.median_income is not None:
            median_share = _decimal(entry.extra["median_share"])
            from_median = (row.median_income * median_share).quantize(CENT, ROUND_HALF_UP)
            value = max(from_sm, from_median)
            text = (
                f"larger of {median_share:%} × regional median income "
                f"{_money(row.median_income)} = {_money(from_median)} and {text}"
            )
        return ParameterValue(
            name,
            value,
            f"{row.source}; {entry.source}",
            start,
            end,
            rule,
            False,
            f"{region.value} {label}: {text}",
        )
    sm = subsistence_minimum(on)
    value = (sm.value * sm_share).quantize(CENT, ROUND_HALF_UP)
    return ParameterValue(
        name,
        value,
        f"{data.fallback_source}; SM: {sm.source}",
        start,
        end,
        data.fallback_rule,
        True,
        f"no regional figure loaded for {region.value} {label}: "
        f"{sm_share:%} × budget-law SM {_money(sm.value)} (from {sm.start}) = {_money(value)}",
    )


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    unchanged: int
    target: Path


def import_regional_table(path: Path) -> ImportResult:
    """Validate a regional CSV and merge it into the operator's table, all or nothing."""
    rule_for = _rule_code_lookup(_data().poverty_rule)
    text = path.read_text(encoding="utf-8-sig")
    incoming = parse_table(text, str(path), rule_for=rule_for)
    target = operator_file()
    new, same = merge(_data().regional.values(), incoming, str(path))
    if new:
        existing: list[RegionalRow] = []
        if target.exists() and target.read_text(encoding="utf-8-sig").strip().count("\n"):
            existing = parse_table(
                target.read_text(encoding="utf-8-sig"), str(target), rule_for=rule_for
            )
        write_table(target, [*existing, *new])
        reload()
    return ImportResult(len(new), same, target)
