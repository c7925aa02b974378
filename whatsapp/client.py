"""A thin Graph API client on aiohttp: send one message, upload one file, classify refusals.

Why not pywa: its async client is built around its own webhook server and handler
registration (messages are answered from inside a handler, while the request is open). Komek's
flow is one-way: a turn commits its replies to an outbox, and a sender delivers them after the
commit, in order, exactly as it does for Telegram. That needs two POSTs (`/messages`, `/media`)
and the error codes, which this module is; pywa would add a dependency and a second message
model for them.

Nothing here logs: callers log the error code and a chat reference, never a number or a text.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import aiohttp
import orjson

from whatsapp.settings import WhatsAppSettings

Verdict = Literal["blocked", "rate_limited", "pair_limited", "transient", "rejected"]

UNREACHABLE: Final = frozenset({131047, 131026})
"""Re-engagement required (the 24-hour window is closed), undeliverable: like a Telegram 403."""
THROUGHPUT_LIMITS: Final = frozenset({130429, 4, 80007})
"""Too many messages overall (Cloud API throughput, app or account rate limit): everyone waits."""
PAIR_LIMIT: Final = 131056
"""Too many messages to this one user in a short time: only their messages wait."""
TRANSIENT_CODES: Final = frozenset({1, 2, 131000, 131016, 133004})
"""Unknown error, service temporarily unavailable, server busy: try again later."""


class GraphError(Exception):
    """A refused or failed call: the HTTP status and the Graph error code (0: none)."""

    def __init__(self, status: int, code: int) -> None:
        super().__init__(status, code)
        self.status = status
        self.code = code

    def __str__(self) -> str:
        return f"HTTP {self.status}, code {self.code}"

    @property
    def verdict(self) -> Verdict:
        return classify(self.status, self.code)


def classify(status: int, code: int) -> Verdict:
    """What to do about a refusal (see the sets above); network failures are `transient`."""
    if code in UNREACHABLE:
        return "blocked"
    if code in THROUGHPUT_LIMITS or (status == 429 and code != PAIR_LIMIT):
        return "rate_limited"
    if code == PAIR_LIMIT:
        return "pair_limited"
    if code in TRANSIENT_CODES or status >= 500 or status == 0:
        return "transient"
    return "rejected"


class GraphClient:
    """Sends to `{base}/{version}/{phone_number_id}/messages` and uploads to `…/media`."""

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            token = self.settings.token.get_secret_value()
            self._session = aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"})
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, to: str, message: dict[str, Any], *, timeout: float = 30.0) -> str:
        """Send one message (the renderer's JSON); WhatsApp's message id (`wamid.…`)."""
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        payload.update(message)
        answer = await self._call(
            self.settings.messages_url,
            timeout,
            data=orjson.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise GraphError(200, 0) from None

    async def upload(
        self, content: bytes, filename: str, mime_type: str, *, timeout: float = 30.0
    ) -> str:
        """Upload a file for a document message; its media id."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", content, filename=filename, content_type=mime_type)
        answer = await self._call(self.settings.media_url, timeout, data=form)
        media_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(media_id, str):
            raise GraphError(200, 0)
        return media_id

    async def _call(self, url: str, timeout: float, **request: Any) -> Any:
        try:
            async with self._http().post(
                url, timeout=aiohttp.ClientTimeout(total=timeout), **request
            ) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            raise GraphError(0, 0) from None
        try:
            answer = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise GraphError(status if status >= 400 else 502, 0) from None
        if status >= 400 or not isinstance(answer, dict):
            error = answer.get("error") if isinstance(answer, dict) else None
            code = error.get("code") if isinstance(error, dict) else None
            raise GraphError(status, code if isinstance(code, int) else 0)
        return answer
