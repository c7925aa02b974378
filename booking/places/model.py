"""A place to apply: the typed, validated model of one employment center or rural akimat.

The rules that make a place bookable (hours, lunch, slot length, capacity, closed days) are
checked here, once, whatever the place comes from (the directory file, the database), so every
reader gets the same typed `Place`. Times of day are local Asia/Almaty wall-clock times (one
zone for all Kazakhstan).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from common.phone import parse_phone
from eligibility.household import Region

# Kazakhstan's bounding box, a little generous: catches swapped or mistyped coordinates.
LATITUDE_RANGE = (40.5, 55.5)
LONGITUDE_RANGE = (46.5, 87.5)
SLOT_MINUTES_RANGE = (5, 240)
CAPACITY_RANGE = (1, 50)

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
    if not any(ch.isdigit() for ch in value):
        raise ValueError(f"{value!r} is not a phone number")
    phone = parse_phone(value)
    if phone is None:
        raise ValueError(f"{value!r} is not a valid Kazakhstan phone number")
    return phone


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


class Inconsistent(ValueError):
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
            raise Inconsistent(problems)
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
