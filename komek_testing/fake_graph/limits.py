"""What the Cloud API refuses, checked on every message the fake is asked to send.

Each check returns a refusal (`Refusal`: HTTP status, Graph error code, what is wrong) or
None. The limits are WhatsApp's published ones: reply buttons 1-3 (titles ≤ 20 characters,
all different, ids ≤ 256), lists of 1-10 rows in all (titles ≤ 24, descriptions ≤ 72, ids ≤ 200
and all different, the button ≤ 20), text ≤ 4,096, the body of buttons or a location request
≤ 1,024 and of a list ≤ 4,096, footers ≤ 60, captions ≤ 1,024; templates must be approved in
that language with that many parameters (and a parameter holds no new line, tab, or more than
four spaces in a row); free-form messages only within 24 hours of the user's last message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

INVALID_PARAMETER: Final = 100
RE_ENGAGEMENT: Final = 131047
TEMPLATE_PARAMETERS: Final = 132000
TEMPLATE_MISSING: Final = 132001
TEMPLATE_FORMAT: Final = 132018
MEDIA_UNSUPPORTED: Final = 131053
MEDIA_TYPES: Final = frozenset(
    {
        "text/plain",
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "image/jpeg",
        "image/png",
    }
)
_BAD_PARAMETER: Final = re.compile(r"[\n\t]| {5,}")


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    code: int
    detail: str


def _refuse(detail: str, code: int = INVALID_PARAMETER) -> Refusal:
    return Refusal(400, code, detail)


def _text(value: Any, limit: int, what: str, *, required: bool = True) -> Refusal | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        return _refuse(f"{what} is required")
    if len(value) > limit:
        return _refuse(f"{what} is longer than {limit} characters")
    return None


def check_message(
    payload: Any, templates: dict[tuple[str, str], int], media: set[str]
) -> Refusal | None:
    """The refusal the Cloud API would give this `/messages` payload, or None."""
    if not isinstance(payload, dict) or payload.get("messaging_product") != "whatsapp":
        return _refuse("messaging_product must be whatsapp")
    to = payload.get("to")
    if not isinstance(to, str) or not to.isdigit():
        return _refuse("to must be a phone number")
    kind = payload.get("type", "text")
    body = payload.get(kind)
    if not isinstance(body, dict):
        return _refuse(f"{kind} object is required")
    if kind == "text":
        return _text(body.get("body"), 4096, "text.body")
    if kind == "interactive":
        return _interactive(body)
    if kind == "location":
        ok = all(isinstance(body.get(k), int | float) for k in ("latitude", "longitude"))
        return None if ok else _refuse("location needs latitude and longitude")
    if kind == "document":
        if body.get("id") not in media and not isinstance(body.get("link"), str):
            return _refuse("document.id is not an uploaded media id")
        return _text(body.get("caption"), 1024, "document.caption", required=False)
    if kind == "template":
        return _template(body, templates)
    return _refuse(f"unsupported message type {kind}")


def _interactive(body: dict[str, Any]) -> Refusal | None:
    kind = body.get("type")
    text = body.get("body", {}).get("text") if isinstance(body.get("body"), dict) else None
    footer = body.get("footer")
    if footer is not None:
        refused = _text(footer.get("text") if isinstance(footer, dict) else None, 60, "footer")
        if refused:
            return refused
    action = body.get("action")
    if not isinstance(action, dict):
        return _refuse("interactive.action is required")
    if kind == "button":
        return _text(text, 1024, "body.text") or _buttons(action.get("buttons"))
    if kind == "list":
        return (
            _text(text, 4096, "body.text")
            or _text(action.get("button"), 20, "action.button")
            or _sections(action.get("sections"))
        )
    if kind == "location_request_message":
        if action.get("name") != "send_location":
            return _refuse("action.name must be send_location")
        return _text(text, 1024, "body.text")
    return _refuse(f"unsupported interactive type {kind}")


def _buttons(buttons: Any) -> Refusal | None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return _refuse("buttons: between 1 and 3 are allowed")
    titles, ids = [], []
    for button in buttons:
        reply = button.get("reply") if isinstance(button, dict) else None
        if not isinstance(reply, dict) or button.get("type") != "reply":
            return _refuse("a button must be of type reply")
        refused = _text(reply.get("title"), 20, "button title") or _text(
            reply.get("id"), 256, "button id"
        )
        if refused:
            return refused
        titles.append(reply["title"])
        ids.append(reply["id"])
    if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
        return _refuse("button titles and ids must be unique")
    return None


def _sections(sections: Any) -> Refusal | None:
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        return _refuse("sections: between 1 and 10 are allowed")
    ids: list[str] = []
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("rows"), list):
            return _refuse("a section needs rows")
        if len(sections) > 1 or "title" in section:
            refused = _text(section.get("title"), 24, "section title")
            if refused:
                return refused
        for row in section["rows"]:
            if not isinstance(row, dict):
                return _refuse("a row must be an object")
            refused = (
                _text(row.get("id"), 200, "row id")
                or _text(row.get("title"), 24, "row title")
                or _text(row.get("description"), 72, "row description", required=False)
            )
            if refused:
                return refused
            ids.append(row["id"])
    if not 1 <= len(ids) <= 10:
        return _refuse("rows: between 1 and 10 are allowed in all sections")
    if len(set(ids)) != len(ids):
        return _refuse("row ids must be unique")
    return None


def _template(body: dict[str, Any], templates: dict[tuple[str, str], int]) -> Refusal | None:
    language = (
        body.get("language", {}).get("code") if isinstance(body.get("language"), dict) else None
    )
    key = (str(body.get("name")), str(language))
    if key not in templates:
        return _refuse("template name does not exist in the translation", TEMPLATE_MISSING)
    parameters: list[Any] = []
    for component in body.get("components") or []:
        if isinstance(component, dict) and component.get("type") == "body":
            parameters.extend(component.get("parameters") or [])
    if len(parameters) != templates[key]:
        return _refuse("number of parameters does not match", TEMPLATE_PARAMETERS)
    for parameter in parameters:
        text = parameter.get("text") if isinstance(parameter, dict) else None
        if not isinstance(text, str) or not text or _BAD_PARAMETER.search(text):
            return _refuse("a template parameter is empty or badly formatted", TEMPLATE_FORMAT)
    return None
