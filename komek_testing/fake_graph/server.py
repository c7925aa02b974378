"""A fake WhatsApp Cloud API (Graph API) on loopback, and the users who write to the app.

The server answers `POST /{version}/{phone_number_id}/messages` and `…/media` like
graph.facebook.com: a bearer token is required, every message is checked against WhatsApp's
limits (limits.py) and refused with the Cloud API's error (HTTP 400, `error.code`) if it breaks
one, accepted ones are recorded (`sent`) with a `wamid` of their own. A free-form message to a
user who has not written for 24 hours is accepted and then fails (a `failed` status callback
with 131047 is posted to the webhook), as the real API does; `fail_next` makes the next sends
to a number fail with a given code (rate limits, undeliverable…).

The other side: `user(wa_id)` plays a WhatsApp user. What they do is posted to the app's
webhook (`webhook_url`) as Meta posts it, signed with the app secret (`X-Hub-Signature-256`);
every delivery is kept (`deliveries`) and can be posted again as it was (`replay`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from komek_testing.fake_graph.limits import (
    MEDIA_TYPES,
    MEDIA_UNSUPPORTED,
    RE_ENGAGEMENT,
    Refusal,
    check_message,
)
from komek_testing.fake_graph.user import FakeWhatsAppUser

WINDOW = timedelta(hours=24)


def sign(body: bytes, secret: str) -> str:
    """`X-Hub-Signature-256` as Meta computes it (the fake imports nothing of the app)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SentMessage:
    """A message the app sent, as accepted."""

    to: str
    payload: dict[str, Any]
    message_id: str
    at: datetime

    @property
    def kind(self) -> str:
        kind = str(self.payload.get("type", "text"))
        if kind == "interactive":
            return f"interactive/{self.payload['interactive']['type']}"
        return kind

    @property
    def text(self) -> str:
        """The text a person reads: a text's body, an interactive's body, a caption."""
        if self.kind == "text":
            return str(self.payload["text"]["body"])
        if self.kind.startswith("interactive/"):
            return str(self.payload["interactive"]["body"]["text"])
        if self.kind == "document":
            return str(self.payload["document"].get("caption", ""))
        if self.kind == "location":
            where = self.payload["location"]
            return f"{where.get('name', '')}\n{where.get('address', '')}"
        return ""

    @property
    def choices(self) -> list[tuple[str, str, str]]:
        """(id, title, description) of its buttons or list rows, in order."""
        if self.kind == "interactive/button":
            return [
                (b["reply"]["id"], b["reply"]["title"], "")
                for b in self.payload["interactive"]["action"]["buttons"]
            ]
        if self.kind == "interactive/list":
            return [
                (row["id"], row["title"], row.get("description", ""))
                for section in self.payload["interactive"]["action"]["sections"]
                for row in section["rows"]
            ]
        return []


@dataclass
class Upload:
    content: bytes
    mime_type: str
    filename: str


@dataclass
class Delivery:
    """A webhook delivery as posted: the raw body and its signature header."""

    body: bytes
    signature: str
    status: int = 0


@dataclass
class Failure:
    status: int
    code: int
    times: int


