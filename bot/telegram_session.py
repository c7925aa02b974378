"""The HTTP session to the Bot API: JSON request bodies, answers parsed only when needed.

aiogram's `AiohttpSession` sends every call as a form: each nested object (a keyboard) is turned
into a JSON string by a Python-level walk, then the whole form is percent-encoded, which makes
every Cyrillic letter six bytes. The Bot API accepts `application/json` bodies for every method
that uploads no file, so those go as one JSON document serialised in C; uploads (the .ics file)
keep aiogram's multipart form. Answers are validated by pydantic straight from the bytes, and
a caller that does not use the answer (`call_without_result`) skips building it at all: the
echo of a message with a 20-button keyboard is some fifty pydantic objects.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
from dataclasses import dataclass
from typing import Any, Final, cast

import orjson
from aiogram import Bot
from aiogram import methods as aiogram_methods
from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import BufferedInputFile, InputFile
from aiohttp import ClientError, ClientTimeout
from pydantic import ValidationError

JSON_HEADERS = {"Content-Type": "application/json"}

# aiogram parses every answer as `Response[<method's result type>]`; pydantic keeps those
# generic classes only weakly, so after a garbage collection each is built again (milliseconds
# of schema generation per call). Holding them keeps the cache warm for the methods we use.
_RESPONSE_TYPES: Final = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        aiogram_methods.GetUpdates,
        aiogram_methods.SendMessage,
        aiogram_methods.EditMessageText,
        aiogram_methods.EditMessageReplyMarkup,
        aiogram_methods.AnswerCallbackQuery,
        aiogram_methods.SendChatAction,
        aiogram_methods.SetMyCommands,
        aiogram_methods.SetWebhook,
        aiogram_methods.GetMe,
        aiogram_methods.SendVenue,
        aiogram_methods.SendDocument,
        aiogram_methods.SendLocation,
    )
)


def json_dumps(value: object) -> str:
    return orjson.dumps(value).decode()


class _HasFile(Exception):
    """The call uploads a file: it has to go as a multipart form."""


def _convert(bot: Bot) -> Any:
    def convert(value: Any) -> Any:
        if isinstance(value, Default):
            return bot.default[value.name]
        if isinstance(value, InputFile):
            raise _HasFile
        if isinstance(value, datetime.datetime):
            return round(value.timestamp())
        if isinstance(value, datetime.timedelta):
            return round((datetime.datetime.now() + value).timestamp())
        raise TypeError(f"cannot send {type(value).__name__} as JSON")

    return convert


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
        return orjson.dumps(params, default=_convert(bot), option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError as error:  # orjson wraps what `convert` raises (as the cause)
        if isinstance(error.__cause__, _HasFile):
            return None
        raise


class JsonBodySession(AiohttpSession):
    """`AiohttpSession` with JSON bodies for calls without files (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("json_loads", orjson.loads)
        kwargs.setdefault("json_dumps", json_dumps)
        super().__init__(**kwargs)

    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call as one JSON document (see `json_body`); None if it uploads a file."""
        return json_body(bot, method)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        status, raw = await self._post(bot, method, body, timeout)
        return cast(TelegramType, self.parse_answer(bot, method, status, raw).result)

    async def call_without_result(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> None:
        """Like `bot(method)` for a caller that ignores the answer: failures raise the same
        exceptions, a success is only checked for `"ok": true`."""
        body = self.json_body(bot, method)
        if body is None:
            await bot(method, request_timeout=timeout)
            return
        status, raw = await self._post(bot, method, body, timeout)
        if 200 <= status < 300:
            try:
                if orjson.loads(raw).get("ok") is True:
                    return
            except (orjson.JSONDecodeError, AttributeError):
                pass
        self.parse_answer(bot, method, status, raw)

    async def _post(
        self, bot: Bot, method: TelegramMethod[Any], body: bytes, timeout: int | None
    ) -> tuple[int, bytes]:
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=body,
                headers=JSON_HEADERS,
                timeout=ClientTimeout(total=self.timeout if timeout is None else timeout),
            ) as resp:
                return resp.status, await resp.read()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e

    def parse_answer(
        self, bot: Bot, method: TelegramMethod[TelegramType], status: int, raw: bytes
    ) -> Response[TelegramType]:
        """Successful answers in one pass; anything else through aiogram's own checks, which
        raise the right TelegramAPIError (429 with retry_after, 403, 400 ...)."""
        if 200 <= status < 300:
            response_type = Response[method.__returning__]  # type: ignore[name-defined]
            try:
                response = response_type.model_validate_json(raw, context={"bot": bot})
            except ValidationError:
                pass
            else:
                if response.ok:
                    return cast(Response[TelegramType], response)
        text = raw.decode("utf-8", errors="replace")
        return self.check_response(bot=bot, method=method, status_code=status, content=text)

    async def sent_message_id(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> int | None:
        """Like `bot(method)` for a caller that needs only the id of the message it sent: a
        success yields `result.message_id` read by orjson, without building the message; a
        failure raises the same exceptions (429, 403, 5xx ...) through `parse_answer`. None when
        the answer carries no message id."""
        body = self.json_body(bot, method)
        if body is None:
            sent = await bot(method, request_timeout=timeout)
            return getattr(sent, "message_id", None)
        status, raw = await self._post(bot, method, body, timeout)
        if 200 <= status < 300:
            try:
                answer = orjson.loads(raw)
                if answer["ok"] is True:
                    message_id = answer["result"]["message_id"]
                    if type(message_id) is int:
                        return message_id
            except (orjson.JSONDecodeError, LookupError, TypeError):
                pass
        sent = self.parse_answer(bot, method, status, raw).result
        return getattr(sent, "message_id", None)


async def call_ignoring_answer(
    bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
) -> None:
    """`bot(method)` for a caller that ignores the answer, on any session (only a
    `JsonBodySession` skips building it); failures raise aiogram's exceptions."""
    if isinstance(bot.session, JsonBodySession):
        await bot.session.call_without_result(bot, method, timeout)
    else:
        await bot(method, request_timeout=timeout)


async def call_for_message_id(
    bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
) -> int | None:
    """`bot(method)` for a caller that needs only the sent message's id, on any session."""
    if isinstance(bot.session, JsonBodySession):
        return await bot.session.sent_message_id(bot, method, timeout)
    sent = await bot(method, request_timeout=timeout)
    return getattr(sent, "message_id", None)


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

    params = method.model_dump(exclude_none=True, warnings=False)
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


def _message_id(raw: bytes) -> int | None:
    """`result.message_id` of a successful answer (orjson, no objects built), else None."""
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
    if call.has_file or not isinstance(session, JsonBodySession):
        sent = await bot(rebuild(call), request_timeout=timeout)
        message_id = getattr(sent, "message_id", None)
        return message_id if isinstance(message_id, int) else None
    stub = METHODS[call.method].model_construct()
    status, raw = await session._post(bot, stub, call.body.encode(), timeout)
    if 200 <= status < 300:
        with contextlib.suppress(ValueError):
            return _message_id(raw)
    session.parse_answer(bot, stub, status, raw)  # raises the matching TelegramAPIError
    return None
