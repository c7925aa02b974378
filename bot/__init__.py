"""The Telegram front end: a thin aiogram 3 adapter around the transport-free `dialogs`."""
