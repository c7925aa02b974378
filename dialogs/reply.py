"""What the dialog says back: replies as message ids with options, rendered late per language.

`step` returns `Reply` objects (translatable, language-free); a front end calls `render` with the
user's language and gets plain text and button labels (`RenderedReply`). Option values are short
ASCII strings that travel in Telegram callback data as `question:value:version`.
A reply may carry attachments (a place on the map, a file), rendered late as well, ask for the
phone or the location (`request`, its first option labels the share button), end such a request,
or hand the user over to another conversation (`handoff`: the intake's "Book a visit").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from common.i18n import Language
from common.text import Message, Renderable

Request = Literal["contact", "location"]
CHECKMARK = "✅ "


@dataclass(frozen=True, slots=True)
class InLanguage:
    """A message always shown in one language, whatever the user's (the language chooser)."""

    message: Renderable
    language: Language

    def render(self, lang: Language) -> str:
        return self.message.render(self.language)


@dataclass(frozen=True, slots=True)
class Lines:
    """Several renderables shown as consecutive lines of one paragraph."""

    lines: tuple[Renderable, ...]

    def render(self, lang: Language) -> str:
        return "\n".join(line.render(lang) for line in self.lines)


@dataclass(frozen=True, slots=True)
class Option:
    """A button: `value` (≤ 20 ASCII characters) is what comes back; `label` what is shown."""

    value: str
    label: Renderable
    chosen: bool = False
    """In a several-choices question: currently ticked (shown with a checkmark)."""


class RenderableFile(Protocol):
    """A file's content in one language (a calendar file names the visit in it)."""

    def render(self, lang: Language) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Venue:
    """A place on the map, with its name and address."""

    latitude: float
    longitude: float
    title: Renderable
    address: Renderable


@dataclass(frozen=True, slots=True)
class Document:
    """A file to keep (e.g. the visit as a calendar file)."""

    filename: str
    content: RenderableFile
    caption: Renderable | None = None


Attachment = Venue | Document


@dataclass(frozen=True, slots=True)
class Reply:
    """One bot message: paragraphs of text, and the options that answer `question`."""

    text: tuple[Renderable, ...]
    question: str | None = None
    options: tuple[Option, ...] = ()
    multi: bool = False
    """Several choices: options toggle (checkmarks) until the `done` option."""
    columns: int = 1
    replace_previous: bool = False
    """A hint: this reply updates the previous bot message (a ticked option) rather than adding."""
    request: Request | None = None
    numbered: bool = True
    """Whether a typed bare number picks an option (else it is an answer: an age, an amount)."""
    layout: tuple[int, ...] = ()
    """How many options go on each row, top to bottom (empty: `columns` on every row)."""
    attachments: tuple[Attachment, ...] = ()
    """Shown after the text, in order (each is a message of its own on Telegram)."""
    ends_request: bool = False
    """A request of an earlier reply is over: its share button goes away."""
    handoff: str | None = None
    """Hand the user over to this conversation (e.g. `booking`): the front end starts it
    instead of showing this reply."""


@dataclass(frozen=True, slots=True)
class RenderedOption:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class RenderedVenue:
    latitude: float
    longitude: float
    title: str
    address: str


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    filename: str
    content: bytes
    caption: str | None


RenderedAttachment = RenderedVenue | RenderedDocument


@dataclass(frozen=True, slots=True)
class RenderedReply:
    """A reply in one language: plain text (no markup) and button labels."""

    text: str
    question: str | None
    options: tuple[RenderedOption, ...]
    columns: int
    request: Request | None = None
    multi: bool = False
    replace_previous: bool = False
    numbered: bool = True
    layout: tuple[int, ...] = ()
    attachments: tuple[RenderedAttachment, ...] = ()
    ends_request: bool = False
    handoff: str | None = None


def render(replies: list[Reply], lang: Language) -> list[RenderedReply]:
    """Translate and format replies for one language (Babel for money, dates and plurals)."""
    return [render_one(reply, lang) for reply in replies]


def render_one(reply: Reply, lang: Language) -> RenderedReply:
    text = "\n\n".join(part for part in (p.render(lang) for p in reply.text) if part)
    options = tuple(
        RenderedOption(o.value, (CHECKMARK if o.chosen else "") + o.label.render(lang))
        for o in reply.options
    )
    return RenderedReply(
        text=text,
        question=reply.question,
        options=options,
        columns=reply.columns,
        request=reply.request,
        multi=reply.multi,
        replace_previous=reply.replace_previous,
        numbered=reply.numbered,
        layout=reply.layout,
        attachments=tuple(render_attachment(a, lang) for a in reply.attachments),
        ends_request=reply.ends_request,
        handoff=reply.handoff,
    )


def render_attachment(attachment: Attachment, lang: Language) -> RenderedAttachment:
    if isinstance(attachment, Venue):
        return RenderedVenue(
            latitude=attachment.latitude,
            longitude=attachment.longitude,
            title=attachment.title.render(lang),
            address=attachment.address.render(lang),
        )
    caption = attachment.caption.render(lang) if attachment.caption is not None else None
    return RenderedDocument(attachment.filename, attachment.content.render(lang), caption)


def paragraphs(*parts: Renderable | None) -> tuple[Renderable, ...]:
    """The non-empty parts, in order (lets callers write optional paragraphs inline)."""
    return tuple(p for p in parts if p is not None)


__all__ = [
    "Attachment",
    "Document",
    "InLanguage",
    "Lines",
    "Message",
    "Option",
    "RenderedAttachment",
    "RenderedDocument",
    "RenderedOption",
    "RenderedReply",
    "RenderedVenue",
    "Reply",
    "Venue",
    "render",
]
