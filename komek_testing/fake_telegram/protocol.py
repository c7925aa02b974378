"""Bot API wire rules: how form fields decode, which chat an update belongs to, method specs."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .models import JSON, RecordedRequest

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BLOCKED = "Forbidden: bot was blocked by the user"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

# Form fields Telegram reads as strings even when they look like numbers or JSON.
TEXT_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "title",
        "address",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "language_code",
        "action",
        "description",
        "short_description",
        "name",
        "emoji",
        "business_connection_id",
        "message_effect_id",
        "inline_message_id",
        "ip_address",
        "document",
        "photo",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "file_id",
        "query",
        "certificate",
    }
)
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
        "message_ids",
        "menu_button",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# What Telegram leaves out when the bot did not pass allowed_updates; anything else (update
# types this list does not know included) is delivered.
EXCLUDED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def decode_field(key: str, value: str) -> Any:
    if key in TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _int_id(obj: Any) -> int | None:
    if isinstance(obj, dict):
        value = obj.get("id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def update_chat_id(update: JSON) -> int | None:
    """The chat an update belongs to (message, edit, callback, membership change).

    Tolerates any raw shape (tests push undecodable updates on purpose): None when unknown.
    """
    for key in ("message", "edited_message", "my_chat_member", "chat_member"):
        obj = update.get(key)
        if isinstance(obj, dict) and (chat_id := _int_id(obj.get("chat"))) is not None:
            return chat_id
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and (chat_id := _int_id(message.get("chat"))) is not None:
            return chat_id
        return _int_id(query.get("from"))
    return None


def update_type(update: JSON) -> str | None:
    return next((key for key in update if key != "update_id"), None)


def update_allowed(update: JSON, allowed: frozenset[str] | None) -> bool:
    """Whether getUpdates hands this update out under the bot's ``allowed_updates``."""
    kind = update_type(update)
    if kind is None:  # a bare {"update_id": n} pushed by a test: delivered as is
        return True
    return kind in allowed if allowed else kind not in EXCLUDED_BY_DEFAULT


Handler = Callable[[RecordedRequest], Awaitable[Any]]


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: canonical name, handler, whether it creates or edits a message.

    ``creates_message`` calls count for ``set_flood_limits``; creating and editing calls both
    answer 429 during a ``flood_wait``.
    """

    name: str
    handler: Handler
    creates_message: bool = False
    edits_message: bool = False
