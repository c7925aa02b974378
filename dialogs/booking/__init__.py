"""The booking conversation, transport-free: place → day → time → phone → confirm → booked.

The same reply model as the intake (`dialogs.reply`: options, attachments, requests), rendered
late per language by the front end. `BookingFlow` (flow.py) takes one user action and the
`Draft` (draft.py) the booking stood at, and returns the new draft and the replies; it reaches
the booking domain only through `BookingPort` and learns what the intake knows of the citizen
through `Citizen` (port.py, narrow Protocols), so it runs in tests without a database and any
front end (Telegram, the terminal, a web chat) can use it unchanged. Texts live in screens.py
(gettext domain `booking`); nothing here imports `booking/`, `bot/` or aiogram.
"""
