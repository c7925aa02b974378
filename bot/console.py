"""The intake conversation in a terminal: the same `dialogs.step`, no Telegram needed.

Run with `python -m bot.console` (or the main command without a BOT_TOKEN). Options are
numbered: type the number to press it, or type the answer in words. `/back`, `/restart`,
`/language`, `/help`, `/summary` work as in the bot; `/quit` or end of input leaves.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Final, TextIO

from common.i18n import Language
from common.text import msg
from dialogs import ButtonPress, Command, Event, RenderedReply, Session, TextInput, render, step
from dialogs.events import CommandName
from dialogs.intake.screens.after_result import BOOKING_ELSEWHERE
from dialogs.intake.shipped import ask
from dialogs.reply import InLanguage, Lines

COMMANDS: Final[dict[str, CommandName]] = {
    "/start": "start",
    "/back": "back",
    "/restart": "restart",
    "/language": "language",
    "/lang": "language",
    "/help": "help",
    "/summary": "summary",
}
QUIT: Final = frozenset({"/quit", "/exit", "/q"})


def show(replies: list[RenderedReply], out: TextIO) -> None:
    for reply in replies:
        if not (reply.replace_previous and reply.multi):  # a tick: only the options changed
            out.write("\n" + reply.text + "\n")
        for number, option in enumerate(reply.options, start=1):
            mark = "" if reply.numbered else "#"
            out.write(f"  {mark}{number}) {option.label}\n")
    out.flush()


def to_event(line: str, last: RenderedReply | None, version: int) -> Event:
    """A typed line as a dialog event: a command, an option number, or free text."""
    text = line.strip()
    lowered = text.lower()
    if lowered in COMMANDS:
        return Command(name=COMMANDS[lowered])
    if last is not None and last.question is not None and last.options:
        number = text[1:] if text.startswith("#") else text if last.numbered else ""
        if number.isdigit() and 1 <= int(number) <= len(last.options):
            value = last.options[int(number) - 1].value
            return ButtonPress(question=last.question, value=value, version=version)
    return TextInput(text=text)


def run_console(
    stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, *, today: date | None = None
) -> int:
    """Play the conversation on a text stream until `/quit` or end of input. Returns 0."""
    day = today or date.today()
    session = Session.new()
    lang: Language = "ru"
    intro = msg("(Type the number of an option or the answer itself; /quit to leave.)")
    stdout.write(Lines((InLanguage(intro, "kk"), InLanguage(intro, "ru"))).render(lang) + "\n")
    session, replies = step(session, Command(name="start"), today=day)
    rendered = render(replies, session.language or lang)
    show(rendered, stdout)
    last = next((r for r in reversed(rendered) if r.question), None)
    for line in stdin:
        if line.strip().lower() in QUIT:
            break
        if not line.strip():
            continue
        event = to_event(line, last, session.version)
        session, replies = step(session, event, today=day)
        if any(reply.handoff for reply in replies):  # booking: not in the terminal (yet)
            replies = [ask(session, day, BOOKING_ELSEWHERE)]
        rendered = render(replies, session.language or lang)
        show(rendered, stdout)
        last = next((r for r in reversed(rendered) if r.question), last)
    stdout.write("\n")
    return 0


def main() -> int:
    return run_console()


if __name__ == "__main__":
    sys.exit(main())
