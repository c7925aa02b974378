"""Showing rendered replies in the terminal: text, numbered options, requests, attachments.

What Telegram shows as buttons is a numbered list here; a request for the phone or the location
(a share button on Telegram) becomes a line saying what to type instead; a place on the map is
its name, address and a map link; a file (the visit's calendar file) is written to a directory
and its path printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, TextIO

from common.i18n import Language
from common.text import Message, msg
from dialogs.reply import RenderedDocument, RenderedReply, RenderedVenue

MAP_LINK: Final = (
    "https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}"
)


def request_hint(request: str) -> Message:
    """What to type instead of pressing a share button."""
    if request == "contact":
        return msg("(In the terminal, type the phone number.)")
    return msg(
        "(In the terminal you cannot send a location: type a town or region, or coordinates "
        "such as 43.238, 76.945, or “skip” to choose from the list.)"
    )


def saved_file(caption: str | None, path: Path) -> Message:
    return msg("📎 {caption}: {path}", caption=caption or path.name, path=str(path))


def show(
    replies: list[RenderedReply], out: TextIO, lang: Language, files_dir: Path | None = None
) -> list[Path]:
    """Write the replies; the files written for their attachments."""
    written: list[Path] = []
    for reply in replies:
        tick = reply.replace_previous and reply.multi  # a tick: only the options changed
        if reply.text and not tick:
            out.write("\n" + reply.text + "\n")
        for attachment in reply.attachments:
            if isinstance(attachment, RenderedVenue):
                out.write(venue_text(attachment) + "\n")
            else:
                path = write_document(attachment, files_dir or Path.cwd())
                written.append(path)
                out.write(saved_file(attachment.caption, path).render(lang) + "\n")
        if reply.request is not None:
            out.write(request_hint(reply.request).render(lang) + "\n")
        else:
            for number, option in enumerate(reply.options, start=1):
                mark = "" if reply.numbered else "#"
                out.write(f"  {mark}{number}) {option.label}\n")
    out.flush()
    return written


def venue_text(venue: RenderedVenue) -> str:
    link = MAP_LINK.format(lat=venue.latitude, lon=venue.longitude)
    return f"📍 {venue.title}\n   {venue.address}\n   {link}"


def write_document(document: RenderedDocument, directory: Path) -> Path:
    """Write the file under its own name (no directory part) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = (directory / Path(document.filename).name).resolve()
    path.write_bytes(document.content)
    return path
