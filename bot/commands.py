"""The command menu in both languages (setMyCommands per language_code, Russian as default)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand

from bot import texts
from common.i18n import LANGUAGES, Language
from common.text import Message

log = logging.getLogger(__name__)

MENU: tuple[tuple[str, Callable[[], Message]], ...] = (
    ("start", texts.command_start),
    ("book", texts.command_book),
    ("my_appointment", texts.command_my_appointment),
    ("language", texts.command_language),
    ("restart", texts.command_restart),
    ("help", texts.command_help),
    ("delete_my_data", texts.command_delete_my_data),
)
DEFAULT_MENU_LANGUAGE: Language = "ru"


def menu(lang: Language) -> list[BotCommand]:
    return [BotCommand(command=name, description=text().render(lang)) for name, text in MENU]


async def set_commands(bot: Bot) -> None:
    """Failures are logged, not fatal: the menu is a convenience, the commands work anyway."""
    try:
        for lang in LANGUAGES:
            await bot.set_my_commands(menu(lang), language_code=lang)
        await bot.set_my_commands(menu(DEFAULT_MENU_LANGUAGE))
    except TelegramAPIError as error:
        log.warning("setMyCommands failed: %s", type(error).__name__)
