"""Where one chat's booking stands between two actions: the answers so far, the step asked.

Stored by the front end as JSON (booking.drafts_repo) with a version: every screen's buttons
carry the version they were shown at, so a press on an old message is recognised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

Step = Literal["region", "place", "day", "time", "phone", "confirm"]


class Draft(BaseModel):
    """The answers so far and the step waiting for one."""

    model_config = ConfigDict(extra="ignore")

    step: Step = "region"
    region: str | None = None
    offered: list[str] = []
    """Place ids listed at the place step, in button order."""
    place_id: str | None = None
    day: date | None = None
    starts_at: datetime | None = None
    phone: str | None = None
    replacing: int | None = None
    """The appointment being rescheduled, if any."""


@dataclass(frozen=True, slots=True)
class Current:
    """The draft an action finds, and the version its buttons were shown at."""

    draft: Draft
    version: int
