"""Per-chat state and the registry of chats, files and callback ids the fake knows."""

from __future__ import annotations

import asyncio
import mimetypes
from collections import deque
from dataclasses import dataclass, field

from .models import JSON, RecordedRequest, SentMessage, UploadedFile, bad_request


@dataclass(eq=False)
class ChatState:
    """Everything the fake knows about one chat: ids, transcript, keyboard, waiters."""

    id: int
    info: JSON
    next_message_id: int = 1
    messages: dict[int, SentMessage] = field(default_factory=dict)
    user_messages: dict[int, JSON] = field(default_factory=dict)
    events: list[SentMessage] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    cursor: int = 0
    last_activity: float = 0.0
    last_delivery: float = 0.0
    pending_updates: int = 0
    blocked: str | None = None
    reply_keyboard: JSON | None = None
    callback_answers: list[JSON] = field(default_factory=list)
    send_times: deque[float] = field(default_factory=deque)
    webhook_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def notify(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()

    def find_message(self, message_id: int) -> JSON | None:
        sent = self.messages.get(message_id)
        if sent is not None:
            return None if sent.deleted else sent.raw
        return self.user_messages.get(message_id)


@dataclass(eq=False)
class CallbackState:
    chat_id: int | None
    answered: bool = False


class ChatRegistry:
    """Chats (by id), uploaded files (by file_id) and issued callback query ids."""

    def __init__(
        self, *, bot_id: int, bot_username: str, bot_first_name: str, auto_create_chats: bool
    ) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.auto_create_chats = auto_create_chats
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._chats: dict[int, ChatState] = {}
        self._callbacks: dict[str, CallbackState] = {}
        self._callback_seq = 0
        self._files: dict[str, tuple[str, UploadedFile]] = {}
        self._file_paths: dict[str, str] = {}
        self._path_of_file: dict[str, str] = {}

    def _register_chat(self, chat_id: int, info: JSON) -> ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = ChatState(id=chat_id, info=info)
            self._chats[chat_id] = chat
        else:
            chat.info = {**chat.info, **info}
        return chat

    def _require_chat(self, chat_id: int) -> ChatState:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"chat {chat_id} is unknown: create it with fake.user()/group()")
        return chat

    def _chat_from_update(self, update: JSON, chat_id: int | None) -> ChatState | None:
        if chat_id is None:
            return None
        chat = self._chats.get(chat_id)
        if chat is not None:
            return chat
        for key in ("message", "edited_message", "my_chat_member", "chat_member"):
            obj = update.get(key)
            if isinstance(obj, dict) and isinstance(obj.get("chat"), dict):
                return self._register_chat(chat_id, dict(obj["chat"]))
        return self._register_chat(chat_id, {"id": chat_id, "type": "private", "first_name": "?"})

    def _target_chat(self, request: RecordedRequest) -> ChatState:
        raw = request.params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        if isinstance(raw, str):
            username = raw.removeprefix("@")
            for chat in self._chats.values():
                if chat.info.get("username") == username:
                    return chat
            raise bad_request("chat not found")
        found = self._chats.get(int(raw))
        if found is None:
            if self.auto_create_chats and int(raw) > 0:
                return self._register_chat(
                    int(raw), {"id": int(raw), "type": "private", "first_name": "User"}
                )
            raise bad_request("chat not found")
        return found

    def _new_callback_id(self, chat_id: int | None) -> str:
        self._callback_seq += 1
        query_id = str(4_611_686_018_427_387_904 + self.bot_id * 1_000_000 + self._callback_seq)
        self._callbacks[query_id] = CallbackState(chat_id)
        return query_id

    def _register_file(self, file: UploadedFile, folder: str) -> tuple[str, str]:
        number = len(self._files) + 1
        file_id = f"BQAC{self.bot_id}x{number:08d}"
        unique_id = f"AgAD{number:08d}"
        extension = mimetypes.guess_extension(file.mime_type or "") or ""
        if "." in file.filename:
            extension = "." + file.filename.rsplit(".", 1)[1]
        self._files[file_id] = (unique_id, file)
        path = f"{folder}/file_{number}{extension}"
        self._file_paths[path] = file_id
        self._path_of_file[file_id] = path
        return file_id, unique_id
