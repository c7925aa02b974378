"""The staff web's command line.

    python -m staff serve [--host HOST] [--port PORT]       (or STAFF_HOST / STAFF_PORT)
    python -m staff users add NAME --role admin
    python -m staff users add NAME --role staff --place PLACE_ID
    python -m staff users list
    python -m staff users disable NAME

`users add` reads the password from standard input: asked twice without echo on a terminal,
else the first line. The database is `DATABASE_URL` (the bot's), migrated first. Exit codes:
0 done, 1 the database could not be reached, 2 bad input (nothing was changed).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from staff.accounts import AccountError, add_account, disable_account, list_accounts
from staff.settings import StaffConfigurationError, StaffSettings, load_staff_settings
from storage.base import create_engine, session_maker, utc_now
from storage.migrate import upgrade_to_head

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _read_password() -> str | None:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            print("the two passwords differ; nothing was changed", file=sys.stderr)
            return None
        return first
    return sys.stdin.readline().rstrip("\r\n")


def users_add(args: argparse.Namespace, settings: StaffSettings) -> int:
    password = _read_password()
    if password is None:
        return EXIT_BAD_INPUT

    async def run() -> str:
        engine = create_engine(settings.database_url)
        try:
            async with session_maker(engine)() as db, db.begin():
                account = await add_account(db, args.name, password, args.role, args.place)
                where = f", {account.place_id}" if account.place_id else ""
                return f"added {account.username} ({account.role}{where})"
        finally:
            await engine.dispose()

    try:
        print(asyncio.run(run()))
    except AccountError as error:
        print(f"{error}; nothing was changed", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def users_list(args: argparse.Namespace, settings: StaffSettings) -> int:
    async def run() -> list[str]:
        engine = create_engine(settings.database_url)
        try:
            async with session_maker(engine)() as db:
                return [
                    f"{a.username}\t{a.role}\t{a.place_id or '*'}\t"
                    f"{'active' if a.active else 'disabled'}"
                    for a in await list_accounts(db)
                ]
        finally:
            await engine.dispose()

    lines = asyncio.run(run())
    for line in lines:
        print(line)
    print(f"{len(lines)} accounts", file=sys.stderr)
    return EXIT_OK


def users_disable(args: argparse.Namespace, settings: StaffSettings) -> int:
    async def run() -> bool:
        engine = create_engine(settings.database_url)
        try:
            async with session_maker(engine)() as db, db.begin():
                return await disable_account(db, args.name, utc_now())
        finally:
            await engine.dispose()

    if not asyncio.run(run()):
        print(f"no account {args.name!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"disabled {args.name}; its sessions have ended")
    return EXIT_OK


def serve(args: argparse.Namespace, settings: StaffSettings) -> int:
    import uvicorn

    from staff.web import create_app

    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    engine = create_engine(settings.database_url)
    app = create_app(settings, engine)
    uvicorn.run(app, host=settings.host, port=settings.port, proxy_headers=True, log_level="info")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m staff", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("serve", help="serve the staff web")
    run.add_argument("--host", help="address to listen on (default: $STAFF_HOST or 127.0.0.1)")
    run.add_argument("--port", type=int, help="port (default: $STAFF_PORT or 8000)")
    run.set_defaults(handler=serve)
    users = commands.add_parser("users", help="staff accounts")
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add an account; the password is read from stdin")
    add.add_argument("name")
    add.add_argument("--role", choices=["admin", "staff"], required=True)
    add.add_argument("--place", help="the place staff work at (staff only)")
    add.set_defaults(handler=users_add)
    actions.add_parser("list", help="list the accounts").set_defaults(handler=users_list)
    off = actions.add_parser("disable", help="disable an account and end its sessions")
    off.add_argument("name")
    off.set_defaults(handler=users_disable)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_staff_settings()
    except StaffConfigurationError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        upgrade_to_head(settings.database_url)
        code: int = args.handler(args, settings)
    except (SQLAlchemyError, OSError) as error:
        print(f"database error: {type(error).__name__}", file=sys.stderr)
        return EXIT_FAILED
    return code


if __name__ == "__main__":
    raise SystemExit(main())
