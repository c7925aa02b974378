"""The intake's answers as the booking conversation's `Citizen` (dialogs.booking.port)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from common.text import Renderable
from dialogs.documents import to_bring
from dialogs.session import Session


@dataclass(frozen=True, slots=True)
class FromIntake:
    """The chat's intake session (None: never started or unreadable) and recorded consent."""

    session: Session | None
    consent: bool

    def consented(self) -> bool:
        return self.consent

    def region(self) -> str | None:
        return self.session.region if self.session is not None else None

    def settlement(self) -> Literal["urban", "rural"] | None:
        return self.session.settlement if self.session is not None else None

    def checklist(self, today: date) -> Sequence[Renderable] | None:
        if self.session is None or not self.session.finished:
            return None
        try:
            return list(to_bring(self.session, today))
        except (ValueError, KeyError, IndexError, TypeError):  # answers of an older version
            return None
