"""A simulated Telegram user: produces realistic updates and reads the bot's replies."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any, Literal

from .models import JSON, SentMessage, UploadedFile

if TYPE_CHECKING:
    from .chats import ChatState
    from .server import FakeTelegram

DEFAULT_PHONE = "+77011234567"
ALMATY = (43.238949, 76.889709)
LEGACY_FORWARD_DATE = 1422450181  # 2015-01-28: forwarded before forward_origin existed

UndecodableKind = Literal["hidden_forward", "empty_story"]


class FakeUser:
    """One person in one chat. Several ``FakeUser`` views of a chat share its transcript/cursor."""

    def __init__(
        self,
        fake: FakeTelegram,
        *,
        chat_id: int,
        user_id: int,
        language_code: str | None,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
    ) -> None:
        self.fake = fake
        self.chat_id = chat_id
        self.user_id = user_id
        self.language_code = language_code
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.last_callback_id: str | None = None

    def __repr__(self) -> str:
        return f"FakeUser(chat_id={self.chat_id}, language_code={self.language_code!r})"

    # ------------------------------------------------------------------ state

    @property
    def _chat(self) -> ChatState:
        return self.fake._require_chat(self.chat_id)

    @property
    def user_object(self) -> JSON:
        """The Bot API ``User`` object of this person."""
        user: JSON = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    @property
    def messages(self) -> list[SentMessage]:
        """The bot's messages as the user sees them now (edits applied, deletions gone)."""
        return [m for m in self._chat.messages.values() if not m.deleted]

    @property
    def last(self) -> SentMessage | None:
        for message in reversed(self._chat.messages.values()):
            if not message.deleted:
                return message
        return None

    @property
    def reply_keyboard(self) -> JSON | None:
        """The reply keyboard currently shown under the input field, if any."""
        return self._chat.reply_keyboard

    @property
    def callback_answers(self) -> list[JSON]:
        return list(self._chat.callback_answers)

    @property
    def blocked(self) -> bool:
        return self._chat.blocked is not None

    # ------------------------------------------------------------------ sending updates

    def build_message(self, **content: Any) -> JSON:
        """A Message from this user (next message_id of the chat), not yet sent."""
        chat = self._chat
        message: JSON = {
            "message_id": chat.take_message_id(),
            "from": self.user_object,
            "chat": chat.info,
            "date": int(time.time()),
            **content,
        }
        chat.user_messages[message["message_id"]] = message
        return message

    async def send_message(self, **content: Any) -> int:
        """A message update with arbitrary Message fields (``text=...``, ``photo=[...]``)."""
        return await self.fake.push_update({"message": self.build_message(**content)})

    async def send_text(self, text: str) -> int:
        content: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        return await self.send_message(**content)

    async def send_command(self, command: str, args: str | None = None) -> int:
        text = command if command.startswith("/") else f"/{command}"
        return await self.send_text(f"{text} {args}" if args else text)

    async def share_contact(self, phone: str = DEFAULT_PHONE, *, own: bool = True) -> int:
        contact: JSON = {"phone_number": phone, "first_name": self.first_name}
        if own:
            contact["user_id"] = self.user_id
        return await self.send_message(contact=contact)

    async def share_location(
        self, latitude: float = ALMATY[0], longitude: float = ALMATY[1]
    ) -> int:
        return await self.send_message(location={"latitude": latitude, "longitude": longitude})

    def _user_file(self, filename: str, content: bytes, mime_type: str | None) -> tuple[str, str]:
        return self.fake._register_file(UploadedFile(filename, content, mime_type), "user")

    async def send_sticker(self, emoji: str = "👍") -> int:
        file_id, unique_id = self._user_file("sticker.webp", b"RIFF0000WEBP", "image/webp")
        sticker: JSON = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self.send_message(sticker=sticker)

    async def send_photo(self, caption: str | None = None, content: bytes = b"\xff\xd8\xff") -> int:
        file_id, unique_id = self._user_file("photo.jpg", content, "image/jpeg")
        sizes = [
            {
                "file_id": f"{file_id}s",
                "file_unique_id": f"{unique_id}s",
                "width": 90,
                "height": 90,
            },
            {"file_id": file_id, "file_unique_id": unique_id, "width": 1280, "height": 960},
        ]
        content_fields: JSON = {"photo": sizes}
        if caption:
            content_fields["caption"] = caption
        return await self.send_message(**content_fields)

    async def send_voice(self, duration: int = 3, content: bytes = b"OggS") -> int:
        file_id, unique_id = self._user_file("voice.ogg", content, "audio/ogg")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        return await self.send_message(voice=voice)

    async def send_document(self, filename: str, content: bytes, caption: str | None = None) -> int:
        file_id, unique_id = self._user_file(filename, content, None)
        document = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": filename,
            "file_size": len(content),
        }
        fields: JSON = {"document": document}
        if caption:
            fields["caption"] = caption
        return await self.send_message(**fields)

    def build_undecodable(self, kind: UndecodableKind = "hidden_forward", text: str = "35") -> JSON:
        """A real-world message update that aiogram 3 fails to validate (whole batch lost).

        - "hidden_forward": a legacy forward from a user hiding their account, whose
          ``forward_origin`` (``hidden_user``) lacks the required ``sender_user_name``
          (aiogram issue #1840).
        - "empty_story": a reply to a story from another chat, ``external_reply.story == {}``
          without the required ``chat``/``id`` (aiogram issue #1587).
        """
        if kind == "hidden_forward":
            content: JSON = {
                "forward_origin": {"type": "hidden_user", "date": LEGACY_FORWARD_DATE},
                "forward_date": LEGACY_FORWARD_DATE,
                "text": text,
            }
        elif kind == "empty_story":
            content = {
                "external_reply": {
                    "origin": {
                        "type": "user",
                        "sender_user": {"id": 777_000_001, "is_bot": False, "first_name": "Ә"},
                        "date": int(time.time()) - 3600,
                    },
                    "story": {},
                },
                "text": text,
            }
        else:
            raise ValueError(f"unknown undecodable kind {kind!r}")
        return {"message": self.build_message(**content)}

    async def send_undecodable(
        self, kind: UndecodableKind = "hidden_forward", text: str = "35"
    ) -> int:
        """Push ``build_undecodable(kind, text)`` untouched; returns the update_id."""
        return await self.fake.push_update(self.build_undecodable(kind, text))

    async def edit_message(self, message_id: int, text: str) -> int:
        """The user edits one of their own messages: an ``edited_message`` update."""
        original = self._chat.user_messages.get(message_id)
        if original is None:
            raise LookupError(f"user message {message_id} not found in chat {self.chat_id}")
        edited = {**original, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        self._chat.user_messages[message_id] = edited
        return await self.fake.push_update({"edited_message": edited})

    def _find_button(self, button: str) -> tuple[SentMessage, str] | None:
        for message in reversed(self._chat.messages.values()):
            if message.deleted:
                continue
            for row in message.buttons:
                for label, data in row:
                    if button in (label, data) and data:
                        return message, data
        return None

    async def press(self, button: str) -> int:
        """Press a button by exact label or callback_data on the newest message that has it.

        Falls back to the reply keyboard under the input field: a plain button sends its text,
        ``request_contact`` shares the user's phone, ``request_location`` shares Almaty.
        """
        found = self._find_button(button)
        if found is not None:
            message, data = found
            return await self.press_on(message.message_id, data)
        keyboard = self._chat.reply_keyboard
        for row in (keyboard or {}).get("keyboard", []):
            for key in row:
                if key.get("text") != button:
                    continue
                if keyboard and keyboard.get("one_time_keyboard"):
                    self._chat.reply_keyboard = None
                if key.get("request_contact"):
                    return await self.share_contact()
                if key.get("request_location"):
                    return await self.share_location()
                return await self.send_text(button)
        last = self.last
        raise LookupError(
            f"no button {button!r} in chat {self.chat_id}; last message buttons: "
            f"{last.buttons if last else None}; reply keyboard: {keyboard}"
        )

    async def press_on(self, message_id: int, callback_data: str) -> int:
        """Press a callback button on a given (possibly old) message: a ``callback_query``."""
        chat = self._chat
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise LookupError(f"bot message {message_id} not found in chat {self.chat_id}")
        query_id = self.fake._new_callback_id(self.chat_id)
        self.last_callback_id = query_id
        query: JSON = {
            "id": query_id,
            "from": self.user_object,
            "message": message.raw,
            "chat_instance": str(abs(hash((self.fake.bot_id, self.chat_id)))),
            "data": callback_data,
        }
        return await self.fake.push_update({"callback_query": query})

    async def block_bot(self) -> int:
        """The user blocks the bot: later sends answer 403 and a my_chat_member update arrives."""
        self.fake.block(self.chat_id)
        return await self.fake.push_update(self._membership("member", "kicked"))

    async def unblock_bot(self) -> int:
        self.fake.unblock(self.chat_id)
        return await self.fake.push_update(self._membership("kicked", "member"))

    def _membership(self, old: str, new: str) -> JSON:
        bot = self.fake.bot_user
        now = int(time.time())
        member_new: JSON = {"status": new, "user": bot}
        if new == "kicked":
            member_new["until_date"] = 0
        member_old: JSON = {"status": old, "user": bot}
        if old == "kicked":
            member_old["until_date"] = 0
        return {
            "my_chat_member": {
                "chat": self._chat.info,
                "from": self.user_object,
                "date": now,
                "old_chat_member": member_old,
                "new_chat_member": member_new,
            }
        }

    # ------------------------------------------------------------------ waiting for the bot

    def _describe(self) -> str:
        recent = [r for r in self.fake.requests[-200:] if r.chat_id == self.chat_id]
        failures = [
            f"{r.method} -> {r.status} {r.fault or ''} {r.response}"
            for r in recent
            if r.status != 200 or r.fault
        ]
        texts = [f"#{m.message_id} {m.kind}: {m.text!r}" for m in self.messages[-5:]]
        return f"chat {self.chat_id}: last messages {texts}; failed calls {failures[-5:]}"

    async def wait_reply(self, *, timeout: float = 5.0, after: int | None = None) -> SentMessage:
        """The next message or edit the bot sent to this chat since the last wait.

        ``after=n`` restarts reading at event number n (0 = the first thing the bot ever sent).
        """
        chat = self._chat
        if after is not None:
            chat.cursor = after
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while chat.cursor >= len(chat.events):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no reply within {timeout}s: {self._describe()}")
            changed = chat.changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        event = chat.events[chat.cursor]
        chat.cursor += 1
        return event

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10) -> list[SentMessage]:
        """Wait until the bot has done nothing in this chat for ``quiet`` seconds.

        Counts as busy while an update for this chat is not yet fetched by the bot. Returns
        every send/edit since the last wait and moves the cursor past them.
        """
        chat = self._chat
        started = time.monotonic()
        while True:
            now = time.monotonic()
            busy_since = max(chat.last_activity, chat.last_delivery, started)
            if chat.pending_updates == 0 and now - busy_since >= quiet:
                break
            if now - started > timeout:
                raise TimeoutError(f"bot still busy after {timeout}s: {self._describe()}")
            await asyncio.sleep(min(quiet / 3, max(quiet - (now - busy_since), 0.01)))
        events = chat.events[chat.cursor :]
        chat.cursor = len(chat.events)
        return events

    async def wait_callback_answer(self, *, timeout: float = 5.0) -> JSON:
        """The bot's answerCallbackQuery for the last press."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for answer in self._chat.callback_answers:
                if answer["callback_query_id"] == self.last_callback_id:
                    return answer
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"callback not answered within {timeout}s: {self._describe()}")
            changed = self._chat.changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
