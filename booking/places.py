"""The directory of places to apply: typed model, whole-file validation, import, lookups.

Why one module owns all of it: the data file is the only way places change (the design's
"change booking capacity or hours: the places data file"), so the rules that make a place
bookable (hours, lunch, slot length, capacity, closed days) are checked once, here, before
anything reaches the database, and every reader gets the same typed `Place` back.
A bad file is refused whole, with every problem listed, so a half-imported directory never
exists. Times of day are local Asia/Almaty wall-clock times (one zone for all Kazakhstan).
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import phonenumbers
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from eligibility.household import Region
from storage.base import session_maker
from storage.places import PlaceRow

# Kazakhstan's bounding box, a little generous: catches swapped or mistyped coordinates.
LATITUDE_RANGE = (40.5, 55.5)
LONGITUDE_RANGE = (46.5, 87.5)
SLOT_MINUTES_RANGE = (5, 240)
CAPACITY_RANGE = (1, 50)
EARTH_RADIUS_KM = 6371.0088

Language = Literal["kk", "ru"]


class PlaceKind(StrEnum):
    EMPLOYMENT_CENTER = "employment_center"
    RURAL_AKIMAT = "rural_akimat"


class Weekday(StrEnum):
    """Keys of `hours`, in `date.weekday()` order."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def of(cls, day: date) -> Weekday:
        return WEEKDAYS[day.weekday()]


WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock(value: object) -> time:
    if isinstance(value, time):
        if value.second or value.microsecond or value.tzinfo:
            raise ValueError(f"{value} must be a plain HH:MM time")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 18:00 as the base-60 number 1080.
        raise ValueError('write times as quoted text, e.g. "18:00"')
    if isinstance(value, str) and (match := _CLOCK.match(value.strip())):
        return time(int(match[1]), int(match[2]))
    raise ValueError(f"{value!r} is not a time of day HH:MM")


def _period(value: object) -> tuple[time, time]:
    """ "09:00-18:00" (or a two-item list) → (09:00, 18:00), start strictly before end."""
    parts: Sequence[object]
    if isinstance(value, str):
        parts = re.split(r"\s*[-–—]\s*", value.strip())
    elif isinstance(value, list | tuple):
        parts = value
    else:
        parts = ()
    if len(parts) != 2:
        raise ValueError(f'{value!r} is not a period: write "HH:MM-HH:MM", e.g. "09:00-18:00"')
    start, end = _clock(parts[0]), _clock(parts[1])
    if start >= end:
        raise ValueError(f"{hhmm(start)}-{hhmm(end)}: the start must be before the end")
    return start, end


def _kazakhstan_phone(value: object) -> str:
    """Any usual spelling of a Kazakhstan number → E.164 ("+77172550001")."""
    if not isinstance(value, str):
        raise ValueError('write the phone as quoted text, e.g. "+7 7172 55 00 01"')
    try:
        number = phonenumbers.parse(value, "KZ")
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"{value!r} is not a phone number ({error})") from None
    if not phonenumbers.is_valid_number_for_region(number, "KZ"):
        raise ValueError(f"{value!r} is not a valid Kazakhstan phone number")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _text(value: object) -> object:
    if isinstance(value, str):
        value = " ".join(value.split())
        if not value:
            raise ValueError("is empty: every name and address is needed in Kazakh and Russian")
    return value


Period = Annotated[tuple[time, time], BeforeValidator(_period)]
Phone = Annotated[str, BeforeValidator(_kazakhstan_phone)]
Text = Annotated[str, BeforeValidator(_text), Field(max_length=400)]
PlaceId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64)]


def hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


