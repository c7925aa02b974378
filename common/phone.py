"""Kazakhstan phone numbers as people type or share them, and as they are shown."""

from __future__ import annotations

import phonenumbers


def parse_phone(text: str) -> str | None:
    """A Kazakhstan number in any usual spelling → E.164 (`+77011234567`), else None."""
    cleaned = text.strip()
    digits = "".join(ch for ch in cleaned if ch.isdigit())
    if not cleaned.startswith("+") and len(digits) == 11 and digits[0] == "7":
        cleaned = "+" + digits  # a contact shared without the plus sign
    try:
        number = phonenumbers.parse(cleaned, "KZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(number, "KZ"):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def show_phone(phone: str) -> str:
    number = phonenumbers.parse(phone, "KZ")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
