"""What a user can do, whatever the front end: the input of `dialogs.step`.

Front ends (terminal, Telegram) translate their updates into these; the dialog never sees
Telegram types. Buttons carry the question they answer and the session version they were
shown at, so a press on an old message is recognised as stale.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CommandName = Literal["start", "back", "restart", "language", "help", "summary"]


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextInput(_Event):
    kind: Literal["text"] = "text"
    text: str


class ButtonPress(_Event):
    kind: Literal["button"] = "button"
    question: str
    value: str
    version: int


class Command(_Event):
    kind: Literal["command"] = "command"
    name: CommandName


class ContactShared(_Event):
    kind: Literal["contact"] = "contact"
    phone: str


class LocationShared(_Event):
    kind: Literal["location"] = "location"
    latitude: float
    longitude: float


Event = Annotated[
    TextInput | ButtonPress | Command | ContactShared | LocationShared,
    Field(discriminator="kind"),
]
