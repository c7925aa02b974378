"""The directory of places: the sample file, refusal of bad files, import, and choosing a place."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import booking
from booking.places import (
    Directory,
    DirectoryError,
    District,
    PlaceKind,
    Weekday,
    active_places,
    distance_km,
    districts,
    get_place,
    import_directory,
    load_directory,
    nearest,
    parse_directory,
)
from eligibility.household import Region
from storage.base import create_engine, session_maker
from storage.places import PlaceRow

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = Path(booking.__file__).resolve().parent / "data" / "places.sample.yaml"
ALMATY_CENTER = (43.2380, 76.8890)
ASTANA_CENTER = (51.1280, 71.4300)


@pytest.fixture(scope="module")
def sample() -> Directory:
    return load_directory(SAMPLE)


def raw_place(**overrides: Any) -> dict[str, Any]:
    place: dict[str, Any] = {
        "id": "X-1",
        "kind": "employment_center",
        "region": "KZ-71",
        "district_kk": "Есіл ауданы",
        "district_ru": "район Есиль",
        "name_kk": "Есіл ауданының халықты жұмыспен қамту орталығы",
        "name_ru": "Центр занятости населения района Есиль",
        "address_kk": "Астана қ., Мәңгілік Ел даңғылы, 8",
        "address_ru": "г. Астана, пр. Мангилик Ел, 8",
        "latitude": 51.09,
        "longitude": 71.42,
        "phone": "+7 7172 55 10 01",
        "hours": {day: "09:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri")},
        "lunch": "13:00-14:00",
        "slot_minutes": 20,
        "capacity_per_slot": 2,
    }
    place.update(overrides)
    return place


def directory_text(*places: dict[str, Any], **top: Any) -> str:
    document: dict[str, Any] = {"sample": False, **top, "places": list(places)}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def refusal(text: str) -> DirectoryError:
    with pytest.raises(DirectoryError) as caught:
        parse_directory(text, source="test.yaml")
    return caught.value


# --- the sample file -----------------------------------------------------------------------


def test_sample_is_labelled_and_covers_every_region(sample: Directory) -> None:
    assert sample.sample is True
    assert sample.note is not None and "SAMPLE" in sample.note
    assert "official directory" in sample.note
    assert sample.regions() == frozenset(Region)
    assert 30 <= len(sample.places) <= 45
    assert all(place.is_sample and place.active for place in sample.places)
    assert len({place.id for place in sample.places}) == len(sample.places)
    for region in Region:
        kinds = {place.kind for place in sample.places if place.region == region}
        assert PlaceKind.EMPLOYMENT_CENTER in kinds, region
    akimat_regions = {p.region for p in sample.places if p.kind == PlaceKind.RURAL_AKIMAT}
    assert len(akimat_regions) >= 14


def test_sample_phones_are_normalised_to_e164(sample: Directory) -> None:
    almaly = next(place for place in sample.places if place.id == "KZ-75-almaly-ec")
    assert almaly.phone == "+77272721001"
    assert almaly.localized("name", "kk").startswith("Алматы қаласы Алмалы")
    assert almaly.localized("district", "ru") == "Алмалинский район"


def test_working_periods_follow_hours_lunch_and_closed_days(sample: Directory) -> None:
    almaly = next(place for place in sample.places if place.id == "KZ-75-almaly-ec")
    monday, saturday, sunday = date(2026, 12, 7), date(2026, 12, 5), date(2026, 12, 6)
    assert Weekday.of(monday) is Weekday.MON
    assert almaly.working_periods(monday) == [(time(9), time(13)), (time(14), time(18))]
    assert almaly.working_periods(saturday) == []  # appointments never on weekends
    assert almaly.working_periods(sunday) == []
    assert almaly.hours_on(date(2026, 12, 30)) is None  # the center's own closed day
    assert not almaly.is_open_on(date(2026, 12, 30))
    assert almaly.is_open_on(date(2026, 12, 29))


def test_lunch_outside_a_short_day_leaves_that_day_without_a_break() -> None:
    hours = {"mon": "09:00-18:00", "sat": "09:00-13:00"}
    text = directory_text(raw_place(hours=hours, lunch="13:00-14:00"))
    place = parse_directory(text).places[0]
    assert place.working_periods(date(2026, 12, 7)) == [(time(9), time(13)), (time(14), time(18))]
    assert place.working_periods(date(2026, 12, 5)) == [(time(9), time(13))]


def test_times_may_be_written_as_two_item_lists() -> None:
    text = directory_text(raw_place(hours={"mon": ["08:30", "17:30"]}, lunch=["12:30", "13:30"]))
    place = parse_directory(text).places[0]
    assert place.hours == {Weekday.MON: (time(8, 30), time(17, 30))}
    assert place.lunch == (time(12, 30), time(13, 30))


# --- refusing a bad file -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"region": "KZ-99"}, "region", "KZ-71"),
        ({"latitude": 60.1}, "latitude", "outside Kazakhstan"),
        ({"longitude": 30.0}, "longitude", "outside Kazakhstan"),
        ({"hours": {"mon": "18:00-09:00"}}, "hours.mon", "start must be before the end"),
        ({"hours": {"mon": "9 to 6"}}, "hours.mon", "HH:MM-HH:MM"),
        ({"hours": {"monday": "09:00-18:00"}}, "hours.monday", "'mon'"),
        ({"hours": {}}, "hours", "no open weekday"),
        ({"lunch": [780, 840]}, "lunch", "quoted text"),
        (
            {"lunch": "08:30-09:30"},
            "lunch",
            "overlaps the start or end of the hours 09:00-18:00 on mon, tue, wed, thu, fri",
        ),
        ({"lunch": "19:00-20:00"}, "lunch", "outside the hours of every open day"),
        ({"slot_minutes": 3}, "slot_minutes", "between 5 and 240"),
        ({"slot_minutes": 22}, "slot_minutes", "multiple of 5"),
        ({"slot_minutes": 300}, "slot_minutes", "between 5 and 240"),
        (
            {"hours": {"mon": "09:00-13:30"}, "lunch": "13:00-13:20", "slot_minutes": 30},
            "slot_minutes",
            "does not fit in 13:20-13:30 (10 min) on mon",
        ),
        ({"capacity_per_slot": 0}, "capacity_per_slot", "between 1 and 50"),
        ({"capacity_per_slot": 51}, "capacity_per_slot", "between 1 and 50"),
        ({"phone": "+7 495 123 45 67"}, "phone", "not a valid Kazakhstan phone number"),
        ({"phone": "call us"}, "phone", "not a phone number"),
        ({"phone": 77172551001}, "phone", "quoted text"),
        ({"name_kk": "   "}, "name_kk", "is empty"),
        ({"address_ru": ""}, "address_ru", "is empty"),
        ({"kind": "school"}, "kind", "employment_center"),
        ({"id": "has space"}, "id", "pattern"),
        ({"adress_ru": "typo"}, "adress_ru", "Extra inputs"),
        ({"active": False}, "active", "set by the import"),
        ({"closed_days": ["2026-02-30"]}, "closed_days.0", "date"),
    ],
)
def test_each_kind_of_bad_place_is_refused_naming_place_and_field(
    overrides: dict[str, Any], field: str, fragment: str
) -> None:
    good = raw_place(id="GOOD-1")
    bad = raw_place(**overrides)
    error = refusal(directory_text(good, bad))
    assert [p.field for p in error.problems] == [field], str(error)
    problem = error.problems[0]
    assert fragment in problem.message, str(error)
    where = "'has space'" if field == "id" else "'X-1'"
    assert problem.where.startswith(f"place #2 {where}"), problem.where
    assert "(line " in problem.where
    assert field in str(error) and "refused, 1 problem:" in str(error)


def test_a_missing_field_is_named() -> None:
    place = raw_place()
    del place["address_ru"]
    error = refusal(directory_text(place))
    assert [(p.field, p.message) for p in error.problems] == [("address_ru", "Field required")]


def test_every_problem_in_the_file_is_listed_at_once() -> None:
    text = directory_text(
        raw_place(id="A", phone="+7 495 123 45 67"),
        raw_place(id="B"),
        raw_place(id="C", region="KZ-00", capacity_per_slot=0),
        raw_place(id="A"),
    )
    error = refusal(text)
    listed = [(p.where.split(" (")[0], p.field) for p in error.problems]
    assert listed == [
        ("place #1 'A'", "phone"),
        ("place #3 'C'", "region"),
        ("place #3 'C'", "capacity_per_slot"),
        ("place #4 'A'", "id"),
    ]
    assert "duplicate: also place #1 'A'" in error.problems[-1].message
    assert "refused, 4 problems" in str(error)


def test_a_district_must_be_spelt_the_same_in_every_place() -> None:
    text = directory_text(
        raw_place(id="A"),
        raw_place(id="B", district_kk="Есил ауданы"),
        raw_place(id="C", region="KZ-11", district_kk="Есил ауданы"),  # another region: fine
    )
    error = refusal(text)
    assert [(p.where.split(" (")[0], p.field) for p in error.problems] == [
        ("place #2 'B'", "district_kk")
    ]
    assert "place #1 'A'" in error.problems[0].message
    assert "'Есіл ауданы'" in error.problems[0].message


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        ("places: []\n", "sample", "required"),
        ("sample: false\nplaces: []\n", "places", "non-empty list"),
        (directory_text(raw_place(), sample=True), "note", "sample data needs a note"),
        (directory_text(raw_place(), extra=1), "extra", "unknown key"),
        ("- just\n- a list\n", "", "must be a mapping"),
        ("sample: false\nplaces: [\n", "", "not valid YAML"),
        ("sample: false\nsample: true\nplaces: []\n", "", "'sample' is given twice"),
    ],
)
def test_a_bad_file_shape_is_refused(text: str, field: str, fragment: str) -> None:
    error = refusal(text)
    assert any(p.field == field and fragment in p.message for p in error.problems), str(error)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="cannot read it"):
        load_directory(tmp_path / "absent.yaml")


# --- choosing a place ----------------------------------------------------------------------


def test_distance_is_great_circle_kilometres() -> None:
    assert distance_km(*ALMATY_CENTER, *ALMATY_CENTER) == 0.0
    # Almaty to Astana is about 970 km as the crow flies.
    assert 955 < distance_km(*ALMATY_CENTER, *ASTANA_CENTER) < 985
    # One degree of latitude is about 111 km anywhere.
    assert 110.5 < distance_km(45.0, 70.0, 46.0, 70.0) < 111.7


def test_nearest_from_almaty_gives_the_three_closest_almaty_places(sample: Directory) -> None:
    found = nearest(sample.places, *ALMATY_CENTER)
    assert [place.id for place, _ in found] == [
        "KZ-75-almaly-ec",
        "KZ-75-bostandyk-ec",
        "KZ-75-auezov-ec",
    ]
    distances = [km for _, km in found]
    assert distances == sorted(distances) and distances[-1] < 5
    everything = sorted(distance_km(*ALMATY_CENTER, p.latitude, p.longitude) for p in sample.places)
    assert distances == everything[:3]


def test_nearest_from_a_village_reaches_across_regions(sample: Directory) -> None:
    # A point in the steppe west of Astana: Akmol's akimat (Akmola region) is closest.
    found = nearest(sample.places, 51.05, 71.10, n=2)
    assert [place.id for place, _ in found] == ["KZ-11-akmol-akimat", "KZ-71-esil-ec"]
    assert nearest(sample.places, *ALMATY_CENTER, n=0) == []
    assert len(nearest(sample.places, *ALMATY_CENTER, n=100)) == len(sample.places)


def test_districts_of_a_region_are_listed_once_in_both_languages(sample: Directory) -> None:
    assert districts(sample.places, Region.ALMATY) == [
        District(ru="Алмалинский район", kk="Алмалы ауданы"),
        District(ru="Ауэзовский район", kk="Әуезов ауданы"),
        District(ru="Бостандыкский район", kk="Бостандық ауданы"),
        District(ru="Турксибский район", kk="Түрксіб ауданы"),
    ]
    aktobe = districts(sample.places, "KZ-15")
    assert [d.name("kk") for d in aktobe] == ["Ақтөбе қаласы", "Мәртөк ауданы"]
    assert [d.name("ru") for d in aktobe] == ["г. Актобе", "Мартукский район"]
    assert districts([], Region.ALMATY) == []


# --- the database --------------------------------------------------------------------------


async def test_import_is_idempotent_and_deactivates_removed_places(
    database_url: str, sample: Directory
) -> None:
    engine = create_engine(database_url)
    sessions = session_maker(engine)
    first_moment = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    try:
        first = await import_directory(engine, sample, now=first_moment)
        assert len(first.added) == len(sample.places)
        again = await import_directory(engine, sample, now=datetime(2026, 11, 2, tzinfo=UTC))
        assert (again.added, again.updated, again.deactivated) == ((), (), ())
        assert len(again.unchanged) == len(sample.places)

        async with sessions() as session:
            stamps = set(await session.scalars(select(PlaceRow.updated_at)))
            assert stamps == {first_moment}
            for place in sample.places:
                assert await get_place(session, place.id) == place

        removed, changed = "KZ-75-turksib-ec", "KZ-75-almaly-ec"
        smaller = sample.model_copy(
            update={
                "places": tuple(
                    place.model_copy(update={"capacity_per_slot": 1})
                    if place.id == changed
                    else place
                    for place in sample.places
                    if place.id != removed
                )
            }
        )
        report = await import_directory(engine, smaller)
        assert (report.added, report.updated, report.deactivated) == ((), (changed,), (removed,))

        async with sessions() as session:
            almaty = await active_places(session, region=Region.ALMATY)
            assert removed not in {place.id for place in almaty}
            assert len(almaty) == 3
            gone = await get_place(session, removed)
            assert gone is not None and gone.active is False
            by_kazakh = await active_places(session, "KZ-75", district="Алмалы ауданы")
            by_russian = await active_places(session, "KZ-75", district="Алмалинский район")
            assert [p.id for p in by_kazakh] == [p.id for p in by_russian] == [changed]
            assert by_kazakh[0].capacity_per_slot == 1
            assert len(await active_places(session)) == len(sample.places) - 1

        back = await import_directory(engine, sample)
        assert set(back.updated) == {changed, removed} and back.deactivated == ()
        async with sessions() as session:
            assert len(await active_places(session, region="KZ-75")) == 4
    finally:
        await engine.dispose()


async def test_the_database_refuses_a_place_without_capacity(
    database_url: str, sample: Directory
) -> None:
    engine = create_engine(database_url)
    try:
        await import_directory(engine, Directory(sample=False, places=sample.places[:1]))
        async with session_maker(engine)() as session:
            row = await session.get(PlaceRow, sample.places[0].id)
            assert row is not None
            row.capacity_per_slot = 0
            with pytest.raises(IntegrityError):
                await session.commit()
    finally:
        await engine.dispose()


# --- the command line ----------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "booking", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def snapshot(url: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        async with session_maker(engine)() as session:
            rows = await session.scalars(select(PlaceRow).order_by(PlaceRow.id))
            return [
                (r.id, r.active, r.capacity_per_slot, r.phone, r.hours, r.updated_at) for r in rows
            ]
    finally:
        await engine.dispose()


async def test_cli_refuses_a_bad_file_whole_and_changes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    loaded = run_cli("places", "import", str(SAMPLE), "--database-url", database_url)
    assert loaded.returncode == 0, loaded.stderr
    assert "43 added" in loaded.stdout and "SAMPLE" in loaded.stderr
    before = await snapshot(database_url)
    assert len(before) == 43

    document = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    document["places"] = document["places"][:-1]  # would deactivate one place
    document["places"][0]["capacity_per_slot"] = 9  # would update another
    document["places"][5]["phone"] = "+7 495 123 45 67"  # but this one is wrong
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    refused = run_cli("places", "import", str(bad), "--database-url", database_url)
    assert refused.returncode == 2
    assert "place #6 'KZ-75-bostandyk-ec'" in refused.stderr
    assert "phone: '+7 495 123 45 67' is not a valid Kazakhstan phone number" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert await snapshot(database_url) == before


def test_cli_validate_and_list(sqlite_url: str, tmp_path: Path) -> None:
    valid = run_cli("places", "validate", str(SAMPLE))
    assert valid.returncode == 0
    assert "valid, 43 places in 20 of 20 regions (SAMPLE data)" in valid.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(directory_text(raw_place(capacity_per_slot=0)), encoding="utf-8")
    invalid = run_cli("places", "validate", str(bad))
    assert invalid.returncode == 2
    assert "place #1 'X-1' (line 3): capacity_per_slot: 0 must be between 1 and 50" in (
        invalid.stderr
    )

    assert run_cli("places", "import", str(SAMPLE), "--database-url", sqlite_url).returncode == 0
    listed = run_cli("places", "list", "--region", "KZ-75", "--database-url", sqlite_url)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "KZ-75-almaly-ec",
        "KZ-75-auezov-ec",
        "KZ-75-bostandyk-ec",
        "KZ-75-turksib-ec",
    ]
    assert all(line.endswith("[sample]") for line in lines)
    assert run_cli("places", "list", "--region", "KZ-99").returncode == 2  # argparse refuses
