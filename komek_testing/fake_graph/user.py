"""A WhatsApp user writing to the app through the fake: texts, presses, a location, a contact."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from komek_testing.fake_graph.server import FakeGraph, SentMessage


class FakeWhatsAppUser:
    """One WhatsApp number; every action is a signed webhook delivery (its HTTP status back)."""

    def __init__(self, fake: FakeGraph, wa_id: str) -> None:
        self.fake = fake
        self.wa_id = wa_id
        self.seen = 0
        """How many of the messages sent to them were read (`replies` returns the newer)."""

    @property
    def messages(self) -> list[SentMessage]:
        return self.fake.to(self.wa_id)

    async def _say(self, kind: str, content: dict[str, Any], **extra: Any) -> int:
        now = self.fake.clock()
        self.fake.last_inbound[self.wa_id] = now
        message = {
            "from": self.wa_id,
            "id": self.fake.next_inbound_id(),
            "timestamp": str(int(now.timestamp())),
            "type": kind,
            kind: content,
        }
        contacts = [{"profile": {"name": "Test"}, "wa_id": self.wa_id}]
        payload = self.fake.envelope({"contacts": contacts, "messages": [message]})
        return await self.fake.post(payload, **extra)

    async def send_text(self, text: str, **extra: Any) -> int:
        return await self._say("text", {"body": text}, **extra)

    async def send_location(self, latitude: float, longitude: float) -> int:
        return await self._say("location", {"latitude": latitude, "longitude": longitude})

    async def send_contact(self, phone: str) -> int:
        contact = {"name": {"formatted_name": "Test"}, "phones": [{"phone": phone, "type": "CELL"}]}
        message_kind = "contacts"
        now = self.fake.clock()
        self.fake.last_inbound[self.wa_id] = now
        message = {
            "from": self.wa_id,
            "id": self.fake.next_inbound_id(),
            "timestamp": str(int(now.timestamp())),
            "type": message_kind,
            message_kind: [contact],
        }
        return await self.fake.post(self.fake.envelope({"messages": [message]}))

    async def send_image(self) -> int:
        return await self._say("image", {"id": "media-from-user", "mime_type": "image/jpeg"})

    def choice(self, wanted: str) -> tuple[SentMessage, str, str]:
        """The newest message with a button or row whose id or title is `wanted`."""
        for message in reversed(self.messages):
            for choice_id, title, _ in message.choices:
                if wanted in (choice_id, title):
                    return message, choice_id, title
        raise LookupError(f"no choice {wanted!r} was shown")

    async def press(self, wanted: str) -> int:
        """Press a reply button or pick a list row (by its id or title)."""
        message, choice_id, title = self.choice(wanted)
        if message.kind == "interactive/button":
            content = {"type": "button_reply", "button_reply": {"id": choice_id, "title": title}}
        else:
            content = {"type": "list_reply", "list_reply": {"id": choice_id, "title": title}}
        return await self._say("interactive", content)

    async def replies(self, *, settle: float = 0.3, timeout: float = 10.0) -> list[SentMessage]:
        """The messages sent to them since the last call, once no more arrive for `settle` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        count = len(self.messages)
        while True:
            await asyncio.sleep(settle)
            now = len(self.messages)
            if now == count and now > self.seen:
                break
            if loop.time() > deadline:
                break
            count = now
        new = self.messages[self.seen :]
        self.seen = len(self.messages)
        return new
