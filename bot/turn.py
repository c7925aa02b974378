"""One conversation turn: load → dialog step → save (compare-and-set) → render → replies.

The replies are written to the outbox in the same transaction as the answer (bot.delivery), so
a crash at any moment loses nothing: either the turn is committed with its replies (and they
are delivered, once) or it is not (and Telegram's redelivery runs it again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aiogram import Bot
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendChatAction,
    SendMessage,
)
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards, metrics, store, texts
from bot.delivery import TurnReplies
from bot.middlewares import ConversationConflict, UnitOfWork
from bot.privacy import chat_ref
from common.i18n import Language
from common.kz import local_day
from common.text import Message as Text
from dialogs import RenderedReply, Session, household_answers, render, step
from dialogs.events import ButtonPress, Event
from dialogs.intake.shipped import answered, ask, path
from storage.base import utc_now

log = logging.getLogger(__name__)

ANSWER_MARK = "✔️"


def almaty_today(now: datetime | None = None) -> date:
    """The date in Kazakhstan now (or at `now`)."""
    return local_day(now or utc_now())


@dataclass
class Turn:
    """What a handler knows about the update it is handling."""

    bot: Bot
    db: AsyncSession
    uow: UnitOfWork
    chat_id: int
    user: store.UserRow | None
    lang: Language
    replies: TurnReplies
    callback: CallbackQuery | None = None
    stored: store.StoredConversation | None = None
    preloaded: bool = False
    """Whether `stored` was read by UserMiddleware (else it is read when needed)."""

    @classmethod
    def from_data(
        cls, data: dict[str, Any], chat_id: int, *, callback: CallbackQuery | None = None
    ) -> Turn:
        """From the handler data the middlewares filled in (see bot.middlewares)."""
        return cls(
            bot=data["bot"],
            db=data["db"],
            uow=data["uow"],
            chat_id=chat_id,
            user=data.get("user"),
            lang=data["lang"],
            replies=data["replies"],
            callback=callback,
            stored=data.get("conversation"),
            preloaded="conversation" in data,
        )

    async def session(self) -> tuple[Session, int | None]:
        """The chat's session and its stored version (None: nothing stored yet)."""
        stored = (
            self.stored if self.preloaded else await store.load_conversation(self.db, self.chat_id)
        )
        return parse_session(stored)


def parse_session(stored: store.StoredConversation | None) -> tuple[Session, int | None]:
    if stored is None:
        return Session.new(), None
    return Session.model_validate_json(stored.data), stored.version


async def load_session(db: AsyncSession, chat_id: int) -> tuple[Session, int | None]:
    """The chat's session and its stored version (None: nothing stored yet, a new session)."""
    return parse_session(await store.load_conversation(db, chat_id))


async def take_turn(turn: Turn, event: Event) -> str | None:
    """Run the dialog on one event and deliver its replies; the conversation it hands the
    user over to, if any (e.g. booking, after "Book a visit": the caller starts it)."""
    now = utc_now()
    before, stored_version = await turn.session()
    after, replies = step(before, event, today=almaty_today(now))
    stale = (
        isinstance(event, ButtonPress)
        and after == before
        and (event.question != before.at or event.version != before.version)
    )
    if stored_version is None or after != before:
        saved = await store.save_conversation(
            turn.db,
            turn.chat_id,
            expected_version=stored_version,
            data=after.model_dump_json(exclude_defaults=True),
            finished=after.finished,
            now=now,
        )
        if saved is None:
            raise ConversationConflict(chat_ref(turn.chat_id))
        await _record_user_facts(turn, before, after, now)

    result = after.finished and not before.finished
    lang: Language = after.language or turn.lang
    handoff = next((reply.handoff for reply in replies if reply.handoff), None)
    rendered = render([reply for reply in replies if not reply.handoff], lang)
    if turn.callback is not None:
        rendered = _after_press(turn, stale, lang, rendered, after.version, result=result)
    if result:  # several long messages follow: "typing…" while they go out
        turn.replies.add(SendChatAction(chat_id=turn.chat_id, action="typing"))
    deliver(turn.replies, rendered, after.version)
    return handoff


