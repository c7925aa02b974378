"""Updates from raw JSON, one at a time: one update aiogram cannot read never stops the others.

aiogram decodes a whole `getUpdates` answer at once, so a single update of a shape its models
reject (Telegram does send such shapes: a legacy forward with `forward_origin.type
"hidden_user"` and no name, an `external_reply` with an empty `story`) fails the batch, and,
since the batch is never confirmed, every later poll too. Here the answer is parsed as plain
JSON and each update is validated on its own. One that fails is salvaged when the trouble is
in a part the bot does not read (the forward's origin, a reply's preview): that part is
dropped and the rest served, so the user still gets an answer. One that cannot be salvaged is
skipped, logged by its id and the error class, never its content.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import GetUpdates
from aiogram.types import Update
from pydantic import ValidationError

from bot.telegram_session import json_body, post_json

log = logging.getLogger(__name__)

MAX_SALVAGE_ROUNDS: Final = 5
ESSENTIAL_FIELDS: Final = frozenset(
    {"message_id", "date", "chat", "from", "id", "data", "text", "update_id"}
)
"""Fields the bot reads: an update whose error lies in one of them is skipped, not salvaged."""


def decode_update(raw: object, bot: Bot | None = None) -> Update | None:
    """The update, salvaged if need be (see the module docstring); None if it cannot be read."""
    if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
        log.warning("skipped an update without an update_id")
        return None
    context = {"bot": bot} if bot is not None else None
    current: dict[str, Any] = raw
    dropped: list[str] = []
    for _ in range(MAX_SALVAGE_ROUNDS):
        try:
            update = Update.model_validate(current, context=context)
        except ValidationError as error:
            salvaged = _without_unreadable_parts(current, error)
            if salvaged is None:
                break
            current, newly_dropped = salvaged
            dropped.extend(newly_dropped)
            continue
        if dropped:
            log.warning(
                "update %d: read without %s (a shape aiogram cannot decode)",
                update.update_id,
                ", ".join(sorted(set(dropped))),
            )
        return update
    log.warning("update %d skipped: aiogram cannot decode it (ValidationError)", raw["update_id"])
    return None


def _without_unreadable_parts(
    update: dict[str, Any], error: ValidationError
) -> tuple[dict[str, Any], list[str]] | None:
    """A copy of the update without the second-level fields the errors point into, or None when
    an error lies in a field the bot needs (or at the top)."""
    doomed: set[tuple[str, str]] = set()
    for problem in error.errors(include_input=False, include_url=False):
        location = [part for part in problem["loc"] if isinstance(part, str)]
        if len(location) < 3 or location[1] in ESSENTIAL_FIELDS:
            return None  # at the top, a field the bot reads, or a missing required field
        doomed.add((location[0], location[1]))
    copy = dict(update)
    dropped: list[str] = []
    for kind, field in doomed:
        inner = copy.get(kind)
        if not isinstance(inner, dict) or field not in inner:
            return None
        copy[kind] = {key: value for key, value in inner.items() if key != field}
        dropped.append(f"{kind}.{field}")
    return copy, dropped


@dataclass(frozen=True, slots=True)
class Batch:
    updates: list[Update]
    next_offset: int | None
    """The offset that confirms the whole answer, the skipped updates included."""


async def fetch_updates(
    bot: Bot,
    *,
    offset: int | None,
    timeout: int,
    allowed_updates: Sequence[str] | None,
) -> Batch:
    """One `getUpdates` call, each update decoded on its own.

    Errors raise like any Bot API call: aiogram's TelegramAPIError for Telegram's own errors
    (429, 409, 5xx...), `ClientDecodeError` for an answer that is not JSON (an HTML error page),
    TelegramNetworkError for the network.
    """
    request = GetUpdates(
        offset=offset,
        timeout=timeout,
        allowed_updates=list(allowed_updates) if allowed_updates is not None else None,
    )
    session = bot.session
    if not isinstance(session, AiohttpSession):  # another transport: aiogram decodes it all
        got = await bot(request, request_timeout=timeout + 15)
        return Batch(got, got[-1].update_id + 1 if got else offset)
    body = json_body(bot, request)
    assert body is not None
    status, raw = await post_json(session, bot, request, body, timeout + 15)
    answer = _json_or_none(raw)
    if not (200 <= status < 300 and isinstance(answer, dict) and answer.get("ok") is True):
        session.check_response(
            bot=bot, method=request, status_code=status, content=raw.decode("utf-8", "replace")
        )
        raise TelegramAPIError(method=request, message="getUpdates answered without a result")
    results = answer.get("result")
    if not isinstance(results, list):
        raise TelegramAPIError(method=request, message="getUpdates answered without a list")
    updates: list[Update] = []
    next_offset = offset
    for item in results:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if type(update_id) is int:
            next_offset = max(next_offset or 0, update_id + 1)
        decoded = decode_update(item, bot)
        if decoded is not None:
            updates.append(decoded)
    return Batch(updates, next_offset)


def _json_or_none(raw: bytes) -> object:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
