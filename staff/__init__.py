"""The center's side: a web application for staff of employment centers and akimats.

Staff see the day's appointments of their place (with the pre-screening summary when the citizen
agreed to share it), record who came, cancel or move a visit (the citizen is told through the
bot, in their language), export the day as CSV, subscribe to a calendar feed; administrators
also edit places, import the directory and the quarter's figures, and read statistics.
It shares the database, the models (`storage/`) and the booking domain (`booking/`) with the
bot, and is started by `python -m staff serve` (see `staff/__main__.py`).

Modules: `settings` (STAFF_* environment), `accounts` (argon2 hashes, roles, login rate limits),
`web` (the FastAPI app: sessions, CSRF, language, errors), `pages_*` (the routes), `day`
(the day and week as data), `summary` (what staff see of a screening), `notices` (what the
citizen is told, queued in the bot's reply outbox), `stats` and `charts`, `feeds` (.ics),
`figures` (the quarter's regional table, through the eligibility command's own import),
`audit` (who changed what), `i18n` (kk/ru in templates).
"""
