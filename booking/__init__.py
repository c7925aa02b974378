"""The appointment domain and its storage: places, slots, appointments, drafts, reminders.

Booking is its own top-level package, beside `dialogs/` rather than inside `bot/`, because
none of it is about chat: a place's hours, a slot's capacity and a reminder's due time are the
same whether the visit is booked from Telegram, a web chat or the staff page, and the rules
that protect capacity live in the database transaction, not in a handler. So nothing here
imports `dialogs/`, `bot/` or aiogram, and nothing here has a text or a button: the booking
conversation (dialogs/booking/) asks through its port, which `service.BookingService`
implements, and words what booking tells the citizen (`notifications`) in their language.

Modules:
- `places/`: the directory of employment centers and rural akimats (model, data file,
  database, geography);
- `slots`: when a place receives (pure); `appointments`: atomic booking, cancelling,
  rescheduling;
- `service`: all of that for one turn of a conversation, as plain data;
- `drafts_repo`: where a chat's booking stands, stored with a real compare-and-set;
- `outbox`, `sender`, `notifications`: the reminder outbox and the loop that delivers it;
- `settings`: the `BOOKING_*` tunables.
The command line: `python -m booking --help`.
"""
