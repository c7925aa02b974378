"""The bot in a terminal: the same conversations as on Telegram, no Telegram needed.

Run with `python -m bot console` (or `python -m bot` without a BOT_TOKEN, or
`python -m bot.console`). Options are numbered: type the number to press it, or type the answer
in words. `/back`, `/restart`, `/language`, `/help`, `/summary` work as in the bot, and so do
`/book`, `/my_appointment` and `/delete_my_data`, on the bot's database (DATABASE_URL; an
embedded SQLite file by default): the terminal is one local user there. The visit's calendar
file is written to CONSOLE_FILES_DIR (the current directory by default) and its path printed.
Without a token the terminal is a demonstration: an empty database gets the SAMPLE directory
of places, every place marked as sample data. `/quit` or end of input leaves.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from booking.settings import BookingSettings
from bot.config import ConfigurationError, Settings, load_settings
from bot.terminal.database import TerminalDatabase
from bot.terminal.frontend import Terminal, something_went_wrong
from bot.terminal.reading import COMMANDS, to_event
from common.i18n import Language
from common.text import msg
from dialogs.reply import InLanguage, Lines
from storage.migrate import upgrade_to_head

__all__ = ["COMMANDS", "main", "run_console", "to_event"]

log = logging.getLogger(__name__)


def run_console(
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    *,
    today: date | None = None,
    database_url: str | None = None,
    demo: bool = False,
    files_dir: Path | None = None,
    migrated: bool = False,
) -> int:
    """Play the conversations on text streams until `/quit` or end of input. Returns 0.

    The database (`database_url`, else the configured one) is opened only when booking or
    erasure needs it, and brought to the newest schema then unless `migrated`. `demo`: an empty
    database gets the SAMPLE places, and booking offers them (the entry points decide it)."""
    url = database_url if database_url is not None else Settings().database_url
    booking_settings = BookingSettings().model_copy(
        # The terminal cannot send reminders later: none are queued (nor promised).
        update={"sample_places": demo, "reminder_hours": ()}
    )
    database = TerminalDatabase(url, demo=demo, migrated=migrated)
    terminal = Terminal(
        stdout,
        today=today or date.today(),
        database=database,
        booking_settings=booking_settings,
        files_dir=files_dir or Path.cwd(),
    )
    return asyncio.run(_play(terminal, stdin, stdout, database))


async def _play(
    terminal: Terminal, stdin: TextIO, stdout: TextIO, database: TerminalDatabase
) -> int:
    lang: Language = "ru"
    intro = msg("(Type the number of an option or the answer itself; /quit to leave.)")
    stdout.write(Lines((InLanguage(intro, "kk"), InLanguage(intro, "ru"))).render(lang) + "\n")
    try:
        await terminal.begin()
        for line in stdin:  # a terminal reads one line at a time: nothing else runs meanwhile
            try:
                if not await terminal.line(line):
                    break
            except Exception:  # the promise is "never crash": the user keeps their answers
                log.exception("terminal: a line could not be handled")
                terminal.say(something_went_wrong())
                terminal.show_again()
    finally:
        await database.close()
    stdout.write("\n")
    return 0


def main() -> int:
    """`python -m bot.console`: the settings, the schema, then the terminal."""
    try:
        settings = load_settings(Settings)
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    upgrade_to_head(settings.database_url)
    return run_console(
        database_url=settings.database_url,
        demo=settings.terminal_demo,
        files_dir=settings.console_files_dir,
        migrated=True,
    )


if __name__ == "__main__":
    sys.exit(main())