class _Inconsistent(ValueError):
    """Several cross-field problems of one place, kept apart so each is listed on its own."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{name}: {message}" for name, message in problems))


class Place(BaseModel):
    """One employment center or rural akimat, ready for slot generation and display."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: PlaceId
    kind: PlaceKind
    region: Region
    district_kk: Text
    district_ru: Text
    name_kk: Text
    name_ru: Text
    address_kk: Text
    address_ru: Text
    latitude: float
    longitude: float
    phone: Phone
    hours: dict[Weekday, Period]
    lunch: Period | None = None
    slot_minutes: int
    capacity_per_slot: int
    closed_days: frozenset[date] = frozenset()
    is_sample: bool = False
    active: bool = True

    @field_validator("latitude")
    @classmethod
    def _latitude_in_kazakhstan(cls, value: float) -> float:
        low, high = LATITUDE_RANGE
        if not low <= value <= high:
            raise ValueError(f"{value} is outside Kazakhstan ({low}–{high} N)")
        return value

    @field_validator("longitude")
    @classmethod
    def _longitude_in_kazakhstan(cls, value: float) -> float:
        low, high = LONGITUDE_RANGE
        if not low <= value <= high:
            raise ValueError(f"{value} is outside Kazakhstan ({low}–{high} E)")
        return value

    @field_validator("slot_minutes")
    @classmethod
    def _sensible_slot(cls, value: int) -> int:
        low, high = SLOT_MINUTES_RANGE
        if not low <= value <= high or value % 5:
            raise ValueError(f"{value} must be a multiple of 5 between {low} and {high}")
        return value

    @field_validator("capacity_per_slot")
    @classmethod
    def _sensible_capacity(cls, value: int) -> int:
        low, high = CAPACITY_RANGE
        if not low <= value <= high:
            raise ValueError(f"{value} must be between {low} and {high} citizens per slot")
        return value

    @model_validator(mode="after")
    def _bookable(self) -> Place:
        problems = _schedule_problems(self.hours, self.lunch, self.slot_minutes)
        if problems:
            raise _Inconsistent(problems)
        return self

    def hours_on(self, day: date) -> tuple[time, time] | None:
        """Opening and closing time that day, or None when closed (weekday or own closed day)."""
        if day in self.closed_days:
            return None
        return self.hours.get(Weekday.of(day))

    def is_open_on(self, day: date) -> bool:
        return self.hours_on(day) is not None

    def working_periods(self, day: date) -> list[tuple[time, time]]:
        """The stretches of that day when citizens are received: the hours minus lunch."""
        hours = self.hours_on(day)
        if hours is None:
            return []
        return _split_by_lunch(hours, self.lunch)

    def localized(self, what: Literal["name", "address", "district"], language: Language) -> str:
        value: str = getattr(self, f"{what}_{language}")
        return value


def _split_by_lunch(
    hours: tuple[time, time], lunch: tuple[time, time] | None
) -> list[tuple[time, time]]:
    opens, closes = hours
    if lunch is not None and opens < lunch[0] and lunch[1] < closes:
        return [(opens, lunch[0]), (lunch[1], closes)]
    return [hours]


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _schedule_problems(
    hours: dict[Weekday, tuple[time, time]],
    lunch: tuple[time, time] | None,
    slot_minutes: int,
) -> list[tuple[str, str]]:
    """Why this schedule cannot be booked, if it cannot (empty list: it can)."""
    problems: list[tuple[str, str]] = []
    if not hours:
        problems.append(("hours", 'no open weekday: give at least one, e.g. mon: "09:00-18:00"'))
    days = [(day, hours[day]) for day in WEEKDAYS if day in hours]
    if lunch is not None and days:
        lunch_start, lunch_end = lunch
        lunch_text = f"{hhmm(lunch_start)}-{hhmm(lunch_end)}"
        overlapped: dict[tuple[time, time], list[str]] = {}
        inside_any = False
        for day, (opens, closes) in days:
            inside = opens < lunch_start and lunch_end < closes
            outside = lunch_end <= opens or lunch_start >= closes
            inside_any = inside_any or inside
            if not inside and not outside:
                overlapped.setdefault((opens, closes), []).append(day)
        for (opens, closes), names in overlapped.items():
            problems.append(
                (
                    "lunch",
                    f"{lunch_text} overlaps the start or end of the hours "
                    f"{hhmm(opens)}-{hhmm(closes)} on {', '.join(names)}: "
                    "it must lie strictly inside them (or wholly outside, for a short day)",
                )
            )
        if not inside_any and not overlapped:
            problems.append(("lunch", f"{lunch_text} is outside the hours of every open day"))
    too_short: dict[tuple[time, time], list[str]] = {}
    for day, day_hours in days:
        for period in _split_by_lunch(day_hours, lunch):
            if _minutes(period[1]) - _minutes(period[0]) < slot_minutes:
                too_short.setdefault(period, []).append(day)
    for (start, end), names in too_short.items():
        problems.append(
            (
                "slot_minutes",
                f"a {slot_minutes}-minute slot does not fit in {hhmm(start)}-{hhmm(end)} "
                f"({_minutes(end) - _minutes(start)} min) on {', '.join(names)}",
            )
        )
    return problems


