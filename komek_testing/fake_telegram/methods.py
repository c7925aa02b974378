"""The message-level Bot API methods: send, edit, delete, callbacks, commands, files."""

from __future__ import annotations

import json
import mimetypes
import re
import time
from dataclasses import replace
from typing import Any

from .chats import ChatRegistry, ChatState
from .formatting import MAX_CAPTION, MAX_TEXT, normalize_reply_markup, parse_text, utf16_len
from .models import JSON, RecordedRequest, SentMessage, UploadedFile, bad_request
from .protocol import CHAT_ACTIONS, COMMAND_RE, QUERY_TOO_OLD, Handler, MethodSpec


class MessageMethods(ChatRegistry):
    """Handlers answering like Telegram, with its error descriptions."""

    def __init__(
        self, *, bot_id: int, bot_username: str, bot_first_name: str, auto_create_chats: bool
    ) -> None:
        super().__init__(
            bot_id=bot_id,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            auto_create_chats=auto_create_chats,
        )
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}

    def _message_methods(self) -> list[MethodSpec]:
        return [
            MethodSpec("getMe", self._get_me),
            MethodSpec("logOut", self._true),
            MethodSpec("close", self._true),
            MethodSpec("sendMessage", self._send_message, creates_message=True),
            MethodSpec("sendDocument", self._send_document, creates_message=True),
            MethodSpec("sendPhoto", self._send_photo, creates_message=True),
            MethodSpec("sendVenue", self._send_venue, creates_message=True),
            MethodSpec("sendLocation", self._send_location, creates_message=True),
            MethodSpec("sendContact", self._send_contact, creates_message=True),
            MethodSpec("editMessageText", self._edit_message_text, edits_message=True),
            MethodSpec("editMessageCaption", self._edit_message_caption, edits_message=True),
            MethodSpec(
                "editMessageReplyMarkup", self._edit_message_reply_markup, edits_message=True
            ),
            MethodSpec("deleteMessage", self._delete_message),
            MethodSpec("deleteMessages", self._delete_messages),
            MethodSpec("answerCallbackQuery", self._answer_callback_query),
            MethodSpec("sendChatAction", self._send_chat_action),
            MethodSpec("setMyCommands", self._set_my_commands),
            MethodSpec("getMyCommands", self._get_my_commands),
            MethodSpec("deleteMyCommands", self._delete_my_commands),
            MethodSpec("setMyDescription", self._set_bot_text("description")),
            MethodSpec("getMyDescription", self._get_bot_text("description")),
            MethodSpec("setMyShortDescription", self._set_bot_text("short_description")),
            MethodSpec("getMyShortDescription", self._get_bot_text("short_description")),
            MethodSpec("setMyName", self._set_bot_text("name")),
            MethodSpec("getMyName", self._get_bot_text("name")),
            MethodSpec("setChatMenuButton", self._true),
            MethodSpec("getFile", self._get_file),
            MethodSpec("getChat", self._get_chat),
        ]

    async def _true(self, request: RecordedRequest) -> bool:
        return True

    async def _get_me(self, request: RecordedRequest) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_chat(self, request: RecordedRequest) -> JSON:
        chat = self._target_chat(request)
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**dict.fromkeys(gifts, False), "gifts_from_channels": False},
        }

    def _base_message(self, chat: ChatState, request: RecordedRequest) -> JSON:
        message: JSON = {
            "message_id": 0,
            "from": self.bot_user,
            "chat": chat.info,
            "date": int(time.time()),
        }
        params = request.params
        reply = params.get("reply_parameters")
        reply_to = reply.get("message_id") if isinstance(reply, dict) else None
        reply_to = reply_to or params.get("reply_to_message_id")
        if reply_to:
            target = chat.find_message(int(reply_to))
            if target is not None:
                message["reply_to_message"] = target
            elif not (
                params.get("allow_sending_without_reply")
                or (isinstance(reply, dict) and reply.get("allow_sending_without_reply"))
            ):
                raise bad_request("message to be replied not found")
        return message

    def _store(
        self,
        chat: ChatState,
        message: JSON,
        markup: JSON | None,
        *,
        kind: str,
        text: str | None,
        request: RecordedRequest,
        entities: list[JSON] | None = None,
        **extra: Any,
    ) -> JSON:
        message["message_id"] = chat.take_message_id()
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if markup is not None and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup is not None and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        source = request.params.get("text", request.params.get("caption"))
        sent = SentMessage(
            message_id=message["message_id"],
            chat_id=chat.id,
            kind=kind,
            text=text,
            raw=message,
            reply_markup=markup,
            source_text=source if isinstance(source, str) else None,
            parse_mode=request.params.get("parse_mode"),
            entities=entities or [],
            date=message["date"],
            **extra,
        )
        chat.messages[sent.message_id] = sent
        chat.events.append(sent)
        chat.notify()
        return message

    def _text_and_entities(
        self, request: RecordedRequest, key: str, limit: int, *, required: bool
    ) -> tuple[str, list[JSON]]:
        params = request.params
        raw = params.get(key)
        if raw is None or raw == "":
            if required:
                raise bad_request("message text is empty")
            return "", []
        entities_key = "entities" if key == "text" else "caption_entities"
        entities = params.get(entities_key)
        plain, found = parse_text(
            str(raw),
            params.get("parse_mode"),
            entities if isinstance(entities, list) else None,
        )
        if required and not plain:
            raise bad_request("message text is empty")
        if utf16_len(plain) > limit:
            raise bad_request(
                "message is too long" if key == "text" else "message caption is too long"
            )
        return plain, found

    async def _send_message(self, request: RecordedRequest) -> JSON:
        chat = self._target_chat(request)
        text, entities = self._text_and_entities(request, "text", MAX_TEXT, required=True)
        markup = normalize_reply_markup(request.params.get("reply_markup"))
        message = self._base_message(chat, request)
        message["text"] = text
        if entities:
            message["entities"] = entities
        return self._store(
            chat, message, markup, kind="text", text=text, request=request, entities=entities
        )

    def _input_file(self, request: RecordedRequest, key: str) -> tuple[str, str, UploadedFile]:
        uploaded = request.files.get(key)
        if uploaded is not None:
            file_id, unique_id = self._register_file(uploaded, f"{key}s")
            return file_id, unique_id, uploaded
        value = request.params.get(key)
        if isinstance(value, str) and value in self._files:
            unique_id, stored = self._files[value]
            return value, unique_id, stored
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            file_id, unique_id = self._register_file(UploadedFile(name, b""), f"{key}s")
            return file_id, unique_id, self._files[file_id][1]
        if not value:
            raise bad_request(f"there is no {key} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def _send_document(self, request: RecordedRequest) -> JSON:
        chat = self._target_chat(request)
        caption, entities = self._text_and_entities(request, "caption", MAX_CAPTION, required=False)
        markup = normalize_reply_markup(request.params.get("reply_markup"))
        message = self._base_message(chat, request)
        file_id, unique_id, uploaded = self._input_file(request, "document")
        mime = uploaded.mime_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(uploaded.filename)[0] or "application/octet-stream"
        uploaded = replace(uploaded, mime_type=mime)
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": uploaded.filename,
            "mime_type": mime,
            "file_size": len(uploaded.content),
        }
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        return self._store(
            chat,
            message,
            markup,
            kind="document",
            text=caption or None,
            request=request,
            entities=entities,
            document=uploaded,
        )

    async def _send_photo(self, request: RecordedRequest) -> JSON:
        chat = self._target_chat(request)
        caption, entities = self._text_and_entities(request, "caption", MAX_CAPTION, required=False)
        markup = normalize_reply_markup(request.params.get("reply_markup"))
        message = self._base_message(chat, request)
        file_id, unique_id, uploaded = self._input_file(request, "photo")
        message["photo"] = [
            {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "width": 1280,
                "height": 720,
                "file_size": len(uploaded.content),
            }
        ]
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        return self._store(
            chat,
            message,
            markup,
            kind="photo",
            text=caption or None,
            request=request,
            entities=entities,
            document=uploaded,
        )

    @staticmethod
    def _coordinates(request: RecordedRequest) -> JSON:
        try:
            latitude = float(request.params["latitude"])
            longitude = float(request.params["longitude"])
        except (KeyError, TypeError, ValueError):
            raise bad_request("wrong coordinates") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise bad_request("wrong coordinates")
        return {"latitude": latitude, "longitude": longitude}

    async def _send_location(self, request: RecordedRequest) -> JSON:
        chat = self._target_chat(request)
        location = self._coordinates(request)
        markup = normalize_reply_markup(request.params.get("reply_markup"))
        message = self._base_message(chat, request)
        message["location"] = location
        return self._store(
            chat, message, markup, kind="location", text=None, request=request, location=location
        )

    async def _send_venue(self, request: RecordedRequest) -> JSON:
        chat = self._target_chat(request)
        location = self._coordinates(request)
        params = request.params
        for key in ("title", "address"):
            if not params.get(key):
                raise bad_request(f"venue {key} is empty")
        venue: JSON = {"location": location, "title": params["title"], "address": params["address"]}
        for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
            if params.get(key):
                venue[key] = params[key]
        markup = normalize_reply_markup(params.get("reply_markup"))
        message = self._base_message(chat, request)
        message["venue"] = venue
        message["location"] = location
        return self._store(
            chat,
            message,
            markup,
            kind="venue",
            text=str(params["title"]),
            request=request,
            venue=venue,
            location=location,
        )

    async def _send_contact(self, request: RecordedRequest) -> JSON:
        chat = self._target_chat(request)
        params = request.params
        if not params.get("phone_number"):
            raise bad_request("phone number is empty")
        if not params.get("first_name"):
            raise bad_request("contact first name is empty")
        contact: JSON = {"phone_number": params["phone_number"], "first_name": params["first_name"]}
        for key in ("last_name", "vcard"):
            if params.get(key):
                contact[key] = params[key]
        markup = normalize_reply_markup(params.get("reply_markup"))
        message = self._base_message(chat, request)
        message["contact"] = contact
        return self._store(
            chat, message, markup, kind="contact", text=None, request=request, contact=contact
        )

    def _editable(self, request: RecordedRequest) -> tuple[ChatState, SentMessage]:
        if request.params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._target_chat(request)
        message_id = request.params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        sent = chat.messages.get(message_id)
        if sent is None or sent.deleted:
            if message_id in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, sent

    @staticmethod
    def _inline_markup(request: RecordedRequest) -> JSON | None:
        markup = normalize_reply_markup(request.params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup

    def _apply_edit(
        self, chat: ChatState, old: SentMessage, changes: JSON, markup: JSON | None, **fields: Any
    ) -> JSON:
        raw = {**old.raw, **changes, "edit_date": int(time.time())}
        raw.pop("reply_markup", None)
        if markup is not None:
            raw["reply_markup"] = markup
        new = replace(old, raw=raw, reply_markup=markup, edited=True, **fields)
        chat.messages[old.message_id] = new
        chat.events.append(new)
        chat.notify()
        return raw

    async def _edit_message_text(self, request: RecordedRequest) -> JSON:
        chat, old = self._editable(request)
        if old.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text_and_entities(request, "text", MAX_TEXT, required=True)
        markup = self._inline_markup(request)
        if text == old.text and entities == old.entities and markup == old.raw.get("reply_markup"):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        changes: JSON = {"text": text}
        raw = {k: v for k, v in old.raw.items() if k != "entities"}
        if entities:
            changes["entities"] = entities
        return self._apply_edit(
            chat,
            replace(old, raw=raw),
            changes,
            markup,
            text=text,
            entities=entities,
            source_text=request.params.get("text"),
            parse_mode=request.params.get("parse_mode"),
        )

    async def _edit_message_caption(self, request: RecordedRequest) -> JSON:
        chat, old = self._editable(request)
        if old.kind not in ("document", "photo"):
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._text_and_entities(request, "caption", MAX_CAPTION, required=False)
        markup = self._inline_markup(request)
        if (
            (caption or None) == old.text
            and entities == old.entities
            and markup == old.raw.get("reply_markup")
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        raw = {k: v for k, v in old.raw.items() if k not in ("caption", "caption_entities")}
        changes: JSON = {}
        if caption:
            changes["caption"] = caption
            if entities:
                changes["caption_entities"] = entities
        return self._apply_edit(
            chat, replace(old, raw=raw), changes, markup, text=caption or None, entities=entities
        )

    async def _edit_message_reply_markup(self, request: RecordedRequest) -> JSON:
        chat, old = self._editable(request)
        markup = self._inline_markup(request)
        if markup == old.raw.get("reply_markup"):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        return self._apply_edit(chat, old, {}, markup)

    async def _delete_message(self, request: RecordedRequest) -> bool:
        chat = self._target_chat(request)
        message_id = request.params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        if not self._delete_one(chat, message_id):
            raise bad_request("message to delete not found")
        return True

    async def _delete_messages(self, request: RecordedRequest) -> bool:
        chat = self._target_chat(request)
        ids = request.params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a list of 1-100 identifiers")
        for message_id in ids:
            self._delete_one(chat, int(message_id))
        return True

    @staticmethod
    def _delete_one(chat: ChatState, message_id: int) -> bool:
        sent = chat.messages.get(message_id)
        if sent is not None and not sent.deleted:
            chat.messages[message_id] = replace(sent, deleted=True)
            chat.notify()
            return True
        return chat.user_messages.pop(message_id, None) is not None

    async def _answer_callback_query(self, request: RecordedRequest) -> bool:
        params = request.params
        query_id = str(params.get("callback_query_id") or "")
        callback = self._callbacks.get(query_id)
        if callback is None or callback.answered:
            raise bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        callback.answered = True
        answer: JSON = {"callback_query_id": query_id, "time": request.time}
        for key in ("text", "show_alert", "url", "cache_time"):
            if key in params:
                answer[key] = params[key]
        if callback.chat_id is not None and (chat := self._chats.get(callback.chat_id)):
            chat.callback_answers.append(answer)
            chat.last_activity = time.monotonic()
            chat.notify()
        return True

    async def _send_chat_action(self, request: RecordedRequest) -> bool:
        self._target_chat(request)
        if request.params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not isinstance(scope, dict):
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True)

    def _commands_key(self, request: RecordedRequest) -> tuple[str, str]:
        language = request.params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", str(language)):
            raise bad_request("invalid language code specified")
        return self._scope_key(request.params.get("scope")), str(language)

    async def _set_my_commands(self, request: RecordedRequest) -> bool:
        commands = request.params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        cleaned: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict) or not COMMAND_RE.match(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            description = str(command.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise bad_request("command description must be non-empty")
            cleaned.append({"command": command["command"], "description": description})
        key = self._commands_key(request)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, request: RecordedRequest) -> list[JSON]:
        return list(self._commands.get(self._commands_key(request), []))

    async def _delete_my_commands(self, request: RecordedRequest) -> bool:
        self._commands.pop(self._commands_key(request), None)
        return True

    def _set_bot_text(self, key: str) -> Handler:
        async def handler(request: RecordedRequest) -> bool:
            language = str(request.params.get("language_code") or "")
            value = request.params.get(key)
            if value:
                self._bot_texts[(key, language)] = str(value)
            else:
                self._bot_texts.pop((key, language), None)
            return True

        return handler

    def _get_bot_text(self, key: str) -> Handler:
        async def handler(request: RecordedRequest) -> JSON:
            language = str(request.params.get("language_code") or "")
            return {key: self._bot_texts.get((key, language), "")}

        return handler

    def bot_text(self, key: str, language_code: str = "") -> str | None:
        """What setMyDescription/setMyShortDescription/setMyName stored for a language."""
        return self._bot_texts.get((key, language_code))

    async def _get_file(self, request: RecordedRequest) -> JSON:
        file_id = str(request.params.get("file_id") or "")
        if file_id not in self._files:
            raise bad_request("invalid file_id")
        unique_id, file = self._files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_size": len(file.content),
            "file_path": self._path_of_file[file_id],
        }
