"""Logs name a chat only by a salted hash: never names, phones, texts or amounts.

`chat_ref(chat_id)` is what every log line of the bot uses; `install_log_redaction()` adds a
filter that replaces anything looking like a phone number or a long digit run (a chat id, an
income) in records of third-party libraries too, as a safety net.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Final

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


def install_log_redaction(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
