"""Bot API calls as data: encoded as JSON, stored in the reply outbox, made later.

`json_body` is the one encoding of a call's parameters (what aiogram's form would carry, as one
JSON document; a test holds it to aiogram's own encoding). `prepare_call` / `rebuild` turn a call
into the outbox's stored form and back; `send_prepared` makes a stored call; `post_json` is the
raw request underneath, used where the bot must read Telegram's answer itself (getUpdates,
decoded update by update in bot.updates). How cheaply a call goes out is the business of the
session: the fast one lives with the other speed-ups (bot.speedups.json_session); every helper
here works on aiogram's plain session as well.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable

import orjson
from aiogram import Bot
from aiogram import methods as aiogram_methods
from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.types import BufferedInputFile, InputFile
from aiohttp import ClientError, ClientTimeout

JSON_HEADERS = {"Content-Type": "application/json"}


def json_dumps(value: object) -> str:
    return orjson.dumps(value).decode()


class _HasFile(Exception):
    """The call uploads a file: it has to go as a multipart form."""


class _NestedDefaultIsUnset(Exception):
    """A nested bot default resolves to nothing: aiogram leaves the key out, so must we."""


def _convert(bot: Bot) -> Any:
    def convert(value: Any) -> Any:
        if isinstance(value, Default):
            resolved = bot.default[value.name]
            if resolved is None:
                raise _NestedDefaultIsUnset
            return resolved
        if isinstance(value, InputFile):
            raise _HasFile
        if isinstance(value, datetime.datetime):
            return round(value.timestamp())
        if isinstance(value, datetime.timedelta):
            return round((datetime.datetime.now() + value).timestamp())
        raise TypeError(f"cannot send {type(value).__name__} as JSON")

    return convert


def _resolve_defaults(bot: Bot, value: Any) -> Any:
    """The value with every bot default resolved and those that resolve to nothing dropped
    (aiogram's `prepare_value` does the same); walked only when such a default is there."""
    if isinstance(value, dict):
        resolved = {key: _resolve_defaults(bot, item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not None}
    if isinstance(value, list):
        return [_resolve_defaults(bot, item) for item in value]
    if isinstance(value, Default):
        return bot.default[value.name]
    return value


def json_body(bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
    """The call's parameters as one JSON document, as aiogram's form would carry them (bot
    defaults filled in, None left out, times as Unix timestamps); None if it uploads a file."""
    params = method.model_dump(exclude_none=True, warnings=False)
    for key, value in list(params.items()):
        if isinstance(value, Default):
            value = bot.default[value.name]
            if value is None:
                del params[key]
            else:
                params[key] = value
        elif value == "":
            del params[key]
    try:
        return _dumps(bot, params)
    except _NestedDefaultIsUnset:  # rare: walk the whole call, as aiogram does
        return _dumps(bot, _resolve_defaults(bot, params))


def _dumps(bot: Bot, params: dict[str, Any]) -> bytes | None:
    """orjson with the bot's conversions; None if the call uploads a file."""
    try:
        return orjson.dumps(params, default=_convert(bot), option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError as error:  # orjson wraps what `convert` raises (as the cause)
        if isinstance(error.__cause__, _HasFile):
            return None
        if isinstance(error.__cause__, _NestedDefaultIsUnset):
            raise error.__cause__ from None
        raise


@runtime_checkable
class FastAnswers(Protocol):
    """A session that can skip building the answer's objects (bot.speedups.json_session)."""

    async def call_without_result(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> None: ...

    async def sent_message_id(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> int | None: ...

    async def send_body(
        self, bot: Bot, call: PreparedCall, timeout: int | None = None
    ) -> int | None: ...


async def post_json(
    session: AiohttpSession, bot: Bot, method: TelegramMethod[Any], body: bytes, timeout: int | None
) -> tuple[int, bytes]:
    """POST a JSON body to the method's URL; (status, raw answer). Network failures raise
    aiogram's TelegramNetworkError, as aiogram's own requests do."""
    client = await session.create_session()
    url = session.api.api_url(token=bot.token, method=method.__api_method__)
    try:
        async with client.post(
            url,
            data=body,
            headers=JSON_HEADERS,
            timeout=ClientTimeout(total=session.timeout if timeout is None else timeout),
        ) as resp:
            return resp.status, await resp.read()
    except TimeoutError as e:
        raise TelegramNetworkError(method=method, message="Request timeout error") from e
    except ClientError as e:
        raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e


async def call_ignoring_answer(
    bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
) -> None:
    """`bot(method)` for a caller that ignores the answer; failures raise aiogram's exceptions."""
    if isinstance(bot.session, FastAnswers):
        await bot.session.call_without_result(bot, method, timeout)
    else:
        await bot(method, request_timeout=timeout)


async def call_for_message_id(
    bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
) -> int | None:
    """`bot(method)` for a caller that needs only the sent message's id."""
    if isinstance(bot.session, FastAnswers):
        return await bot.session.sent_message_id(bot, method, timeout)
    sent = await bot(method, request_timeout=timeout)
    message_id = getattr(sent, "message_id", None)
    return message_id if isinstance(message_id, int) else None


# --- calls stored for later (the reply outbox) -------------------------------------------------

_FILE_KEY: Final = "__komek_file__"


@dataclass(frozen=True, slots=True)
class PreparedCall:
    """A Bot API call as it is stored in the outbox: the method's name and its JSON body.

    Calls that upload a file (the .ics) keep the file inline, as base64 under `_FILE_KEY`.
    """

    method: str
    body: str

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = orjson.loads(self.body)
        return params

    @property
    def has_file(self) -> bool:
        return _FILE_KEY in self.body


def _methods_by_name() -> dict[str, type[TelegramMethod[Any]]]:
    found: dict[str, type[TelegramMethod[Any]]] = {}
    for name in aiogram_methods.__all__:
        cls = getattr(aiogram_methods, name)
        api_name = getattr(cls, "__api_method__", None)
        if isinstance(cls, type) and isinstance(api_name, str):
            found[api_name] = cls
    return found


METHODS: Final = _methods_by_name()


def prepare_call(bot: Bot, method: TelegramMethod[Any]) -> PreparedCall:
    """The call as it will be sent (bot defaults filled in now), ready to be stored."""
    body = json_body(bot, method)
    if body is not None:
        return PreparedCall(method.__api_method__, body.decode())

    def convert(value: Any) -> Any:
        if isinstance(value, BufferedInputFile):
            content = base64.b64encode(value.data).decode()
            return {_FILE_KEY: {"filename": value.filename, "base64": content}}
        return _convert(bot)(value)

    params = _resolve_defaults(bot, method.model_dump(exclude_none=True, warnings=False))
    encoded = orjson.dumps(params, default=convert, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return PreparedCall(method.__api_method__, encoded.decode())


def rebuild(call: PreparedCall) -> TelegramMethod[Any]:
    """The aiogram method object of a stored call (validated, files restored)."""

    def restore(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {_FILE_KEY}:
                file = value[_FILE_KEY]
                return BufferedInputFile(base64.b64decode(file["base64"]), file["filename"])
            return {key: restore(item) for key, item in value.items()}
        if isinstance(value, list):
            return [restore(item) for item in value]
        return value

    return METHODS[call.method].model_validate(restore(call.params))


def message_id_of(raw: bytes) -> int | None:
    """`result.message_id` of a successful answer (orjson, no objects built), else None;
    ValueError when the answer is not a success."""
    try:
        answer = orjson.loads(raw)
        if answer.get("ok") is True:
            result = answer.get("result")
            if isinstance(result, dict) and type(result.get("message_id")) is int:
                return int(result["message_id"])
            return None
    except (orjson.JSONDecodeError, AttributeError):
        pass
    raise ValueError("not a successful answer")


async def send_prepared(bot: Bot, call: PreparedCall, timeout: int | None = None) -> int | None:
    """Make a stored call; the id of the message it sent (None: the call sends none).

    Failures raise aiogram's exceptions (429 with retry_after, 403, 400, 5xx); an answer that is
    not JSON at all (an HTML error page of a proxy) raises `ClientDecodeError`.
    """
    session = bot.session
    if not call.has_file and isinstance(session, FastAnswers):
        return await session.send_body(bot, call, timeout)
    sent = await bot(rebuild(call), request_timeout=timeout)
    message_id = getattr(sent, "message_id", None)
    return message_id if isinstance(message_id, int) else None
