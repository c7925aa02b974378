"""TSA pre-screening rules as pure code: dated, sourced parameters and an explainable screen().

No I/O besides reading the bundled parameter files; no chat, no Telegram, no database.
"""
