"""The directory file: YAML read strictly, every place validated, refused whole with every problem.

A bad file is refused whole, with every problem listed (place, line, field), so a
half-imported directory never exists. The format: booking/data/README.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from booking.places.model import Directory, Inconsistent, Place


@dataclass(frozen=True)
class Problem:
    """One reason a directory file is refused: where (place and line), which field, what."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where}: {self.field}: {self.message}"
        return f"{self.where}: {self.message}"


class DirectoryError(ValueError):
    """The file was refused whole; `problems` lists every reason found, in file order."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [f"{source}: refused, {count} problem{'s' if count != 1 else ''}:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} is given twice (first on line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_TOP_LEVEL_KEYS = {"sample", "note", "source", "places"}
_SET_BY_IMPORT = ("is_sample", "active")


def load_directory(path: str | Path) -> Directory:
    """Read and validate a directory file; raise DirectoryError listing every problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DirectoryError(str(path), [Problem("file", "", f"cannot read it: {error}")]) from None
    return parse_directory(text, source=str(path))


def parse_directory(text: str, *, source: str = "<text>") -> Directory:
    """Validate the YAML text of a directory file (the format: booking/data/README.md)."""
    try:
        data, place_lines = _read_yaml(text)
    except yaml.YAMLError as error:
        raise DirectoryError(source, [Problem("file", "", f"not valid YAML: {error}")]) from None
    problems: list[Problem] = []
    if not isinstance(data, dict):
        shape = Problem("file", "", "must be a mapping with the keys sample, note and places")
        raise DirectoryError(source, [shape])
    for key in sorted(set(data) - _TOP_LEVEL_KEYS, key=str):
        allowed = ", ".join(sorted(_TOP_LEVEL_KEYS))
        problems.append(Problem("file", str(key), f"unknown key (allowed: {allowed})"))
    sample = data.get("sample")
    if not isinstance(sample, bool):
        problems.append(Problem("file", "sample", "required: true for sample data, else false"))
    note, origin = data.get("note"), data.get("source")
    for name, value in (("note", note), ("source", origin)):
        if value is not None and not (isinstance(value, str) and value.strip()):
            problems.append(Problem("file", name, "must be non-empty text"))
    if sample is True and not (isinstance(note, str) and note.strip()):
        problems.append(Problem("file", "note", "sample data needs a note saying it is a sample"))
    raw_places = data.get("places")
    if not isinstance(raw_places, list) or not raw_places:
        problems.append(Problem("file", "places", "required: a non-empty list of places"))
        raw_places = []
    places: list[Place] = []
    first_use: dict[str, str] = {}
    district_seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    for index, raw in enumerate(raw_places):
        line = place_lines[index] if index < len(place_lines) else None
        where = _where(index, raw, line)
        if not isinstance(raw, dict):
            problems.append(Problem(where, "", "must be a mapping of fields"))
            continue
        for key in _SET_BY_IMPORT:
            if key in raw:
                problems.append(Problem(where, key, "is set by the import, not in the file"))
        place_id = raw.get("id")
        if isinstance(place_id, str):
            if place_id in first_use:
                problems.append(Problem(where, "id", f"duplicate: also {first_use[place_id]}"))
            else:
                first_use[place_id] = where
        fields = {key: value for key, value in raw.items() if key not in _SET_BY_IMPORT}
        try:
            place = Place.model_validate({**fields, "is_sample": sample is True})
        except ValidationError as error:
            problems.extend(_problems_of(where, error))
            continue
        places.append(place)
        problems.extend(_district_spelling(place, where, district_seen))
    if problems:
        raise DirectoryError(source, problems)
    return Directory(
        sample=bool(sample),
        note=note.strip() if isinstance(note, str) else None,
        source=origin.strip() if isinstance(origin, str) else None,
        places=tuple(places),
    )


def _district_spelling(
    place: Place, where: str, seen: dict[tuple[str, str, str], tuple[str, str]]
) -> list[Problem]:
    """A district must be spelt the same in every place, or the user sees it listed twice."""
    problems: list[Problem] = []
    pairs = (
        ("district_ru", place.district_ru, place.district_kk, "district_kk"),
        ("district_kk", place.district_kk, place.district_ru, "district_ru"),
    )
    for key_field, key, other, other_field in pairs:
        first = seen.setdefault((place.region, key_field, key), (other, where))
        if first[0] != other:
            problems.append(
                Problem(
                    where,
                    other_field,
                    f"{other!r}, but {first[1]} writes {key_field} {key!r} as {first[0]!r}",
                )
            )
    return problems


def _read_yaml(text: str) -> tuple[object, list[int]]:
    """The document, and the line on which each entry of `places` starts (for messages)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: list[int] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "places" and isinstance(value_node, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in value_node.value]
    return data, lines


def _where(index: int, raw: object, line: int | None) -> str:
    label = f"place #{index + 1}"
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        label += f" {raw['id']!r}"
    return f"{label} (line {line})" if line else label


def _problems_of(where: str, error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for detail in error.errors():
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, Inconsistent):
            problems.extend(Problem(where, name, message) for name, message in cause.problems)
            continue
        name = ".".join(str(part) for part in detail["loc"] if part != "[key]")
        message = str(cause) if isinstance(cause, ValueError) else detail["msg"]
        problems.append(Problem(where, name, message))
    return problems