async def repeat_question(turn: Turn, hint: Text | None, *, toast: Text | None = None) -> None:
    """A short hint and the current question again; nothing about the conversation changes."""
    session, _ = await turn.session()
    replies = [ask(session, almaty_today(), hint)]
    lang: Language = session.language or turn.lang
    if turn.callback is not None:
        text = toast.render(lang)[:200] if toast is not None else None
        turn.replies.add(AnswerCallbackQuery(callback_query_id=turn.callback.id, text=text))
    deliver(turn.replies, render(replies, lang), session.version)


def answered_count(session: Session) -> int:
    """How many of the conversation's questions have an answer stored (for /delete_my_data)."""
    return sum(1 for position in path(session) if answered(session, position))


async def _record_user_facts(turn: Turn, before: Session, after: Session, now: datetime) -> None:
    """Language, consent (with the text's version) and finished screenings on our own rows."""
    user = turn.user
    if after.language and (user is None or user.language != after.language):
        await store.set_language(turn.db, turn.chat_id, after.language)
    consent_changed = after.consent_text_version != before.consent_text_version
    if after.consent and (not before.consent or consent_changed) and after.consent_text_version:
        await store.record_consent(turn.db, turn.chat_id, after.consent_text_version, now)
    if after.finished and after.screening is not None and after.screening != before.screening:
        verdict = after.screening.get("verdict") or (
            "eligible" if after.screening.get("eligible") else "not_eligible"
        )
        turn.uow.on_commit.append(metrics.SCREENINGS.labels(verdict=str(verdict)).inc)
        await store.save_screening(
            turn.db,
            turn.chat_id,
            result=after.screening,
            household=household_of(after),
            now=now,
        )


def household_of(session: Session) -> dict[str, object]:
    """The answers the result was computed from (JSON-safe), stored next to the result: the
    fields of the intake's declared questions (dialogs.household_answers)."""
    return household_answers(session)


def _after_press(
    turn: Turn,
    stale: bool,
    lang: Language,
    rendered: list[RenderedReply],
    version: int,
    *,
    result: bool,
) -> list[RenderedReply]:
    """Answer the press and update the pressed message; returns the replies still to send.

    Every press is answered (the spinner stops); an old button gets a short toast and the
    current question as a new message. An accepted press turns the pressed message into the
    next question, headed by the chosen answer: one tidy message per run of buttons, and no old
    buttons left to press (if that message can no longer be edited, the question comes as a new
    message). Before the result (long, several messages) the question is only marked answered,
    so the summary stays readable.
    """
    assert turn.callback is not None
    toast = texts.outdated_button().render(lang) if stale else None
    turn.replies.add(AnswerCallbackQuery(callback_query_id=turn.callback.id, text=toast))
    return _update_pressed(turn, stale, rendered, version, result=result)


def _update_pressed(
    turn: Turn, stale: bool, rendered: list[RenderedReply], version: int, *, result: bool
) -> list[RenderedReply]:
    assert turn.callback is not None
    message = turn.callback.message
    if stale or not rendered or not isinstance(message, Message):
        return rendered
    first = rendered[0]
    label = keyboards.label_of(message.reply_markup, turn.callback.data or "")
    if first.replace_previous:
        _edit(turn, message, first.text, first, version)
        return rendered[1:]
    if first.request is None and not result:
        heading = f"{ANSWER_MARK} {label}\n\n" if label else ""
        _edit(turn, message, heading + first.text, first, version)
        return rendered[1:]
    if label is not None and message.text is not None:
        _edit(turn, message, f"{message.text}\n\n{ANSWER_MARK} {label}", None, 0)
    else:
        turn.replies.add(
            EditMessageReplyMarkup(chat_id=turn.chat_id, message_id=message.message_id)
        )
    return rendered


def _edit(
    turn: Turn, message: Message, text: str, reply: RenderedReply | None, version: int
) -> None:
    """Edit the pressed message; when it carries the next question (`reply`), the question
    is sent as a new message should the edit be refused."""
    markup = keyboards.inline_keyboard(reply, version) if reply is not None else None
    turn.replies.add(
        EditMessageText(
            chat_id=turn.chat_id, message_id=message.message_id, text=text, reply_markup=markup
        ),
        or_send=reply is not None,
    )


def deliver(replies: TurnReplies, rendered: list[RenderedReply], version: int) -> None:
    """Say the replies in order: inline keyboards for options, a reply keyboard for requests."""
    for reply in rendered:
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None
        markup = keyboards.inline_keyboard(reply, version) or keyboards.request_keyboard(reply)
        replies.add(SendMessage(chat_id=replies.chat_id, text=reply.text, reply_markup=markup))
