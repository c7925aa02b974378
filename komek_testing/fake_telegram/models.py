"""Value objects the fake server records and hands to tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A Bot API failure answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file the bot uploaded (multipart part) or a user "sent"; downloadable via getFile."""

    filename: str
    content: bytes
    mime_type: str | None = None


@dataclass(slots=True)
class RecordedRequest:
    """One Bot API call as the server saw it.

    ``params`` are decoded like Telegram decodes them (JSON fields parsed, numbers as ints);
    ``files`` maps the parameter name (``document``) to the uploaded part, ``attach://`` resolved.
    ``status``/``response`` are filled in once the call is answered: ``status`` is what the
    client got (0: no answer at all, e.g. a long poll whose client went away or an injected
    connection reset), ``response`` the JSON the server produced (for a call executed before an
    injected fault, the real result the client never saw). ``answered_at`` is the
    ``time.monotonic()`` at which the answer was ready to go back (0.0 until then). ``fault``
    names an injected failure (``fail_next``): "error", "raw" (HTML or other non-JSON body),
    "truncated", "reset_before", "reset_after", or None.
    """

    method: str
    params: JSON
    files: dict[str, UploadedFile]
    time: float
    chat_id: int | None
    status: int = 0
    response: JSON | None = None
    content_type: str = ""
    """How the parameters came: application/json, multipart/form-data, ... ("" for none)."""
    answered_at: float = 0.0
    fault: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def executed(self) -> bool:
        """The call took effect (a message was sent...), even if the client never saw the answer."""
        return bool(self.response and self.response.get("ok"))


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot sent, as the user sees it (an edit is a new snapshot, ``edited=True``)."""

    message_id: int
    chat_id: int
    kind: str
    text: str | None
    raw: JSON
    reply_markup: JSON | None = None
    source_text: str | None = None
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    edited: bool = False
    deleted: bool = False
    document: UploadedFile | None = None
    venue: JSON | None = None
    location: JSON | None = None
    contact: JSON | None = None
    date: int = 0

    @property
    def caption(self) -> str | None:
        return self.text if self.kind != "text" else None

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """Inline keyboard as rows of (label, callback_data); url buttons give ("label", "")."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or []
        return [[(b["text"], b.get("callback_data", "")) for b in row] for row in rows]

    @property
    def button_labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]

    @property
    def callback_data(self) -> list[str]:
        return [data for row in self.buttons for _, data in row]

    @property
    def reply_keyboard(self) -> list[list[JSON]]:
        """Reply keyboard rows, every button as a dict (``text``, ``request_contact``, ...)."""
        markup = self.reply_markup or {}
        return [list(row) for row in markup.get("keyboard") or []]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    def has_button(self, label_or_data: str) -> bool:
        return any(label_or_data in pair for row in self.buttons for pair in row)
