"""The shared kernel: what several rooms need and none owns.

- `text`: translatable messages rendered late (`Message`, `msg`, `plural`, money and dates);
- `i18n`: the kk/ru catalogs, Babel formatting, `Language`, compiling the catalogs
  (`python -m common.i18n`);
- `kz`: Kazakhstan's time zone and local days;
- `phone`: Kazakhstan phone numbers as typed or shared, and as shown.

It imports no room (dialogs, booking, bot, eligibility); they may all import it.
"""
