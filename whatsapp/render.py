"""The one renderer from the conversations' replies (dialogs.reply.RenderedReply) to WhatsApp
messages, within WhatsApp's limits (the fake Graph API of the tests rejects anything beyond):

- options: up to 3 reply buttons (titles ≤ 20 characters, all different), else one list of up
  to 10 rows (titles ≤ 24: a longer label is shortened in the title and given whole as the
  row's description, ≤ 72), else a list in pages of 9 rows and a 10th, "More…", that shows the
  next page (the last page's leads back to the first); labels too long even for a description
  become numbered text. Options are always numbered in order across pages: typing the number
  picks one (whatsapp.turns), as in the terminal;
- text: at most 4,096 characters a message (longer text is split at paragraphs or lines); the
  text of a message with buttons or a list (its body) at most 1,024: the last paragraphs that
  fit go with the choices, the rest before them as text;
- a request for the location is a location-request message; for the phone, the text and a
  hint to type the number (WhatsApp has no share-phone button) or send a contact card;
- attachments: a place on the map is a location message, a file a document (uploaded by the
  delivery first: its content travels in the outbox as base64 under `upload`).

Pure: returns the messages' JSON (without `to` and `messaging_product`, which the delivery
adds) and what was shown last with options (`Shown`), for typed numbers and "More…".
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from common.i18n import Language
from dialogs.reply import RenderedDocument, RenderedOption, RenderedReply, RenderedVenue
from whatsapp import ids, texts
from whatsapp.ids import Conversation

MAX_TEXT: Final = 4096
MAX_BODY: Final = 1024
MAX_FOOTER: Final = 60
MAX_BUTTONS: Final = 3
MAX_BUTTON_TITLE: Final = 20
MAX_ROWS: Final = 10
MAX_ROW_TITLE: Final = 24
MAX_ROW_DESCRIPTION: Final = 72
MAX_LIST_BUTTON: Final = 20
MAX_CAPTION: Final = 1024
PAGE_SIZE: Final = MAX_ROWS - 1
"""Options per page of a long list: the 10th row is "More…"."""
ELLIPSIS: Final = "…"

Message = dict[str, Any]


class Shown(BaseModel):
    """The options shown last to a chat (stored in `whatsapp_state.shown`)."""

    model_config = ConfigDict(frozen=True)

    conversation: Conversation
    question: str | None = None
    version: int = 0
    options: tuple[tuple[str, str], ...] = ()
    """(value, label) in order: typed number n is the n-th."""
    numbered: bool = True
    """Whether a typed bare number picks an option (else `#n` does)."""
    request: str | None = None
    """The location or the phone is asked for (typed instead, here)."""

    def as_reply(self) -> RenderedReply:
        options = tuple(RenderedOption(value, label) for value, label in self.options)
        return RenderedReply(
            text="", question=self.question, options=options, columns=1, numbered=self.numbered
        )


@dataclass(frozen=True, slots=True)
class Rendered:
    messages: list[Message]
    shown: Shown | None
    """What the chat has on screen now with options; None: the same as before."""


def render_replies(
    replies: list[RenderedReply], conversation: Conversation, version: int, lang: Language
) -> Rendered:
    """Every reply as WhatsApp messages, in order."""
    messages: list[Message] = []
    shown: Shown | None = None
    request: str | None = None
    for reply in replies:
        if reply.ends_request:
            request = None
        if reply.request is not None:
            request = reply.request
            messages.extend(_request(reply, lang))
            shown = Shown(conversation=conversation, question=reply.question, request=request)
        elif reply.options and reply.question is not None:
            shown = Shown(
                conversation=conversation,
                question=reply.question,
                version=version,
                options=tuple((o.value, o.label) for o in reply.options),
                numbered=reply.numbered,
                request=request,
            )
            messages.extend(_with_options(reply.text, shown, lang))
        elif reply.text:
            messages.extend(text_messages(reply.text))
        messages.extend(_attachment(attachment) for attachment in reply.attachments)
    return Rendered(messages, shown)


def render_page(shown: Shown, page: int, lang: Language) -> list[Message]:
    """Page `page` (0-based) of a long list again ("More…")."""
    pages = _pages(len(shown.options))
    page = page % pages
    body = texts.more_choices(page + 1, pages).render(lang)
    return [_list(body, _rows(shown, page), lang)]


# --- text ---------------------------------------------------------------------------------


def text_messages(text: str) -> list[Message]:
    return [{"type": "text", "text": {"body": part}} for part in split_text(text, MAX_TEXT)]


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at paragraphs, else lines, else
    spaces, else anywhere."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = rest.rfind(separator, 0, limit + 1)
            if cut > 0:
                break
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _body_and_before(text: str, lang: Language) -> tuple[list[Message], str]:
    """The body of an interactive message (≤ 1,024) and text messages to send before it."""
    text = text.strip()
    if len(text) <= MAX_BODY:
        return [], text or texts.choose_below().render(lang)
    paragraphs = text.split("\n\n")
    body: list[str] = []
    while paragraphs and len("\n\n".join([paragraphs[-1], *body])) <= MAX_BODY:
        body.insert(0, paragraphs.pop())
    if not body:
        return text_messages(text), texts.choose_below().render(lang)
    return text_messages("\n\n".join(paragraphs)), "\n\n".join(body)


# --- options ------------------------------------------------------------------------------


def _with_options(text: str, shown: Shown, lang: Language) -> list[Message]:
    before, body = _body_and_before(text, lang)
    labels = [label for _, label in shown.options]
    if (
        len(labels) <= MAX_BUTTONS
        and all(0 < len(label) <= MAX_BUTTON_TITLE for label in labels)
        and len(set(labels)) == len(labels)
    ):
        buttons = [
            {"type": "reply", "reply": {"id": _id(shown, value), "title": label}}
            for value, label in shown.options
        ]
        message = _interactive("button", body, {"buttons": buttons}, lang)
        return [*before, message]
    if all(0 < len(label) <= MAX_ROW_DESCRIPTION for label in labels):
        return [*before, _list(body, _rows(shown, 0), lang)]
    numbered = "\n".join(f"{i}. {label}" for i, label in enumerate(labels, start=1))
    hint = texts.type_number().render(lang)
    return [*before, *text_messages(f"{body}\n\n{numbered}\n\n{hint}")]


def _pages(count: int) -> int:
    return 1 if count <= MAX_ROWS else -(-count // PAGE_SIZE)


def _rows(shown: Shown, page: int) -> list[Message]:
    options = list(shown.options)
    pages = _pages(len(options))
    if pages == 1:
        return [_row(_id(shown, value), label) for value, label in options]
    start = page * PAGE_SIZE
    rows = [_row(_id(shown, value), label) for value, label in options[start : start + PAGE_SIZE]]
    more = {"id": ids.page_id((page + 1) % pages), "title": "", "description": ""}
    return [*rows, more]


def _row(row_id: str, label: str) -> Message:
    if len(label) <= MAX_ROW_TITLE:
        return {"id": row_id, "title": label}
    return {"id": row_id, "title": shorten(label, MAX_ROW_TITLE), "description": label}


def shorten(label: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where one is near, with "…"."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + ELLIPSIS


def _list(body: str, rows: list[Message], lang: Language) -> Message:
    for row in rows:
        if row["title"] == "":  # the "More…" row, worded here (the rows are language-free)
            row["title"] = shorten(texts.more().render(lang), MAX_ROW_TITLE)
            row["description"] = shorten(texts.more_description().render(lang), MAX_ROW_DESCRIPTION)
    action = {
        "button": shorten(texts.choose().render(lang), MAX_LIST_BUTTON),
        "sections": [{"rows": rows}],
    }
    return _interactive("list", body, action, lang)


def _interactive(kind: str, body: str, action: Message, lang: Language) -> Message:
    return {
        "type": "interactive",
        "interactive": {
            "type": kind,
            "body": {"text": body},
            "footer": {"text": shorten(texts.menu_footer().render(lang), MAX_FOOTER)},
            "action": action,
        },
    }


def _id(shown: Shown, value: str) -> str:
    return ids.encode(
        shown.conversation, value, question=shown.question or "", version=shown.version
    )


# --- requests and attachments -------------------------------------------------------------


def _request(reply: RenderedReply, lang: Language) -> list[Message]:
    before, body = _body_and_before(reply.text, lang)
    if reply.request == "location":
        request = {
            "type": "interactive",
            "interactive": {
                "type": "location_request_message",
                "body": {"text": body},
                "action": {"name": "send_location"},
            },
        }
        return [*before, request]
    return [*before, *text_messages(f"{body}\n\n{texts.type_phone().render(lang)}")]


def _attachment(attachment: RenderedVenue | RenderedDocument) -> Message:
    if isinstance(attachment, RenderedVenue):
        return {
            "type": "location",
            "location": {
                "latitude": attachment.latitude,
                "longitude": attachment.longitude,
                "name": attachment.title,
                "address": attachment.address,
            },
        }
    document: Message = {"filename": attachment.filename}
    if attachment.caption:
        document["caption"] = attachment.caption[:MAX_CAPTION]
    return {
        "type": "document",
        "document": document,
        "upload": {
            "mime_type": mime_type(attachment.filename),
            "content": base64.b64encode(attachment.content).decode("ascii"),
        },
    }


def mime_type(filename: str) -> str:
    """The type the file is uploaded as. WhatsApp's documents accept plain text, PDF and
    office files only (not `text/calendar`): a calendar file goes as plain text under its
    `.ics` name, which is what phones open it by."""
    return "application/pdf" if filename.lower().endswith(".pdf") else "text/plain"
