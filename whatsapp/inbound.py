"""A webhook delivery, read: the messages users sent and the status callbacks of ours.

Pure (no I/O): the JSON Meta posts (`entry[].changes[].value` with `messages`, `statuses`) in,
plain records out, in the order Meta listed them. A message of a kind the conversation cannot
read (a photo, a voice note, a sticker…) becomes `Unreadable`: it is answered with a hint and
the same question, never silently dropped. Malformed parts are skipped, never crash the
delivery (the rest of it is still handled).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

Kind = Literal["text", "reply", "location", "contact", "unreadable"]


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message from a user: what it says, by kind (the others fields are empty)."""

    message_id: str
    wa_id: str
    sent_at: datetime
    kind: Kind
    text: str = ""
    """`text`: the typed text; `reply`: the pressed button's or row's id."""
    latitude: float = 0.0
    longitude: float = 0.0
    phone: str = ""
    """`contact`: the first phone number of the shared contact card."""


@dataclass(frozen=True, slots=True)
class Status:
    """A status callback: our message `message_id` was sent, delivered, read, or failed."""

    message_id: str
    status: str
    at: datetime
    recipient: str
    error_code: int | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    messages: tuple[Incoming, ...]
    statuses: tuple[Status, ...]


def read_delivery(payload: Any) -> Delivery:
    """Every message and status of a delivery (anything else in it is ignored)."""
    messages: list[Incoming] = []
    statuses: list[Status] = []
    for value in _values(payload):
        for raw in _list(value.get("messages")):
            message = _message(raw)
            if message is not None:
                messages.append(message)
        for raw in _list(value.get("statuses")):
            status = _status(raw)
            if status is not None:
                statuses.append(status)
    return Delivery(tuple(messages), tuple(statuses))


def _values(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return []
    found = []
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict):
                found.append(value)
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _moment(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(UTC)


def _message(raw: Any) -> Incoming | None:
    if not isinstance(raw, dict):
        return None
    message_id, wa_id = raw.get("id"), raw.get("from")
    if not isinstance(message_id, str) or not isinstance(wa_id, str):
        return None
    if not message_id or len(message_id) > 200 or not wa_id.isdigit() or len(wa_id) > 32:
        return None
    base = Incoming(message_id, wa_id, _moment(raw.get("timestamp")), "unreadable")
    kind = raw.get("type")
    if kind == "text" and isinstance(raw.get("text"), dict):
        body = raw["text"].get("body")
        if isinstance(body, str):
            return replace(base, kind="text", text=body)
    if kind == "interactive" and isinstance(raw.get("interactive"), dict):
        pressed = _pressed(raw["interactive"])
        if pressed is not None:
            return replace(base, kind="reply", text=pressed)
    if kind == "button" and isinstance(raw.get("button"), dict):  # a template's quick reply
        payload = raw["button"].get("payload")
        if isinstance(payload, str):
            return replace(base, kind="reply", text=payload)
    if kind == "location" and isinstance(raw.get("location"), dict):
        where = raw["location"]
        try:
            latitude, longitude = float(where["latitude"]), float(where["longitude"])
        except (KeyError, TypeError, ValueError):
            return replace(base, kind="unreadable")
        return replace(base, kind="location", latitude=latitude, longitude=longitude)
    if kind == "contacts":
        phone = _first_phone(raw.get("contacts"))
        if phone is not None:
            return replace(base, kind="contact", phone=phone)
    return replace(base, kind="unreadable")


def _pressed(interactive: dict[str, Any]) -> str | None:
    for key in ("button_reply", "list_reply"):
        reply = interactive.get(key)
        if isinstance(reply, dict) and isinstance(reply.get("id"), str):
            return str(reply["id"])
    return None


def _first_phone(contacts: Any) -> str | None:
    for contact in _list(contacts):
        for phone in _list(contact.get("phones") if isinstance(contact, dict) else None):
            number = phone.get("phone") if isinstance(phone, dict) else None
            if isinstance(number, str) and number.strip():
                return number
    return None


def _status(raw: Any) -> Status | None:
    if not isinstance(raw, dict):
        return None
    message_id, status = raw.get("id"), raw.get("status")
    if not isinstance(message_id, str) or not isinstance(status, str) or len(message_id) > 200:
        return None
    code = None
    for error in _list(raw.get("errors")):
        if isinstance(error, dict) and isinstance(error.get("code"), int):
            code = int(error["code"])
            break
    recipient = raw.get("recipient_id")
    return Status(
        message_id=message_id,
        status=status[:16],
        at=_moment(raw.get("timestamp")),
        recipient=recipient if isinstance(recipient, str) else "",
        error_code=code,
    )
