"""Logs name a chat only by a salted hash: never names, phones, texts or amounts.

`chat_ref(chat_id)` is what every log line of the bot uses; `install_log_redaction()` adds a
filter that replaces anything looking like a phone number or a long digit run (a chat id, an
income) in records of third-party libraries too, as a safety net. It also routes what would
bypass logging, an uncaught exception's dump and asyncio's "exception never retrieved", through
the same log, with the exception's type and stack but never its message: a library's message
may quote a whole Telegram answer (other users' names and texts included).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import Any, Final

_salt: bytes = b"komek"
_DIGITS: Final = re.compile(r"\+?\d[\d \-]{5,}\d")


def set_log_salt(salt: str) -> None:
    global _salt
    _salt = salt.encode()


def chat_ref(chat_id: int) -> str:
    """`chat=<12 hex>`: stable per chat (to follow one conversation), not reversible."""
    digest = hashlib.sha256(_salt + str(chat_id).encode()).hexdigest()[:12]
    return f"chat={digest}"


class RedactingFilter(logging.Filter):
    """Masks digit runs (phones, ids, amounts) in the final message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _DIGITS.sub("<redacted>", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def describe_failure(error: BaseException) -> str:
    """An exception as it may be logged: its type (and its causes' types) and its stack."""
    parts = [type(error).__name__]
    cause = error.__cause__ or error.__context__
    while cause is not None and len(parts) < 5:
        parts.append(f"caused by {type(cause).__name__}")
        cause = cause.__cause__ or cause.__context__
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"{', '.join(parts)}\n{frames}"


def _log_uncaught(
    kind: type[BaseException], error: BaseException, stack: TracebackType | None
) -> None:
    error.__traceback__ = stack
    logging.getLogger("komek.crash").critical("uncaught %s", describe_failure(error))


def _log_thread_crash(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _log_uncaught(args.exc_type, args.exc_value, args.exc_traceback)


def log_loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's exception handler: the event's description and the failure, redacted."""
    error = context.get("exception")
    what = str(context.get("message", "asyncio event"))[:100]
    if isinstance(error, BaseException):
        logging.getLogger("komek.crash").error("%s: %s", what, describe_failure(error))
    else:
        logging.getLogger("komek.crash").error("%s", what)


def install_log_redaction(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_thread_crash
