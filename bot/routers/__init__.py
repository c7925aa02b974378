"""Routers per feature; each module exposes `create_router() -> Router` (a fresh router per
dispatcher, so tests can build several). Order matters: the first router whose filters match
handles the update.

- `membership`: the user blocked / unblocked the bot (my_chat_member).
- `groups`: anything in a group chat gets a polite "private chats only".
- `privacy`: /delete_my_data with its confirmation.
- `booking`: its screens and buttons.
- `conversation`: commands, text, buttons, contact and location → the dialog.
- `fallback`: edited messages, stickers, photos, voice… → a hint and the question again.
"""

from __future__ import annotations

from aiogram import Router

from bot.routers import booking, conversation, fallback, groups, membership, privacy


def all_routers() -> list[Router]:
    return [
        membership.create_router(),
        groups.create_router(),
        privacy.create_router(),
        booking.create_router(),
        conversation.create_router(),
        fallback.create_router(),
    ]
