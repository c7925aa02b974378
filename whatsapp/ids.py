"""What a WhatsApp button or list row carries back (its `id`, at most 200 characters): which
conversation it belongs to, the version it was shown at, and the option's value.

    q|<question>|<version>|<value>   the intake's question (dialogs.step's ButtonPress)
    b|<version>|<action:value>       a booking step (StepPress, draft version)
    a|<action:value>                 about one appointment (AppointmentPress)
    d|yes, d|no                      "delete my data?" confirmation
    m|<entry>                        the menu
    p|<page>                         the next page of a long list ("More…")

Anything else (an old format, a forged id) decodes to None: "these choices are no longer
current" and the question again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

MAX_ID: Final = 200
Conversation = Literal["intake", "booking", "appointment", "erase", "menu"]


@dataclass(frozen=True, slots=True)
class Pressed:
    conversation: Conversation | Literal["page"]
    value: str
    question: str = ""
    version: int = 0


def encode(conversation: Conversation, value: str, *, question: str = "", version: int = 0) -> str:
    """The id of one option; ValueError if it would not fit WhatsApp's limit."""
    if conversation == "intake":
        found = f"q|{question}|{version}|{value}"
    elif conversation == "booking":
        found = f"b|{version}|{value}"
    elif conversation == "appointment":
        found = f"a|{value}"
    elif conversation == "erase":
        found = f"d|{value}"
    else:
        found = f"m|{value}"
    if len(found) > MAX_ID:
        raise ValueError("an option id longer than WhatsApp allows")
    return found


def page_id(page: int) -> str:
    return f"p|{page}"


def decode(pressed: str) -> Pressed | None:
    kind, _, rest = pressed.partition("|")
    if kind == "q":
        question, _, tail = rest.partition("|")
        version, _, value = tail.partition("|")
        if question and version.isdigit() and value:
            return Pressed("intake", value, question=question, version=int(version))
    elif kind == "b":
        version, _, value = rest.partition("|")
        if version.isdigit() and value:
            return Pressed("booking", value, version=int(version))
    elif kind == "a" and rest:
        return Pressed("appointment", rest)
    elif kind == "d" and rest in ("yes", "no"):
        return Pressed("erase", rest)
    elif kind == "m" and rest:
        return Pressed("menu", rest)
    elif kind == "p" and rest.isdigit() and len(rest) < 4:
        return Pressed("page", rest)
    return None
