"""The user blocked or unblocked the bot: remember it, so nobody messages a blocked user."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from bot import store
from storage.base import utc_now


async def on_membership(event: ChatMemberUpdated, db: AsyncSession) -> None:
    if event.new_chat_member.status == "kicked":
        await store.mark_blocked(db, event.chat.id, utc_now())
    elif event.new_chat_member.status == "member":
        await store.mark_unblocked(db, event.chat.id)


def create_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.register(on_membership, F.chat.type == "private")
    return router
