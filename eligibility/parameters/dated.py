"""The one loader of dated parameters: every YAML file in this directory, read the same way.

OpenFisca's parameter format (openfisca country-template, `parameters/`): a file is a *node*; a
mapping with a `values` key is a *parameter*, whose values hold from their start date until the
next one; any other mapping key is a child node. A node's name is its file name, a child's name
is appended with a dot: `retirement_age.yaml` → `retirement_age.male`, `retirement_age.female`.
Stricter than OpenFisca on provenance: every value needs a `source` naming the primary document.

    description: Monthly calculation index (MRP), tenge
    unit: KZT
    values:
      2026-01-01:
        value: 4325
        source: Law of RK of 08.12.2025 on the republican budget for 2026-2028

A value is a number (read as an exact Decimal) or a boolean. Adding a figure is adding a file or
a node, never a loader: `parameters.number("poverty_line.floor_share", on)` finds it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "DatedFlag",
    "DatedParameter",
    "ParameterNotFoundError",
    "ParameterValue",
    "load_directory",
]

METADATA_KEYS = frozenset({"description", "unit", "metadata", "documentation", "references"})
"""Keys of a node that describe it rather than name a child."""

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
    """A yes/no rule in force from `start` (for example: consumer loans count as income)."""

    name: str
    value: bool
    source: str
    start: date


@dataclass(frozen=True, slots=True)
class _Entry:
    start: date
    value: Decimal | bool
    source: str


class DatedParameter:
    """A parameter's values by start date; `entry_at(d)` is the one in force on d."""

    def __init__(self, name: str, description: str, unit: str, raw: Mapping[Any, Any]) -> None:
        self.name = name
        self.description = description
        self.unit = unit
        entries = [_entry(name, start, item) for start, item in raw.items()]
        if not entries:
            raise ValueError(f"{name}: no values")
        entries.sort(key=lambda e: e.start)
        self.entries: tuple[_Entry, ...] = tuple(entries)
        self._starts = [e.start for e in entries]

    def _index(self, on: date) -> int:
        i = bisect.bisect_right(self._starts, on) - 1
        if i < 0:
            raise ParameterNotFoundError(
                f"{self.name}: no value before {self._starts[0].isoformat()} (asked for {on})"
            )
        return i

    def number(self, on: date) -> ParameterValue:
        i = self._index(on)
        entry = self.entries[i]
        if isinstance(entry.value, bool):
            raise TypeError(f"{self.name} is a yes/no parameter, not a number")
        end = self._starts[i + 1] - timedelta(days=1) if i + 1 < len(self._starts) else None
        return ParameterValue(self.name, entry.value, entry.source, entry.start, end)

    def flag(self, on: date) -> DatedFlag:
        entry = self.entries[self._index(on)]
        if not isinstance(entry.value, bool):
            raise TypeError(f"{self.name} is a number, not a yes/no parameter")
        return DatedFlag(self.name, entry.value, entry.source, entry.start)


def _entry(name: str, start: Any, item: Any) -> _Entry:
    if not isinstance(start, date) or not isinstance(item, dict):
        raise ValueError(f"{name}: each value needs a date key and a mapping ({start!r})")
    source = item.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"{name} {start}: every value needs a source")
    unknown = set(item) - {"value", "source"}
    if unknown:
        raise ValueError(f"{name} {start}: unknown keys {sorted(unknown)}")
    raw = item.get("value")
    value: Decimal | bool
    if isinstance(raw, bool):
        value = raw
    elif isinstance(raw, int | float | str):
        value = Decimal(str(raw))
        if not value.is_finite():
            raise ValueError(f"{name} {start}: not a finite number: {raw!r}")
    else:
        raise ValueError(f"{name} {start}: a value must be a number or true/false ({raw!r})")
    return _Entry(start, value, " ".join(source.split()))


def _walk(name: str, node: Mapping[str, Any], unit: str) -> Iterator[DatedParameter]:
    unit = str(node.get("unit", unit))
    if "values" in node:
        children = set(node) - METADATA_KEYS - {"values"}
        if children:
            raise ValueError(f"{name}: a parameter with values has no children ({children})")
        yield DatedParameter(name, str(node.get("description", "")), unit, node["values"])
        return
    for key, child in node.items():
        if key in METADATA_KEYS:
            continue
        if not isinstance(child, dict):
            raise ValueError(f"{name}.{key}: expected a node or a parameter with values")
        yield from _walk(f"{name}.{key}", child, unit)


def load_directory(directory: Path) -> dict[str, DatedParameter]:
    """Every parameter of every `*.yaml` file in `directory`, by dotted name."""
    found: dict[str, DatedParameter] = {}
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            loaded = yaml.load(handle, Loader=_Loader)
        if not isinstance(loaded, dict):
            raise ValueError(f"{path.name}: not a mapping")
        for parameter in _walk(path.stem, loaded, ""):
            found[parameter.name] = parameter
    return found
