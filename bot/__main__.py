"""`python -m bot [serve|console|reminders]` (or `komek`): migrate, then run.

- `serve` (the default): with BOT_TOKEN, long polling, or webhook mode when WEBHOOK_URL is set;
  without it, one line saying so, then the same conversation in this terminal.
- `console`: the conversation in this terminal, token or not.
- `reminders [--rate N]`: the reminder sender alone (several may run beside the bot).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from booking.settings import BookingSettings
from bot.config import ConfigurationError, Settings, load_settings
from bot.privacy import install_log_redaction, set_log_salt
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
    install_log_redaction(settings.log_level)
    set_log_salt(settings.log_salt.get_secret_value())
    upgrade_to_head(settings.database_url)
    if args.command == "reminders":
        from bot.reminders import run_alone

        return run_alone(args.rate)
    if args.command == "console" or not settings.token:
        if args.command != "console":
            print("No BOT_TOKEN is configured: running the conversation here in the terminal.")
        from bot.console import run_console

        return run_console(sys.stdin, sys.stdout)
    from bot.app import run

    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
