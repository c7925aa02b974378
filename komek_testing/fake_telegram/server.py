"""A fake Telegram Bot API server speaking the real HTTP protocol, for e2e tests and benchmarks.

The real aiogram bot talks to it through ``TelegramAPIServer.from_base(fake.base_url)``: every
call is a real HTTP request to ``/bot{token}/{method}``, decoded the way Telegram decodes
multipart/urlencoded/JSON bodies, answered with Bot API objects aiogram validates. Tests play
users (``fake.user(...)``) who push updates and read the chat transcript.

State is per chat (message ids, transcript, waiters), so 200 concurrent users or 10,000
reminders cost O(1) per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from .chats import ChatState
from .faults import Answer, FailRule, ResetWhen, TcpClose, drop_connection, make_rule
from .methods import MessageMethods
from .models import JSON, ApiError, RecordedRequest, SentMessage, UploadedFile, bad_request
from .protocol import (
    BLOCKED,
    JSON_FIELDS,
    SECRET_HEADER,
    SECRET_RE,
    MethodSpec,
    decode_field,
    update_allowed,
    update_chat_id,
)

if TYPE_CHECKING:
    from types import TracebackType

    from aiogram import Bot

    from .user import FakeUser

__all__ = ["BLOCKED", "SECRET_HEADER", "ChatState", "FakeTelegram", "update_chat_id"]

_BEHIND = "queued behind older updates of the chat"


@dataclass(eq=False)
class _Queued:
    update: JSON
    chat_id: int | None
    delivered: bool = False


class FakeTelegram(MessageMethods):
    """In-process fake of api.telegram.org for one bot token."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_id: int = 123456,
        bot_username: str = "komek_test_bot",
        bot_first_name: str = "Komek",
        auto_create_chats: bool = False,
    ) -> None:
        super().__init__(
            bot_id=bot_id,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            auto_create_chats=auto_create_chats,
        )
        self.token = token
        self.base_url = ""
        self.requests: list[RecordedRequest] = []
        self.counters: Counter[str] = Counter()
        self._queue: deque[_Queued] = deque()
        self._history: dict[int, JSON] = {}
        self._last_update_id = 100_000_000
        self._updates_changed = asyncio.Event()
        self._poll_generation = 0
        self._allowed_updates: frozenset[str] | None = None
        self._closed = False
        self._webhook: JSON | None = None
        self._webhook_slots = asyncio.Semaphore(40)
        self._flush_lock = asyncio.Lock()
        self._no_chat_lock = asyncio.Lock()
        self._failures: list[FailRule] = []
        self._latencies: dict[tuple[int | None, str | None], float] = {}
        self._flood_until: dict[int, float] = {}
        self._deliveries: Counter[int] = Counter()
        self._redeliver_task: asyncio.Task[None] | None = None
        self.webhook_timeout = 60.0
        self._global_per_second: int | None = None
        self._per_chat_per_second: int | None = None
        self._group_per_minute: int | None = None
        self._global_send_times: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._methods = self._method_table()

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0 = any free port); returns the base URL for the bot."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a long poll whose client went away (bot restarted) must not
        # swallow updates meant for the next poll.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        self._closed = False
        return self.base_url

    async def stop(self) -> None:
        self._closed = True
        self._wake_pollers()
        task, self._redeliver_task = self._redeliver_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ test controls

    def user(
        self,
        chat_id: int,
        *,
        language_code: str | None = "ru",
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
    ) -> FakeUser:
        """A private-chat user (user id == chat id); the chat is registered with the bot."""
        from .user import FakeUser

        info: JSON = {"id": chat_id, "type": "private", "first_name": first_name}
        if last_name:
            info["last_name"] = last_name
        if username:
            info["username"] = username
        self._register_chat(chat_id, info)
        return FakeUser(
            self,
            chat_id=chat_id,
            user_id=chat_id,
            language_code=language_code,
            first_name=first_name,
            last_name=last_name,
            username=username,
        )

    def group(
        self,
        chat_id: int,
        *,
        title: str = "Test group",
        user_id: int = 1001,
        language_code: str | None = "ru",
        first_name: str = "Member",
    ) -> FakeUser:
        """A member (``user_id``) writing in group chat ``chat_id`` (negative, like Telegram)."""
        from .user import FakeUser

        self._register_chat(chat_id, {"id": chat_id, "type": "group", "title": title})
        return FakeUser(
            self,
            chat_id=chat_id,
            user_id=user_id,
            language_code=language_code,
            first_name=first_name,
        )

    async def push_update(self, update: JSON) -> int:
        """Queue a raw update for getUpdates (or POST it to the webhook, if one is set).

        The dict goes out exactly as given (any shape, even one aiogram cannot decode). A
        missing ``update_id`` is assigned *into the given dict*, so pushing the same dict
        again delivers a true duplicate (same update_id), as Telegram does after a lost ack.
        With a webhook, a failed delivery stays pending (retried by later pushes,
        ``flush_webhook()`` or ``auto_redeliver()``); updates of a chat with pending ones wait
        behind them.
        """
        update_id = self._assign_update_id(update)
        self._history[update_id] = update
        chat_id = update_chat_id(update)
        chat = self._chat_from_update(update, chat_id)
        item = _Queued(update, chat_id)
        if chat is not None:
            chat.pending_updates += 1
        if self._webhook is not None:
            # Delivered right away, in parallel across chats, in order within a chat.
            error = await self._post_to_webhook(item, unless_queued=True)
            if error is None:
                self._mark_delivered(item)
            else:
                self._enqueue(item)
            # Behind older updates of its chat, or the webhook works again: retry what is pending.
            if error is _BEHIND or (error is None and self._queue):
                await self.flush_webhook()
            return update_id
        self._enqueue(item)
        self._wake_pollers()
        return update_id

    def _assign_update_id(self, update: JSON) -> int:
        """The update's id; a missing one is put first into the dict, where Telegram has it."""
        if "update_id" in update:
            update_id = int(update["update_id"])
            self._last_update_id = max(self._last_update_id, update_id)
            return update_id
        self._last_update_id += 1
        fields = list(update.items())
        update.clear()
        update["update_id"] = self._last_update_id
        update.update(fields)
        return self._last_update_id

    def _enqueue(self, item: _Queued) -> None:
        update_id = int(item.update["update_id"])
        if self._queue and int(self._queue[-1].update["update_id"]) > update_id:
            index = len(self._queue)
            while index > 0 and int(self._queue[index - 1].update["update_id"]) > update_id:
                index -= 1
            self._queue.insert(index, item)
        else:
            self._queue.append(item)

    async def redeliver(self, update_id: int) -> int:
        """Deliver an already pushed update again (duplicate delivery)."""
        return await self.push_update(self._history[update_id])

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
        html: bool = False,
        body: bytes | str | None = None,
        content_type: str | None = None,
        truncate: bool | int = False,
        reset: ResetWhen | None = None,
        tcp: TcpClose = "rst",
        processed: bool = False,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any) fail; ``chat_id`` narrows.

        - default: a Bot API JSON error (``status`` required; 429 gets ``retry_after``).
        - ``html=True``: nginx's HTML error page (``Content-Type: text/html``, status 502 unless
          given); ``body=`` any other body (``content_type`` defaults to text/plain for str,
          application/octet-stream for bytes).
        - ``truncate=True`` (or a number of characters to keep): the call is executed and its
          real JSON answer goes back cut in the middle (status 200 unless given).
        - ``reset="before"``: the TCP connection is dropped without executing the call;
          ``reset="after"``: the call is executed (message sent, ids advance), then dropped.
          ``tcp="rst"`` resets (client: ClientOSError errno 104), ``"fin"`` closes
          (ServerDisconnectedError).
        - ``processed=True`` (JSON errors and bodies): execute the call, then answer the failure
          (a gateway timeout after Telegram did the work).

        Rules are matched when a call arrives; the ones acting after execution match when the
        answer is ready, so an in-flight long poll is hit too, and for getUpdates they only
        consume an answer that carries updates (its updates stay unconfirmed and come again).
        Transport faults (html/body/truncate/reset) only apply to HTTP requests, not ``call()``.
        """
        self._failures.append(
            make_rule(
                method,
                status=status,
                description=description,
                retry_after=retry_after,
                chat_id=chat_id,
                times=times,
                html=html,
                body=body,
                content_type=content_type,
                truncate=truncate,
                reset=reset,
                tcp=tcp,
                processed=processed,
            )
        )

    def block(self, chat_id: int, description: str = BLOCKED) -> None:
        """The user blocked the bot: every call aimed at this chat answers 403."""
        self._require_chat(chat_id).blocked = description

    def unblock(self, chat_id: int) -> None:
        self._require_chat(chat_id).blocked = None

    def set_latency(
        self, seconds: float, *, chat_id: int | None = None, method: str | None = None
    ) -> None:
        """Delay API answers by ``seconds`` (a slow network); 0 removes the setting.

        Without arguments every call is slowed; ``chat_id`` and/or ``method`` slow only the
        calls aimed at that chat / of that method (other calls stay fast and run concurrently).
        The most specific setting wins: chat+method, then chat, then method, then global.
        """
        key = (chat_id, method.lower() if method else None)
        if seconds > 0:
            self._latencies[key] = seconds
        else:
            self._latencies.pop(key, None)

    def flood_wait(self, chat_id: int, seconds: float) -> None:
        """Telegram's per-chat flood control: for ``seconds`` from now every message-creating
        or editing call to the chat answers 429 "Too Many Requests: retry after N" with N the
        remaining seconds (rounded up); afterwards calls go through. 0 lifts it."""
        if seconds > 0:
            self._flood_until[chat_id] = time.monotonic() + seconds
        else:
            self._flood_until.pop(chat_id, None)

    def auto_redeliver(self, interval: float | None = 0.5) -> None:
        """Retry pending webhook deliveries every ``interval`` seconds, like Telegram does.

        Updates whose POST failed (connection error, timeout, non-2xx) are re-posted in order
        within each chat until the webhook acknowledges them. ``None`` turns it off. Call from
        a running event loop; ``stop()`` ends it.
        """
        if self._redeliver_task is not None:
            self._redeliver_task.cancel()
            self._redeliver_task = None
        if interval is not None:
            if interval <= 0:
                raise ValueError("auto_redeliver: interval must be > 0")
            self._redeliver_task = asyncio.get_running_loop().create_task(
                self._redeliver_loop(interval)
            )

    async def _redeliver_loop(self, interval: float) -> None:
        while not self._closed:
            await asyncio.sleep(interval)
            if self._webhook is not None and self._queue:
                await self.flush_webhook()

    def deliveries(self, update_id: int) -> int:
        """How often the update went out: webhook POSTs (failed ones included) plus getUpdates
        answers that carried it (even answers then lost to an injected fault)."""
        return self._deliveries[update_id]

    @property
    def pending_update_ids(self) -> list[int]:
        """Updates not yet acknowledged (getUpdates offset or a 2xx webhook answer), in order."""
        return [int(item.update["update_id"]) for item in self._queue]

    def set_flood_limits(
        self,
        *,
        global_per_second: int | None = 30,
        per_chat_per_second: int | None = None,
        group_per_minute: int | None = 20,
    ) -> None:
        """Enforce Telegram-like flood control on message-creating calls (429 + retry_after).

        Disabled until called; ``None`` switches a limit off.
        """
        self._global_per_second = global_per_second
        self._per_chat_per_second = per_chat_per_second
        self._group_per_minute = group_per_minute

    def sent_messages(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to the chat, current version (deleted ones flagged)."""
        chat = self._chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    def chat_events(self, chat_id: int) -> list[SentMessage]:
        """Sends and edits in order, each edit a separate snapshot."""
        chat = self._chats.get(chat_id)
        return list(chat.events) if chat else []

    def make_bot(self, **bot_kwargs: Any) -> Bot:
        """A real aiogram Bot for this fake (HTTP to ``base_url``); call after ``start()``."""
        from .client import make_bot

        return make_bot(self.base_url, self.token, **bot_kwargs)

    def max_rate(self, method: str = "sendMessage", window: float = 1.0) -> int:
        """Most executed ``method`` calls seen within any ``window`` seconds (flood check)."""
        times = [r.time for r in self.requests if r.method == method and r.executed]
        best = start = 0
        for end, moment in enumerate(times):
            while moment - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def requests_for(self, method: str, chat_id: int | None = None) -> list[RecordedRequest]:
        return [
            r
            for r in self.requests
            if r.method.lower() == method.lower() and (chat_id is None or r.chat_id == chat_id)
        ]

    def my_commands(self, *, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        return list(self._commands.get((self._scope_key(scope), language_code), []))

    def unanswered_callbacks(self) -> list[str]:
        """Callback query ids the bot never answered (the user's button keeps spinning)."""
        return [query_id for query_id, cb in self._callbacks.items() if not cb.answered]

    def callback_answer(self, query_id: str) -> JSON | None:
        for chat in self._chats.values():
            for answer in chat.callback_answers:
                if answer["callback_query_id"] == query_id:
                    return answer
        return None

    @property
    def webhook(self) -> JSON | None:
        return dict(self._webhook) if self._webhook else None

    @property
    def pending_update_count(self) -> int:
        return len(self._queue)

    async def post_webhook_update(
        self, url: str, update: JSON, *, secret: str | None = None
    ) -> int:
        """POST an update to a webhook like Telegram does; returns the HTTP status.

        A method call in the webhook's answer (aiogram's "reply into webhook") is executed.
        """
        update_id = self._assign_update_id(update)
        self._history[update_id] = update
        self._chat_from_update(update, update_chat_id(update))
        self._deliveries[update_id] += 1
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        async with self._client_session().post(
            url,
            data=json.dumps(update, ensure_ascii=False),
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
        ) as response:
            if 200 <= response.status < 300:
                await self._execute_webhook_answer(response)
            return response.status

    async def flush_webhook(self) -> None:
        """Deliver pending updates to the webhook: chats in parallel, in order within a chat,
        a chat stopping at its first failure (retried by the next flush)."""
        async with self._flush_lock:
            if self._webhook is None:
                return
            lanes: dict[int | None, list[_Queued]] = {}
            for item in self._queue:
                lanes.setdefault(item.chat_id, []).append(item)
            await asyncio.gather(*(self._flush_lane(items) for items in lanes.values()))

    async def _flush_lane(self, items: list[_Queued]) -> None:
        for item in items:
            if self._webhook is None or await self._post_to_webhook(item) is not None:
                return
            with contextlib.suppress(ValueError):
                self._queue.remove(item)
            self._mark_delivered(item)

    def _queued_for(self, chat_id: int | None) -> bool:
        return any(item.chat_id == chat_id for item in self._queue)

    async def _post_to_webhook(self, item: _Queued, *, unless_queued: bool = False) -> str | None:
        """POST one update to the current webhook; returns the error Telegram would record.

        ``unless_queued``: a fresh update does not overtake pending ones of its chat
        (returns ``_BEHIND`` without posting).
        """
        webhook = self._webhook
        if webhook is None:
            return "webhook removed"
        chat = self._chats.get(item.chat_id) if item.chat_id is not None else None
        lock = chat.webhook_lock if chat is not None else self._no_chat_lock
        async with self._webhook_slots, lock:
            if unless_queued and self._queued_for(item.chat_id):
                return _BEHIND
            try:
                status = await self.post_webhook_update(
                    webhook["url"], item.update, secret=webhook.get("secret_token")
                )
            except aiohttp.ClientError as exc:
                error: str | None = f"Connection error: {type(exc).__name__}"
            except TimeoutError:
                error = "Read timeout expired"
            else:
                error = (
                    None if 200 <= status < 300 else f"Wrong response from the webhook: {status}"
                )
        if error is not None:
            webhook["last_error_date"] = int(time.time())
            webhook["last_error_message"] = error
        return error

    # ------------------------------------------------------------------ internals: chats

    def _mark_delivered(self, item: _Queued) -> None:
        if item.delivered:
            return
        item.delivered = True
        if item.chat_id is not None:
            chat = self._chats.get(item.chat_id)
            if chat is not None:
                chat.pending_updates = max(0, chat.pending_updates - 1)
                chat.last_delivery = time.monotonic()

    def _wake_pollers(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _client_session(self) -> aiohttp.ClientSession:
        if self._client is None or self._client.closed:
            self._client = aiohttp.ClientSession()
        return self._client

    # ------------------------------------------------------------------ internals: HTTP

    async def _read_params(self, request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
        params: JSON = {key: decode_field(key, value) for key, value in request.query.items()}
        parts: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            body = await request.json() if request.body_exists else {}
            if not isinstance(body, dict):
                raise bad_request("request body must be a JSON object")
            for key, value in body.items():
                if isinstance(value, str) and key in JSON_FIELDS:
                    value = decode_field(key, value)
                params[key] = value
        elif request.body_exists:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    parts[key] = UploadedFile(
                        value.filename, value.file.read(), value.content_type or None
                    )
                else:
                    params[key] = decode_field(key, str(value))
        return params, self._resolve_files(params, parts)

    @staticmethod
    def _resolve_files(params: JSON, parts: dict[str, UploadedFile]) -> dict[str, UploadedFile]:
        files: dict[str, UploadedFile] = {}
        attached: set[str] = set()
        for key, value in params.items():
            if isinstance(value, str) and value.startswith("attach://"):
                name = value.removeprefix("attach://")
                if name in parts:
                    files[key] = parts[name]
                    attached.add(name)
        for name, part in parts.items():
            if name not in attached:
                files.setdefault(name, part)
        return files

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        try:
            params, files = await self._read_params(request)
        except ApiError as exc:
            return self._json(exc.status, exc.body())
        content_type = request.content_type if request.body_exists else ""
        answer = await self._process(
            request.match_info["method"], params, files, content_type=content_type, over_http=True
        )
        if answer.drop is not None:
            drop_connection(request, answer.drop)
            return web.Response()  # never written: the transport is gone
        if answer.raw is not None:
            return web.Response(
                status=answer.status, body=answer.raw, headers={"Content-Type": answer.content_type}
            )
        return self._json(answer.status, answer.body or {})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        file_id = self._file_paths.get(request.match_info["path"])
        if file_id is None:
            return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        _, file = self._files[file_id]
        return web.Response(
            body=file.content, content_type=file.mime_type or "application/octet-stream"
        )

    @staticmethod
    def _json(status: int, body: JSON) -> web.Response:
        return web.Response(
            status=status,
            text=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
        )

    async def call(
        self,
        method: str,
        params: JSON,
        files: dict[str, UploadedFile] | None = None,
        *,
        content_type: str = "",
    ) -> tuple[int, JSON]:
        """Run one Bot API method as if it came over HTTP; returns (status, body).

        ``fail_next`` JSON errors apply; transport faults (html/body/truncate/reset) need a
        real HTTP request and are left for the next one.
        """
        answer = await self._process(
            method, params, files or {}, content_type=content_type, over_http=False
        )
        return answer.status, answer.body or {}

    async def _process(
        self,
        method: str,
        params: JSON,
        files: dict[str, UploadedFile],
        *,
        content_type: str,
        over_http: bool,
    ) -> Answer:
        spec = self._methods.get(method.lower())
        raw_chat = params.get("chat_id")
        chat_id = raw_chat if isinstance(raw_chat, int) and not isinstance(raw_chat, bool) else None
        record = RecordedRequest(
            method=spec.name if spec else method,
            params=params,
            files=files,
            time=time.monotonic(),
            chat_id=chat_id,
            content_type=content_type,
        )
        self.requests.append(record)
        self.counters[record.method] += 1
        if chat_id is not None and (chat := self._chats.get(chat_id)) is not None:
            chat.last_activity = record.time
        delay = self._latency_for(record.method, chat_id)
        if delay:
            await asyncio.sleep(delay)
        answer = await self._answer(spec, record, over_http)
        record.status = answer.status
        record.answered_at = time.monotonic()
        if chat_id is not None and (chat := self._chats.get(chat_id)) is not None:
            chat.last_activity = time.monotonic()
            if answer.status != 200 or record.fault:
                chat.notify()
        return answer

    async def _answer(
        self, spec: MethodSpec | None, record: RecordedRequest, over_http: bool
    ) -> Answer:
        if spec is None:
            error = ApiError(404, "Not Found: method not found")
            record.response = error.body()
            return Answer(error.status, record.response)
        rule = self._take_rule(record, over_http, processed=False)
        if rule is not None:
            record.fault = rule.fault
            answer = rule.answer(None)
            record.response = answer.body
            return answer
        status, body = await self._execute(spec, record)
        record.response = body
        rule = self._take_rule(record, over_http, processed=True, result=body)
        if rule is None:
            return Answer(status, body)
        record.fault = rule.fault
        if spec.name == "getUpdates":
            self._undeliver(body["result"])  # the bot never saw them: they come again
        return rule.answer(body)

    async def _execute(self, spec: MethodSpec, record: RecordedRequest) -> tuple[int, JSON]:
        chat_id = record.chat_id
        try:
            if chat_id is not None and (chat := self._chats.get(chat_id)) is not None:
                if chat.blocked:
                    raise ApiError(403, chat.blocked)
                if spec.creates_message or spec.edits_message:
                    self._apply_flood_wait(chat_id)
                if spec.creates_message:
                    self._apply_flood_limits(chat)
            result = await spec.handler(record)
        except ApiError as exc:
            return exc.status, exc.body()
        return 200, {"ok": True, "result": result}

    def _latency_for(self, method: str, chat_id: int | None) -> float:
        if not self._latencies:
            return 0.0
        name = method.lower()
        for key in ((chat_id, name), (chat_id, None), (None, name), (None, None)):
            if key in self._latencies:
                return self._latencies[key]
        return 0.0

    def _take_rule(
        self,
        record: RecordedRequest,
        over_http: bool,
        *,
        processed: bool,
        result: JSON | None = None,
    ) -> FailRule | None:
        method = record.method.lower()
        for rule in self._failures:
            if rule.processed != processed or (rule.needs_http and not over_http):
                continue
            if rule.method not in (method, "*"):
                continue
            if rule.chat_id is not None and rule.chat_id != record.chat_id:
                continue
            if processed and method == "getupdates" and not (result or {}).get("result"):
                continue  # an empty or failed poll carries nothing to lose
            rule.remaining -= 1
            if rule.remaining <= 0:
                self._failures.remove(rule)
            return rule
        return None

    def _apply_flood_wait(self, chat_id: int) -> None:
        until = self._flood_until.get(chat_id)
        if until is None:
            return
        remaining = until - time.monotonic()
        if remaining <= 0:
            del self._flood_until[chat_id]
            return
        retry_after = max(1, math.ceil(remaining))
        raise ApiError(
            429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
        )

    def _apply_flood_limits(self, chat: ChatState) -> None:
        now = time.monotonic()
        checks: list[tuple[deque[float], int | None, float]] = [
            (self._global_send_times, self._global_per_second, 1.0)
        ]
        if chat.info.get("type") == "private":
            checks.append((chat.send_times, self._per_chat_per_second, 1.0))
        else:
            checks.append((chat.send_times, self._group_per_minute, 60.0))
        for times, limit, window in checks:
            while times and times[0] <= now - window:
                times.popleft()
            if limit is not None and len(times) >= limit:
                retry_after = max(1, math.ceil(times[0] + window - now))
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )
        for times, _, _ in checks:
            times.append(now)

    async def _execute_webhook_answer(self, response: aiohttp.ClientResponse) -> None:
        params: JSON = {}
        parts: dict[str, UploadedFile] = {}
        if response.content_type == "multipart/form-data":
            reader = aiohttp.MultipartReader(response.headers, response.content)
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                    continue
                data = bytes(await part.read())
                if part.filename:
                    parts[part.name] = UploadedFile(part.filename, data)
                else:
                    params[part.name] = decode_field(part.name, data.decode("utf-8"))
        elif response.content_type == "application/json":
            body = await response.json()
            if isinstance(body, dict):
                params = {
                    key: decode_field(key, value)
                    if isinstance(value, str) and key in JSON_FIELDS
                    else value
                    for key, value in body.items()
                }
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            await self.call(method, params, self._resolve_files(params, parts))

    # ------------------------------------------------------------------ methods

    def _method_table(self) -> dict[str, MethodSpec]:
        table = [
            MethodSpec("getUpdates", self._get_updates),
            MethodSpec("setWebhook", self._set_webhook),
            MethodSpec("deleteWebhook", self._delete_webhook),
            MethodSpec("getWebhookInfo", self._get_webhook_info),
            *self._message_methods(),
        ]
        return {m.name.lower(): m for m in table}

    # --- updates

    async def _get_updates(self, request: RecordedRequest) -> list[JSON]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        params = request.params
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else None
        offset = params.get("offset")
        if isinstance(offset, int) and offset:
            self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll now answers 409, like Telegram
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            batch = self._collect(limit)
            if batch or self._closed:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            changed = self._updates_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        for item in batch:
            self._mark_delivered(item)
            self._deliveries[int(item.update["update_id"])] += 1
        return [item.update for item in batch]

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            while len(self._queue) > -offset:
                self._mark_delivered(self._queue.popleft())
            return
        while (
            self._queue
            and self._queue[0].delivered
            and int(self._queue[0].update["update_id"]) < offset
        ):
            self._queue.popleft()

    def _collect(self, limit: int) -> list[_Queued]:
        allowed = self._allowed_updates
        batch: list[_Queued] = []
        dropped = False
        for item in self._queue:
            if not update_allowed(item.update, allowed):
                dropped = True
                continue
            batch.append(item)
            if len(batch) >= limit:
                break
        if dropped:  # Telegram never delivers update types the bot did not ask for
            for item in [i for i in self._queue if not update_allowed(i.update, allowed)]:
                self._queue.remove(item)
                self._mark_delivered(item)
        return batch

    def _undeliver(self, updates: list[JSON]) -> None:
        """A getUpdates answer was lost on the way: its updates count as pending again."""
        lost = {int(update["update_id"]) for update in updates}
        for item in self._queue:
            if item.delivered and int(item.update["update_id"]) in lost:
                item.delivered = False
                if item.chat_id is not None and (chat := self._chats.get(item.chat_id)):
                    chat.pending_updates += 1

    async def _set_webhook(self, request: RecordedRequest) -> bool:
        params = request.params
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(request)
        if not str(url).startswith(("http://", "https://")):
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        secret = params.get("secret_token")
        if secret is not None and not SECRET_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._drop_pending()
        allowed = params.get("allowed_updates")
        self._webhook_slots = asyncio.Semaphore(int(params.get("max_connections") or 40))
        self._webhook = {
            "url": str(url),
            "secret_token": secret,
            "max_connections": int(params.get("max_connections") or 40),
            "allowed_updates": allowed if isinstance(allowed, list) else None,
        }
        self._wake_pollers()
        return True

    async def _delete_webhook(self, request: RecordedRequest) -> bool:
        if request.params.get("drop_pending_updates"):
            self._drop_pending()
        self._webhook = None
        return True

    def _drop_pending(self) -> None:
        while self._queue:
            self._mark_delivered(self._queue.popleft())

    async def _get_webhook_info(self, request: RecordedRequest) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self._webhook is not None:
            info["url"] = self._webhook["url"]
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook.get("allowed_updates"):
                info["allowed_updates"] = self._webhook["allowed_updates"]
            for key in ("last_error_date", "last_error_message"):
                if key in self._webhook:
                    info[key] = self._webhook[key]
        return info

    # --- sending

    # --- editing

    # --- callbacks, actions, commands
