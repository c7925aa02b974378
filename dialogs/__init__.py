"""The intake conversation as transport-free logic: questions, tolerant parsing, one pure step.

Front ends (the Telegram bot, the terminal) keep a `Session` per chat, turn user updates into
`dialogs.events` and call `step(session, event, today=...)`; they show what `render` makes of the
replies. Nothing here knows Telegram, a database or the clock.

The names below are loaded on first use (PEP 562), so importing one submodule (the booking
screens, say) does not import the whole intake first.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dialogs.events import (
        ButtonPress,
        Command,
        ContactShared,
        Event,
        LocationShared,
        TextInput,
    )
    from dialogs.intake.shipped import household_answers, step
    from dialogs.reply import Option, RenderedOption, RenderedReply, Reply, render
    from dialogs.session import CONSENT_TEXT_VERSION, RETENTION_DAYS, Person, Session

_HOMES = {
    "ButtonPress": "dialogs.events",
    "Command": "dialogs.events",
    "ContactShared": "dialogs.events",
    "Event": "dialogs.events",
    "LocationShared": "dialogs.events",
    "TextInput": "dialogs.events",
    "household_answers": "dialogs.intake.shipped",
    "step": "dialogs.intake.shipped",
    "Option": "dialogs.reply",
    "RenderedOption": "dialogs.reply",
    "RenderedReply": "dialogs.reply",
    "Reply": "dialogs.reply",
    "render": "dialogs.reply",
    "CONSENT_TEXT_VERSION": "dialogs.session",
    "RETENTION_DAYS": "dialogs.session",
    "Person": "dialogs.session",
    "Session": "dialogs.session",
}

__all__ = [
    "CONSENT_TEXT_VERSION",
    "RETENTION_DAYS",
    "ButtonPress",
    "Command",
    "ContactShared",
    "Event",
    "LocationShared",
    "Option",
    "Person",
    "RenderedOption",
    "RenderedReply",
    "Reply",
    "Session",
    "TextInput",
    "household_answers",
    "render",
    "step",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'dialogs' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