class Directory(BaseModel):
    """A validated directory file: every place in it, and whether it is sample data."""

    model_config = ConfigDict(frozen=True)

    sample: bool
    note: str | None = None
    source: str | None = None
    places: tuple[Place, ...]

    def regions(self) -> frozenset[Region]:
        return frozenset(place.region for place in self.places)


# --- loading -------------------------------------------------------------------------------


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
        if isinstance(cause, _Inconsistent):
            problems.extend(Problem(where, name, message) for name, message in cause.problems)
            continue
        name = ".".join(str(part) for part in detail["loc"] if part != "[key]")
        message = str(cause) if isinstance(cause, ValueError) else detail["msg"]
        problems.append(Problem(where, name, message))
    return problems


# --- storage -------------------------------------------------------------------------------


def _row_values(place: Place) -> dict[str, Any]:
    """The place as `places` column values (JSON-friendly hours and closed days)."""
    return {
        "id": place.id,
        "kind": place.kind.value,
        "region": place.region.value,
        "district_kk": place.district_kk,
        "district_ru": place.district_ru,
        "name_kk": place.name_kk,
        "name_ru": place.name_ru,
        "address_kk": place.address_kk,
        "address_ru": place.address_ru,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "phone": place.phone,
        "hours": {
            day.value: [hhmm(place.hours[day][0]), hhmm(place.hours[day][1])]
            for day in WEEKDAYS
            if day in place.hours
        },
        "lunch_start": hhmm(place.lunch[0]) if place.lunch else None,
        "lunch_end": hhmm(place.lunch[1]) if place.lunch else None,
        "slot_minutes": place.slot_minutes,
        "capacity_per_slot": place.capacity_per_slot,
        "closed_days": [day.isoformat() for day in sorted(place.closed_days)],
        "is_sample": place.is_sample,
    }


def place_from_row(row: PlaceRow) -> Place:
    lunch = (row.lunch_start, row.lunch_end) if row.lunch_start and row.lunch_end else None
    return Place.model_validate(
        {
            "id": row.id,
            "kind": row.kind,
            "region": row.region,
            "district_kk": row.district_kk,
            "district_ru": row.district_ru,
            "name_kk": row.name_kk,
            "name_ru": row.name_ru,
            "address_kk": row.address_kk,
            "address_ru": row.address_ru,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "phone": row.phone,
            "hours": row.hours,
            "lunch": lunch,
            "slot_minutes": row.slot_minutes,
            "capacity_per_slot": row.capacity_per_slot,
            "closed_days": row.closed_days,
            "is_sample": row.is_sample,
            "active": row.active,
        }
    )


@dataclass(frozen=True)
class ImportReport:
    """Place ids by what the import did to them."""

    added: tuple[str, ...] = field(default=())
    updated: tuple[str, ...] = field(default=())
    unchanged: tuple[str, ...] = field(default=())
    deactivated: tuple[str, ...] = field(default=())


