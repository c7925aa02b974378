"""Callback data of inline buttons: `question:value:version` (at most 64 bytes, Telegram's limit).

The version is the session version the button was shown at, so the dialog recognises a press on
an old message. The bot's own buttons (not the dialog's) start with `!`.
"""

from __future__ import annotations

from typing import Final

from dialogs.events import ButtonPress

MAX_CALLBACK_BYTES: Final = 64
BOT_PREFIX: Final = "!"
DELETE_YES: Final = "!delete:yes"
DELETE_NO: Final = "!delete:no"


def encode(question: str, value: str, version: int) -> str:
    data = f"{question}:{value}:{version}"
    if ":" in question or len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data does not fit Telegram's 64 bytes: {data!r}")
    return data


def decode(data: str) -> ButtonPress | None:
    """The press, or None when the data is not ours (an old format, a forged payload)."""
    if data.startswith(BOT_PREFIX):
        return None
    question, sep, rest = data.partition(":")
    value, sep2, version = rest.rpartition(":")
    if not (sep and sep2 and question and version.isdigit()):
        return None
    return ButtonPress(question=question, value=value, version=int(version))
