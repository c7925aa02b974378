"""How a place of a SAMPLE directory says so: on buttons, cards, the calendar file, reminders.

The mark comes from the stored flag `PlaceInfo.is_sample` (set when a directory file marked
`sample: true` is imported), never from the place's name, so a demonstration can never be
mistaken for a real appointment and an official directory is never marked.
"""

from __future__ import annotations

from typing import Final

from common.text import Message, msg

SAMPLE_NOTE: Final = msg(
    "⚠️ Sample data for a demonstration: this address, phone number and hours are made up. "
    "It is not a real booking."
)
"""Under every place of a SAMPLE directory, wherever it is shown."""


def sample_label(text: str) -> Message:
    """A place's name or district on a button or a title, marked as sample data."""
    return msg("{place} (sample data)", place=text)
