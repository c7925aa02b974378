"""Which of our two languages to speak, from whatever Telegram or the user told us."""

from __future__ import annotations

from common.i18n import Language


def language_from_code(code: str | None) -> Language:
    """`kk…` → Kazakh; `ru` and anything else (English, Uzbek, no code…) → Russian.

    Russian is the language most users with a non-Kazakh interface in Kazakhstan read; the user
    confirms or changes the language on /start anyway, so this only picks the first screen.
    """
    return "kk" if (code or "").lower().startswith("kk") else "ru"