class FakeGraph:
    """The fake Cloud API server (see the module docstring)."""

    def __init__(
        self,
        *,
        token: str = "TEST-TOKEN",
        phone_number_id: str = "1000200030004",
        app_secret: str = "test-app-secret",
        version: str = "v21.0",
        templates: dict[tuple[str, str], int] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.version = version
        self.templates = templates if templates is not None else {}
        """Approved templates: (name, language code) → number of body parameters."""
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sent: list[SentMessage] = []
        self.refused: list[tuple[dict[str, Any], Refusal]] = []
        self.uploads: dict[str, Upload] = {}
        self.deliveries: list[Delivery] = []
        self.last_inbound: dict[str, datetime] = {}
        self.failures: dict[str, Failure] = {}
        self.webhook_url: str | None = None
        self.base_url = ""
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Condition()

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        prefix = f"/{self.version}/{self.phone_number_id}"
        app.router.add_post(f"{prefix}/messages", self._messages)
        app.router.add_post(f"{prefix}/media", self._media)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        bound = server.sockets[0].getsockname()  # type: ignore[attr-defined]
        self.base_url = f"http://{host}:{bound[1]}"
        self._http = aiohttp.ClientSession()
        return self.base_url

    async def stop(self) -> None:
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeGraph:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    # --- the API ------------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    def _error(self, refusal: Refusal) -> web.Response:
        error = {"message": refusal.detail, "type": "OAuthException", "code": refusal.code}
        return web.json_response({"error": error}, status=refusal.status)

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(Refusal(401, 190, "invalid OAuth access token"))
        try:
            payload = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            return self._error(Refusal(400, 100, "the body is not JSON"))
        refusal = check_message(payload, self.templates, set(self.uploads))
        if refusal is None:
            refusal = self._injected(str(payload.get("to", "")))
        if refusal is not None:
            self.refused.append((payload, refusal))
            return self._error(refusal)
        to = str(payload["to"])
        message = SentMessage(to, payload, f"wamid.OUT{next(self._ids)}", self.clock())
        async with self._changed:
            self.sent.append(message)
            self._changed.notify_all()
        if payload.get("type") != "template" and not self._within_window(to):
            self._later(self.post_status(message.message_id, "failed", to, RE_ENGAGEMENT))
        answer = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": message.message_id}],
        }
        return web.json_response(answer)

    def _injected(self, to: str) -> Refusal | None:
        failure = self.failures.get(to)
        if failure is None:
            return None
        failure.times -= 1
        if failure.times <= 0:
            del self.failures[to]
        return Refusal(failure.status, failure.code, "injected failure")

    def _within_window(self, to: str) -> bool:
        last = self.last_inbound.get(to)
        return last is not None and self.clock() - last < WINDOW

    async def _media(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(Refusal(401, 190, "invalid OAuth access token"))
        form = await request.post()
        upload = form.get("file")
        if form.get("messaging_product") != "whatsapp" or not isinstance(upload, web.FileField):
            return self._error(Refusal(400, 100, "messaging_product and file are required"))
        mime_type = str(form.get("type") or upload.content_type)
        if mime_type not in MEDIA_TYPES:
            return self._error(Refusal(400, MEDIA_UNSUPPORTED, "unsupported media type"))
        media_id = f"media-{next(self._ids)}"
        self.uploads[media_id] = Upload(upload.file.read(), mime_type, upload.filename)
        return web.json_response({"id": media_id})

    def fail_next(self, to: str, code: int, *, status: int = 400, times: int = 1) -> None:
        """The next `times` sends to `to` are refused with this Graph error code."""
        self.failures[to] = Failure(status, code, times)

    # --- the webhook side ---------------------------------------------------------------

    def user(self, wa_id: str) -> FakeWhatsAppUser:
        return FakeWhatsAppUser(self, wa_id)

    def envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        metadata = {"display_phone_number": "77000000000", "phone_number_id": self.phone_number_id}
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WABA-TEST",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": metadata,
                                **value,
                            },
                        }
                    ],
                }
            ],
        }

    def next_inbound_id(self) -> str:
        return f"wamid.IN{next(self._ids)}"

    async def post(self, payload: dict[str, Any], *, secret: str | None = None) -> int:
        """Post a delivery to the webhook, signed (with `secret` to sign it wrongly)."""
        body = orjson.dumps(payload)
        delivery = Delivery(body, sign(body, secret if secret is not None else self.app_secret))
        self.deliveries.append(delivery)
        delivery.status = await self._post(delivery)
        return delivery.status

    async def replay(self, delivery: Delivery) -> int:
        """Post a delivery again, byte for byte (as Meta retries one)."""
        return await self._post(delivery)

    async def _post(self, delivery: Delivery) -> int:
        assert self.webhook_url is not None and self._http is not None, "no webhook_url"
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": delivery.signature}
        async with self._http.post(self.webhook_url, data=delivery.body, headers=headers) as answer:
            await answer.read()
            return answer.status

    async def post_status(
        self, message_id: str, status: str, to: str, error_code: int | None = None
    ) -> int:
        entry: dict[str, Any] = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(self.clock().timestamp())),
            "recipient_id": to,
        }
        if error_code is not None:
            entry["errors"] = [{"code": error_code, "title": "failed"}]
        return await self.post(self.envelope({"statuses": [entry]}))

    def _later(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def wait_sent(self, to: str, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """Wait until at least `count` messages went to `to`; all of them."""

        def enough() -> bool:
            return len(self.to(to)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(enough), timeout)
        return self.to(to)

    def to(self, wa_id: str) -> list[SentMessage]:
        return [message for message in self.sent if message.to == wa_id]
