"""`python -m bot` (or `komek`): migrate the database, then serve Telegram or the terminal.

With BOT_TOKEN: long polling, or webhook mode when WEBHOOK_URL is set. Without it: one line
saying so, then the same conversation in this terminal (bot.console).
"""

from __future__ import annotations

import asyncio
import sys

from booking.settings import BookingSettings
from bot.config import ConfigurationError, Settings, load_settings
from bot.privacy import install_log_redaction, set_log_salt
from storage.migrate import upgrade_to_head


def main() -> int:
    try:
        settings = load_settings(Settings)
        load_settings(BookingSettings)  # checked now: the reminder sender reads them later
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    install_log_redaction(settings.log_level)
    set_log_salt(settings.log_salt.get_secret_value())
    upgrade_to_head(settings.database_url)
    if not settings.token:
        print("No BOT_TOKEN is configured: running the conversation here in the terminal.")
        from bot.console import run_console

        return run_console(sys.stdin, sys.stdout)
    from bot.app import run

    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
