"""The appointment domain: places to apply, their slots, atomic booking, the reminder outbox.

Booking is its own top-level package, beside `dialogs/` rather than inside `bot/`, because
none of it is about chat: a place's hours, a slot's capacity and a reminder's due time are the
same whether the visit is booked from Telegram, the terminal or the staff page, and the rules
that protect capacity live in the database transaction, not in a handler. So nothing in
`booking/` imports aiogram; `bot/` calls in here and renders what comes back.

Modules: `places` (the directory of employment centers and rural akimats, loaded from a
validated data file), and, from the booking helper, `slots`, `appointments`, `outbox`, `sender`.
The command line: `python -m booking --help`.
"""
