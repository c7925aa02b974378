"""The WhatsApp front end's own texts (domain `whatsapp`): what WhatsApp's limits make it say
that Telegram does not (the list button, "More…" pages, typed numbers, the phone typed instead
of a share button, the menu). The conversation's texts are `dialogs`', the bot's `bot.texts`."""

from __future__ import annotations

from common.text import Message, msg


def choose() -> Message:
    # TRANSLATORS: the button that opens a list of choices on WhatsApp (at most 20 characters).
    return msg("Choose")


def more() -> Message:
    # TRANSLATORS: the last row of a long list on WhatsApp, showing the next choices (at most
    # 24 characters).
    return msg("More…")


def more_description() -> Message:
    # TRANSLATORS: under "More…" in a WhatsApp list (at most 72 characters).
    return msg("The next choices")


def more_choices(page: int, pages: int) -> Message:
    return msg("More choices ({page} of {pages}):", page=page, pages=pages)


def type_number() -> Message:
    return msg("Reply with the number of your choice.")


def type_phone() -> Message:
    return msg(
        "Please type your phone number, for example +7 701 234 56 78, or send it as a "
        "contact: 📎 → Contact."
    )


def choose_below() -> Message:
    return msg("Please choose below.")


def menu_footer() -> Message:
    # TRANSLATORS: the small print under every WhatsApp message with choices (at most 60
    # characters); the word in quotes is what the user types to see the menu.
    return msg("Type “menu” for the menu")


def menu_title() -> Message:
    return msg("What would you like to do?")


def nothing_to_show() -> Message:
    return msg("These choices are no longer current. Here is the current question.")
