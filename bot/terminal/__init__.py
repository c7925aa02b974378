"""The terminal front end's parts: reading typed lines, showing replies, the database, the loop.

`bot/console.py` is the entry point (`python -m bot console`, or `python -m bot` without a
BOT_TOKEN); `frontend.Terminal` drives the conversations.
"""
