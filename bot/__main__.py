"""`python -m bot [serve|console|reminders]` (or `komek`): migrate, then run.

- `serve` (the default): with BOT_TOKEN, long polling, or webhook mode when WEBHOOK_URL is set;
  without it, one line saying so, then the same conversations in this terminal (bot/console.py),
  a demonstration: an empty database gets the SAMPLE directory of places to book.
- `console`: the conversations in this terminal, token or not (a demonstration without one).
- With DEMO=1 the bot is a demonstration too (booking/places/sample.py); never for real citizens.
- `reminders [--rate N]`: the reminder sender alone (several may run beside the bot).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from booking.settings import BookingSettings
from bot.config import ConfigurationError, Settings, load_settings
from bot.logs import configure_logging
from bot.privacy import set_log_salt
from storage.migrate import upgrade_to_head

COMMANDS = ("serve", "console", "reminders")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", nargs="?", default="serve", choices=("serve", "console", "reminders")
    )
    parser.add_argument("--rate", type=float, default=None, help="reminders: messages a second")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(Settings)
        load_settings(BookingSettings)  # checked now: the reminder sender reads them later
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format, worker=settings.worker_id)
    set_log_salt(settings.log_salt.get_secret_value())
    upgrade_to_head(settings.database_url)
    if args.command == "reminders":
        from bot.reminders import run_alone

        return run_alone(args.rate)
    terminal = args.command == "console" or not settings.token
    demo = settings.terminal_demo if terminal else settings.demo
    if terminal and args.command != "console":
        print("No BOT_TOKEN is configured: running the conversation here in the terminal.")
    if demo:
        from bot.places_check import load_sample_places

        if loaded := load_sample_places(settings.database_url):
            print(
                f"Demonstration: the empty database now holds {loaded} SAMPLE places to book "
                "(made-up addresses and phones, marked as sample data)."
            )
    if terminal:
        from bot.console import run_console

        return run_console(
            sys.stdin,
            sys.stdout,
            database_url=settings.database_url,
            demo=demo,
            files_dir=settings.console_files_dir,
            migrated=True,
        )
    from bot.app import run

    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
