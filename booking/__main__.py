"""Administration commands for booking: `python -m booking GROUP COMMAND [options]`.

    python -m booking places validate FILE
    python -m booking places import FILE [--database-url URL]
    python -m booking places list [--region KZ-75] [--all] [--database-url URL]

A small argparse dispatcher: each command is one function `(args) -> exit code`, registered in
`build_parser()` with `set_defaults(handler=...)`. Exit codes: 0 done, 1 could not reach the
database, 2 bad input (nothing was changed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from booking.places import (
    Directory,
    DirectoryError,
    Place,
    active_places,
    all_places,
    import_directory,
    load_directory,
)
from eligibility.household import Region
from storage.base import DEFAULT_DATABASE_URL, create_engine, session_maker

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _database_url(args: argparse.Namespace) -> str:
    return str(args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)


def _load_or_report(path: Path) -> Directory | None:
    try:
        return load_directory(path)
    except DirectoryError as error:
        print(error, file=sys.stderr)
        print("nothing was changed", file=sys.stderr)
        return None


def _summary(directory: Directory) -> str:
    label = "SAMPLE data" if directory.sample else "data"
    return f"{len(directory.places)} places in {len(directory.regions())} of 20 regions ({label})"


def places_validate(args: argparse.Namespace) -> int:
    directory = _load_or_report(args.file)
    if directory is None:
        return EXIT_BAD_INPUT
    print(f"{args.file}: valid, {_summary(directory)}")
    return EXIT_OK


def places_import(args: argparse.Namespace) -> int:
    directory = _load_or_report(args.file)
    if directory is None:
        return EXIT_BAD_INPUT
    if directory.sample:
        print("warning: importing SAMPLE places, not the official directory", file=sys.stderr)
    url = _database_url(args)
    from storage.migrate import upgrade_to_head

    upgrade_to_head(url)  # idempotent: a fresh install can import before the bot's first start

    async def run() -> None:
        engine = create_engine(url)
        try:
            report = await import_directory(engine, directory)
        finally:
            await engine.dispose()
        print(
            f"imported {_summary(directory)}: {len(report.added)} added, "
            f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
            f"{len(report.deactivated)} deactivated"
        )
        for place_id in report.deactivated:
            print(f"  deactivated (not in the file): {place_id}")

    asyncio.run(run())
    return EXIT_OK


def _place_line(place: Place) -> str:
    flags = ("" if place.active else " [inactive]") + (" [sample]" if place.is_sample else "")
    return (
        f"{place.id}\t{place.region}\t{place.kind}\t{place.district_ru}\t{place.name_ru}"
        f"\t{place.phone}{flags}"
    )


def places_list(args: argparse.Namespace) -> int:
    async def run() -> list[Place]:
        engine = create_engine(_database_url(args))
        try:
            async with session_maker(engine)() as session:
                if args.all:
                    return await all_places(session, args.region)
                return await active_places(session, args.region)
        finally:
            await engine.dispose()

    places = asyncio.run(run())
    for place in places:
        print(_place_line(place))
    print(f"{len(places)} places", file=sys.stderr)
    return EXIT_OK


def _add_database_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help=f"SQLAlchemy URL (default: $DATABASE_URL or {DEFAULT_DATABASE_URL})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m booking", description=__doc__.split("\n")[0])
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")

    places = groups.add_parser("places", help="the directory of places to apply")
    commands = places.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a directory file, change nothing")
    validate.add_argument("file", type=Path)
    validate.set_defaults(handler=places_validate)

    load = commands.add_parser("import", help="validate a directory file and load it whole")
    load.add_argument("file", type=Path)
    _add_database_url(load)
    load.set_defaults(handler=places_import)

    listing = commands.add_parser("list", help="print the places in the database")
    listing.add_argument("--region", choices=[region.value for region in Region])
    listing.add_argument("--all", action="store_true", help="include inactive places")
    _add_database_url(listing)
    listing.set_defaults(handler=places_list)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except (SQLAlchemyError, OSError) as error:
        print(f"database error: {error}", file=sys.stderr)
        return EXIT_FAILED
    return code


if __name__ == "__main__":
    raise SystemExit(main())