async def import_directory(
    target: AsyncSession | AsyncEngine, directory: Directory, *, now: datetime | None = None
) -> ImportReport:
    """Upsert every place of the directory; places missing from it become inactive.

    Given an engine, runs in one transaction of its own and commits. Given a session, works
    inside the session's transaction and leaves the commit to the caller.
    """
    moment = now or datetime.now(UTC)
    if isinstance(target, AsyncEngine):
        async with session_maker(target)() as session, session.begin():
            return await _import(session, directory, moment)
    return await _import(target, directory, moment)


async def _import(session: AsyncSession, directory: Directory, now: datetime) -> ImportReport:
    # FOR UPDATE (PostgreSQL) makes two imports at once take turns instead of interleaving.
    existing = await session.scalars(select(PlaceRow).with_for_update())
    rows = {row.id: row for row in existing}
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for place in directory.places:
        values = _row_values(place)
        row = rows.pop(place.id, None)
        if row is None:
            session.add(PlaceRow(**values, active=True, updated_at=now))
            added.append(place.id)
        elif row.active and all(getattr(row, key) == value for key, value in values.items()):
            unchanged.append(place.id)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.active = True
            row.updated_at = now
            updated.append(place.id)
    deactivated: list[str] = []
    for row in rows.values():
        if row.active:
            row.active = False
            row.updated_at = now
            deactivated.append(row.id)
    await session.flush()
    return ImportReport(tuple(added), tuple(updated), tuple(unchanged), tuple(sorted(deactivated)))


async def active_places(
    session: AsyncSession, region: Region | str | None = None, district: str | None = None
) -> list[Place]:
    """Places open for booking, by region and district (Kazakh or Russian district name)."""
    return await _places(session, region, district, active_only=True)


async def all_places(session: AsyncSession, region: Region | str | None = None) -> list[Place]:
    """Every place ever imported, inactive ones included (listings, old appointments)."""
    return await _places(session, region, None, active_only=False)


async def get_place(session: AsyncSession, place_id: str) -> Place | None:
    """One place by id, active or not: an appointment may outlive its place's activity."""
    row = await session.get(PlaceRow, place_id)
    return None if row is None else place_from_row(row)


async def _places(
    session: AsyncSession, region: Region | str | None, district: str | None, *, active_only: bool
) -> list[Place]:
    query = select(PlaceRow)
    if active_only:
        query = query.where(PlaceRow.active.is_(True))
    if region is not None:
        query = query.where(PlaceRow.region == str(region))
    if district is not None:
        query = query.where(or_(PlaceRow.district_kk == district, PlaceRow.district_ru == district))
    query = query.order_by(PlaceRow.region, PlaceRow.district_ru, PlaceRow.kind, PlaceRow.id)
    return [place_from_row(row) for row in await session.scalars(query)]


# --- choosing a place ----------------------------------------------------------------------


def distance_km(latitude: float, longitude: float, other_lat: float, other_lon: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(latitude), math.radians(other_lat)
    d_phi = phi2 - phi1
    d_lambda = math.radians(other_lon - longitude)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest(
    places: Iterable[Place], latitude: float, longitude: float, n: int = 3
) -> list[tuple[Place, float]]:
    """The n places closest to a point (e.g. a location the user sent), closest first."""
    measured = (
        (distance_km(latitude, longitude, place.latitude, place.longitude), place.id, place)
        for place in places
    )
    return [(place, km) for km, _, place in heapq.nsmallest(n, measured, key=lambda m: m[:2])]


@dataclass(frozen=True, order=True)
class District:
    """A district of a region as the user picks it, named in both languages."""

    ru: str
    kk: str

    def name(self, language: Language) -> str:
        return self.kk if language == "kk" else self.ru


def districts(places: Iterable[Place], region: Region | str) -> list[District]:
    """The districts of a region that have a place, in Russian alphabetical order."""
    found = {
        District(ru=place.district_ru, kk=place.district_kk)
        for place in places
        if place.region == region
    }
    return sorted(found, key=lambda district: (district.ru.casefold(), district.kk))
