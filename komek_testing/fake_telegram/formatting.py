"""Telegram's text formatting and keyboard rules, strict enough to catch real bot bugs.

HTML and MarkdownV2 are parsed into plain text + entities like the Bot API does, with its error
messages ("can't parse entities: ...") for unsupported tags, unclosed tags and unescaped reserved
characters, so an unescaped ``<`` or ``.`` in a bot's reply fails here as it would in production.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from .models import JSON, ApiError, bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _cant_parse(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


_HTML_ENTITY_OF = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class _TelegramHTML(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # UTF-16 units emitted so far
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[JSON] = []
        self.error: ApiError | None = None
        self._line_starts = [0]
        for i, ch in enumerate(source):
            if ch == "\n":
                self._line_starts.append(i + 1)

    def _offset(self) -> int:
        line, col = self.getpos()
        return _byte_offset(self.source, self._line_starts[line - 1] + col)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.error:
            return
        attributes = dict(attrs)
        if tag not in _HTML_ENTITY_OF or (
            tag == "span" and attributes.get("class") != "tg-spoiler"
        ):
            self.error = _cant_parse(
                f'Unsupported start tag "{tag}" at byte offset {self._offset()}'
            )
            return
        if tag == "a" and not attributes.get("href"):
            attributes["href"] = ""
        self.stack.append((tag, self.length, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.error:
            self.error = _cant_parse(
                f'Unsupported start tag "{tag}" at byte offset {self._offset()}'
            )

    def handle_endtag(self, tag: str) -> None:
        if self.error:
            return
        if not self.stack:
            self.error = _cant_parse(f"Unexpected end tag at byte offset {self._offset()}")
            return
        open_tag, start, attrs = self.stack.pop()
        if open_tag != tag:
            self.error = _cant_parse(
                f"Unmatched end tag at byte offset {self._offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
            return
        length = self.length - start
        if length <= 0:
            return
        kind = _HTML_ENTITY_OF[tag]
        entity: JSON = {"type": kind, "offset": start, "length": length}
        if kind == "text_link":
            entity["url"] = attrs.get("href") or ""
        if kind == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        if kind == "code" and self.stack and self.stack[-1][0] == "pre":
            language = (attrs.get("class") or "").removeprefix("language-")
            if language:
                # <pre><code class="language-x"> is one pre entity with a language.
                self.stack[-1][2]["language"] = language
            return
        if kind == "pre" and attrs.get("language"):
            entity["language"] = attrs["language"]
        if kind == "custom_emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id") or ""
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        if self.error:
            return
        self.parts.append(data)
        self.length += utf16_len(data)


def _check_bare_less_than(source: str) -> None:
    """Only "<" must be escaped in Telegram HTML; a bare one is an unsupported empty tag."""
    start = source.find("<")
    while start != -1:
        after = source[start + 1 : start + 2]
        if not (after.isascii() and (after.isalpha() or after == "/")):
            name = re.split(r"[\s>]", source[start + 1 :], maxsplit=1)[0]
            raise _cant_parse(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, start)}'
            )
        start = source.find("<", start + 1)


def _parse_html(source: str) -> tuple[str, list[JSON]]:
    _check_bare_less_than(source)
    parser = _TelegramHTML(source)
    parser.feed(source)
    parser.close()
    if parser.error:
        raise parser.error
    if parser.stack:
        tag = parser.stack[-1][0]
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{tag}"')
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), entities


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_TOGGLES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough"}
_MDV2_TOGGLES["||"] = "spoiler"
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
}


def _parse_markdown_v2(source: str) -> tuple[str, list[JSON]]:
    out: list[str] = []
    length = 0
    stack: list[tuple[str, int, int]] = []  # kind, utf16 start, source index
    entities: list[JSON] = []
    i, n = 0, len(source)

    def emit(text: str) -> None:
        nonlocal length
        out.append(text)
        length += utf16_len(text)

    while i < n:
        ch = source[i]
        if ch == "\\":
            if i + 1 >= n:
                raise _cant_parse("Character '\\' is reserved and must be escaped")
            emit(source[i + 1])
            i += 2
            continue
        if ch == "`":
            fence = source.startswith("```", i)
            marker = "```" if fence else "`"
            j = i + len(marker)
            language = ""
            if fence:
                newline = source.find("\n", j)
                first_line = source[j:newline] if newline != -1 else ""
                if newline != -1 and first_line and " " not in first_line:
                    language, j = first_line, newline + 1
            start = length
            while j < n and not source.startswith(marker, j):
                if source[j] == "\\" and j + 1 < n:
                    j += 1
                emit(source[j])
                j += 1
            if j >= n:
                kind = "Pre" if fence else "Code"
                raise _cant_parse(
                    f"Can't find end of {kind} entity at byte offset {_byte_offset(source, i)}"
                )
            entity: JSON = {"type": "pre" if fence else "code", "offset": start}
            entity["length"] = length - start
            if language:
                entity["language"] = language
            if entity["length"]:
                entities.append(entity)
            i = j + len(marker)
            continue
        token = source[i : i + 2] if source[i : i + 2] in ("__", "||") else ch
        if token in _MDV2_TOGGLES:
            kind = _MDV2_TOGGLES[token]
            if stack and stack[-1][0] == kind:
                _, start, _ = stack.pop()
                if length > start:
                    entities.append({"type": kind, "offset": start, "length": length - start})
            elif any(open_kind == kind for open_kind, _, _ in stack):
                raise _cant_parse(
                    f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
                    f"{_byte_offset(source, i)}"
                )
            else:
                stack.append((kind, length, i))
            i += len(token)
            continue
        if ch == "[":
            stack.append(("text_link", length, i))
            i += 1
            continue
        if ch == "]" and stack and stack[-1][0] == "text_link":
            _, start, at = stack.pop()
            if not source.startswith("(", i + 1):
                raise _cant_parse(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            close = i + 2
            while close < n and source[close] != ")":
                close += 2 if source[close] == "\\" else 1
            if close >= n:
                raise _cant_parse(
                    f"Can't find end of a URL at byte offset {_byte_offset(source, i + 1)}"
                )
            url = source[i + 2 : close].replace("\\)", ")").replace("\\\\", "\\")
            if length > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": length - start, "url": url}
                )
            i = close + 1
            continue
        if ch == ">" and (i == 0 or source[i - 1] == "\n"):
            i += 1  # blockquote line marker
            continue
        if ch in _MDV2_RESERVED:
            raise _cant_parse(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(ch)
        i += 1
    if stack:
        kind, _, at = stack[-1]
        raise _cant_parse(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(source, at)}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_markdown_legacy(source: str) -> tuple[str, list[JSON]]:
    out: list[str] = []
    entities: list[JSON] = []
    length = 0
    markers = {"*": "bold", "_": "italic", "`": "code"}
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch in markers:
            close = source.find(ch, i + 1)
            if close == -1:
                raise _cant_parse(
                    f"Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(source, i)}"
                )
            inner = source[i + 1 : close]
            if inner:
                entities.append({"type": markers[ch], "offset": length, "length": utf16_len(inner)})
            out.append(inner)
            length += utf16_len(inner)
            i = close + 1
            continue
        out.append(ch)
        length += utf16_len(ch)
        i += 1
    return "".join(out), entities


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram drops leading/trailing whitespace of a message; entities move with the text."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    trimmed: list[JSON] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            trimmed.append({**entity, "offset": start, "length": end - start})
    return stripped, trimmed


def parse_text(
    text: str, parse_mode: str | None, entities: list[JSON] | None = None
) -> tuple[str, list[JSON]]:
    """Plain text + entities of a message as Telegram would store it."""
    mode = (parse_mode or "").lower()
    if entities:
        plain, found = text, list(entities)
    elif mode == "html":
        plain, found = _parse_html(text)
    elif mode == "markdownv2":
        plain, found = _parse_markdown_v2(text)
    elif mode == "markdown":
        plain, found = _parse_markdown_legacy(text)
    elif mode:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    else:
        plain, found = text, []
    return _trim(plain, found)


def _keyboard_button(raw: Any) -> JSON:
    button: JSON = {"text": raw} if isinstance(raw, str) else dict(raw)
    if not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request("keyboard button text is empty")
    return button


_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _inline_button(raw: Any) -> JSON:
    if not isinstance(raw, dict) or not raw.get("text"):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    button = dict(raw)
    if not any(key in button for key in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise bad_request("inline keyboard button URL is invalid")
    return button


def normalize_reply_markup(markup: Any) -> JSON | None:
    """Validate reply_markup the way Telegram does; keyboard buttons become dicts."""
    if markup is None:
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        return {"inline_keyboard": [[_inline_button(b) for b in row] for row in rows]}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        normalized = dict(markup)
        normalized["keyboard"] = [[_keyboard_button(b) for b in row] for row in rows if row]
        if not normalized["keyboard"]:
            raise bad_request("keyboard must be non-empty")
        return normalized
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")
