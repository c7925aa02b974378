"""The directory of places to apply: typed model, whole-file validation, import, lookups.

The data file is the only way places change (the README's "change booking capacity or hours:
the places data file"), so the rules that make a place bookable are checked once, in `model`,
before anything reaches the database, and every reader gets the same typed `Place` back.

- `model`: `Place` (hours, lunch, slots, capacity, closed days) and `Directory`;
- `directory_file`: reading and validating a directory file (refused whole, every problem listed);
- `repository`: importing a directory into the database, reading places back;
- `geo`: distances and the places nearest to a point;
- `sample`: the bundled SAMPLE directory for a demonstration, and which kind is loaded.
"""

from booking.places.directory_file import DirectoryError, Problem, load_directory, parse_directory
from booking.places.geo import distance_km, nearest
from booking.places.model import (
    Directory,
    District,
    Language,
    Place,
    PlaceKind,
    Weekday,
    districts,
    hhmm,
)
from booking.places.repository import (
    ImportReport,
    active_places,
    all_places,
    get_place,
    import_directory,
    place_from_row,
)
from booking.places.sample import (
    SAMPLE_DIRECTORY,
    DirectoryStatus,
    directory_status,
    load_sample_if_empty,
)

__all__ = [
    "SAMPLE_DIRECTORY",
    "Directory",
    "DirectoryError",
    "DirectoryStatus",
    "District",
    "ImportReport",
    "Language",
    "Place",
    "PlaceKind",
    "Problem",
    "Weekday",
    "active_places",
    "all_places",
    "directory_status",
    "distance_km",
    "districts",
    "get_place",
    "hhmm",
    "import_directory",
    "load_directory",
    "load_sample_if_empty",
    "nearest",
    "parse_directory",
    "place_from_row",
]
