"""`python -m whatsapp`: migrate the database, serve the webhook, deliver, send reminders.

A configuration error names the setting and exits with code 2, never printing a value.
"""

from __future__ import annotations

import sys

from aiohttp import web

from booking.settings import BookingSettings
from bot.config import ConfigurationError, load_settings
from bot.privacy import install_log_redaction
from storage.migrate import upgrade_to_head
from whatsapp.app import WhatsAppFrontEnd
from whatsapp.settings import WhatsAppSettings


def main() -> int:
    try:
        settings = load_settings(WhatsAppSettings)
        booking_settings = load_settings(BookingSettings)
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    install_log_redaction()
    upgrade_to_head(settings.database_url)
    front_end = WhatsAppFrontEnd(settings, booking_settings)
    web.run_app(
        front_end.web_app(), host=settings.host, port=settings.port, print=None, access_log=None
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
