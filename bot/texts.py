"""The bot's own texts (the conversation's texts live in `dialogs/`); domain `bot`.

Each is a `common.text.Message`, rendered in the user's language at send time.
"""

from __future__ import annotations

from common.text import Message, msg, plural


def private_only() -> Message:
    return msg("I only work in a private chat. Please write to me directly and send /start.")


def unsupported_content() -> Message:
    return msg("I can only read text messages and buttons. Please answer the question below again.")


def edited_message() -> Message:
    return msg(
        "I do not read edited messages. If you want to change an answer, "
        "please send it again as a new message."
    )


def outdated_button() -> Message:
    # TRANSLATORS: a short pop-up (at most 200 characters) when an old button is pressed.
    return msg("This button is outdated. Here is the current question.")


def something_went_wrong() -> Message:
    return msg("Sorry, something went wrong on our side. Please send your answer again.")


def delete_confirm() -> Message:
    return msg(
        "Delete everything the bot keeps about you: your answers, screening results and "
        "appointments? This cannot be undone."
    )


def delete_yes() -> Message:
    return msg("Yes, delete everything")


def delete_no() -> Message:
    return msg("No, keep my data")


def delete_cancelled() -> Message:
    return msg("Nothing was deleted.")


def deleted(answers: int, results: int, appointments: int) -> Message:
    return msg(
        "Your data has been erased: {answers}, {results}, {appointments}. "
        "Your consent record was erased too. To start again, send /start.",
        answers=plural("{n} answer", "{n} answers", answers),
        results=plural("{n} screening result", "{n} screening results", results),
        appointments=plural("{n} appointment", "{n} appointments", appointments),
    )


def command_start() -> Message:
    return msg("Start the conversation")


def command_book() -> Message:
    return msg("Book a visit to the center")


def command_my_appointment() -> Message:
    return msg("My appointment: see, move or cancel")


def command_language() -> Message:
    return msg("Change the language")


def command_restart() -> Message:
    return msg("Answer the questions again")


def command_help() -> Message:
    return msg("How the bot works")


def command_delete_my_data() -> Message:
    return msg("Delete everything about me")
