"""What a typed line means in the terminal: a command, an option of what was shown, or text.

Pure functions, no I/O: the terminal's loop (bot/console.py) decides which conversation gets the
result. Nothing here raises on any input: an option number is read with
`dialogs.parse.parse_choice_numbers` (never `int()` of a digit `str.isdigit()` accepts but
`int()` refuses, such as `²`, nor of more than 4,300 digits: QA D1), and anything else is text
for the conversation, which answers it with its hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from dialogs.events import ButtonPress, Command, CommandName, Event, TextInput
from dialogs.parse import match_choice, parse_choice_numbers, words
from dialogs.reply import RenderedOption, RenderedReply

COMMANDS: Final[dict[str, CommandName]] = {
    "/start": "start",
    "/back": "back",
    "/restart": "restart",
    "/language": "language",
    "/lang": "language",
    "/help": "help",
    "/summary": "summary",
}
"""The intake's commands."""

Special = Literal["book", "my_appointment", "delete_my_data", "quit"]
SPECIAL: Final[dict[str, Special]] = {
    "/book": "book",
    "/my_appointment": "my_appointment",
    "/delete_my_data": "delete_my_data",
    "/quit": "quit",
    "/exit": "quit",
    "/q": "quit",
}
"""The terminal's own commands: booking, erasure, leaving (never taken as answers: QA D12)."""

SKIP_WORDS: Final = frozenset({"skip", "пропустить", "пропуск", "откизу", "откизип жиберу", "-"})
"""At a location request: no location, choose from the list (folded: `өткізу` → `откизу`)."""

_DIGITS: Final = re.compile(r"\d+")
_COORDINATES: Final = re.compile(
    r"\s*(-?\d{1,2}(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:[.,]\d+)?)\s*"
)
_MAX_COORDINATE_TEXT: Final = 40


def special_command(line: str) -> Special | None:
    """`/book`, `/my_appointment`, `/delete_my_data` or a way to leave, if the line is one."""
    return SPECIAL.get(line.strip().lower())


def option_index(text: str, count: int) -> int | None:
    """The 0-based index of option `text` (`3`, or `#3`) among `count`, or None.

    Digits of any script count (`٣` is 3); `²` is not a digit for this purpose, and a number
    of thousands of digits is simply no option."""
    number = text.strip().removeprefix("#")
    if not _DIGITS.fullmatch(number):
        return None
    found = parse_choice_numbers(number, count)
    return found[0] if found is not None and len(found) == 1 else None


def to_event(line: str, last: RenderedReply | None, version: int) -> Event:
    """A typed line as an intake event: a command, an option number, or free text.

    A bare number presses an option only where numbers are not answers themselves (an age,
    an amount: `numbered` is false); there, `#2` presses the second option."""
    text = line.strip()
    lowered = text.lower()
    if lowered in COMMANDS:
        return Command(name=COMMANDS[lowered])
    pressable = last is not None and last.question is not None and bool(last.options)
    if pressable and last is not None and (text.startswith("#") or last.numbered):
        index = option_index(text, len(last.options))
        if index is not None and last.question is not None:
            value = last.options[index].value
            return ButtonPress(question=last.question, value=value, version=version)
    return TextInput(text=text)


def chosen_option(text: str, reply: RenderedReply) -> RenderedOption | None:
    """The option of `reply` meant by typed text: its number, or words of its label."""
    index = option_index(text, len(reply.options))
    if index is not None:
        return reply.options[index]
    table = {option.value: (words(option.label),) for option in reply.options}
    value = match_choice(text, {key: forms for key, forms in table.items() if forms[0]})
    return next((option for option in reply.options if option.value == value), None)


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


def coordinates(text: str) -> Point | None:
    """`43.238, 76.945` (latitude, longitude in degrees) typed instead of sending a location."""
    if len(text) > _MAX_COORDINATE_TEXT:
        return None
    found = _COORDINATES.fullmatch(text)
    if found is None:
        return None
    latitude, longitude = (float(part.replace(",", ".")) for part in found.groups())
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Point(latitude, longitude)


def is_skip(text: str) -> bool:
    return words(text) in SKIP_WORDS or text.strip() == "-"
