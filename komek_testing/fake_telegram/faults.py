"""Injected failures (``fail_next``): JSON errors, proxy error pages, cut bodies, TCP resets."""

from __future__ import annotations

import http
import json
import socket
import struct
from dataclasses import dataclass
from typing import Literal

from aiohttp import web

from .models import JSON, ApiError
from .protocol import BLOCKED

ResetWhen = Literal["before", "after"]
JSON_TYPE = "application/json"
TcpClose = Literal["rst", "fin"]

NGINX_PHRASES = {504: "Gateway Time-out", 413: "Request Entity Too Large"}
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: BLOCKED,
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(eq=False)
class FailRule:
    """One ``fail_next`` entry.

    ``kind``: "error" (a Bot API JSON error), "raw" (any other body, e.g. nginx's HTML page),
    "truncate" (the real JSON answer cut short) or "reset" (the TCP connection is dropped).
    ``processed``: the call is executed first and the failure replaces its answer.
    """

    method: str
    chat_id: int | None
    remaining: int
    kind: str
    processed: bool
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    body: bytes = b""
    content_type: str = ""
    keep: int | None = None
    tcp: TcpClose = "rst"

    @property
    def needs_http(self) -> bool:
        """Only an HTTP answer can carry it (``FakeTelegram.call`` skips such rules)."""
        return self.kind != "error"

    @property
    def fault(self) -> str:
        """How ``RecordedRequest.fault`` names it."""
        if self.kind == "reset":
            return "reset_after" if self.processed else "reset_before"
        return "truncated" if self.kind == "truncate" else self.kind

    def answer(self, real: JSON | None) -> Answer:
        """What goes back instead of ``real`` (the executed call's JSON, for processed rules)."""
        if self.kind == "reset":
            return Answer(0, None, drop=self.tcp)
        if self.kind == "raw":
            return Answer(self.status, None, raw=self.body, content_type=self.content_type)
        if self.kind == "truncate":
            text = json.dumps(real, ensure_ascii=False)
            keep = len(text) // 2 if self.keep is None else self.keep
            keep = max(0, min(keep, len(text) - 1))  # always invalid JSON
            return Answer(self.status, None, raw=text[:keep].encode(), content_type=JSON_TYPE)
        error = ApiError(self.status, self.description, retry_after=self.retry_after)
        return Answer(self.status, error.body())


@dataclass(slots=True)
class Answer:
    """What one API call answers: JSON, a raw body, or nothing (``drop``: close the socket)."""

    status: int
    body: JSON | None
    raw: bytes | None = None
    content_type: str = JSON_TYPE
    drop: TcpClose | None = None


def nginx_error_page(status: int) -> bytes:
    """The HTML page nginx in front of api.telegram.org answers with (502, 504, ...)."""
    try:
        phrase = NGINX_PHRASES.get(status) or http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    title = f"{status} {phrase}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


def make_rule(
    method: str,
    *,
    status: int | None,
    description: str | None,
    retry_after: int | None,
    chat_id: int | None,
    times: int,
    html: bool,
    body: bytes | str | None,
    content_type: str | None,
    truncate: bool | int,
    reset: ResetWhen | None,
    tcp: TcpClose,
    processed: bool,
) -> FailRule:
    """Validate ``fail_next`` arguments and build the rule."""
    modes = [
        name
        for name, chosen in (
            ("html", html),
            ("body", body is not None),
            ("truncate", truncate is not False),
            ("reset", reset is not None),
        )
        if chosen
    ]
    if len(modes) > 1:
        raise ValueError(f"fail_next: choose one of html/body/truncate/reset, got {modes}")
    if times < 1:
        raise ValueError("fail_next: times must be >= 1")
    if tcp not in ("rst", "fin"):
        raise ValueError(f"fail_next: tcp must be 'rst' or 'fin', got {tcp!r}")
    method = method.lower()
    mode = modes[0] if modes else "error"
    if mode == "reset":
        if reset not in ("before", "after"):
            raise ValueError(f"fail_next: reset must be 'before' or 'after', got {reset!r}")
        if status is not None or processed:
            raise ValueError("fail_next: a reset answers nothing (no status=/processed=)")
        return FailRule(method, chat_id, times, "reset", processed=reset == "after", tcp=tcp)
    if mode == "truncate":
        keep = None if truncate is True else int(truncate)
        return FailRule(method, chat_id, times, "truncate", True, status=status or 200, keep=keep)
    if mode in ("html", "body"):
        if body is None:
            raw, default_type = nginx_error_page(status or 502), "text/html"
        elif isinstance(body, str):
            raw, default_type = body.encode(), "text/plain; charset=utf-8"
        else:
            raw, default_type = body, "application/octet-stream"
        return FailRule(
            method,
            chat_id,
            times,
            "raw",
            processed,
            status=status or 502,
            body=raw,
            content_type=content_type or default_type,
        )
    if status is None:
        raise TypeError("fail_next: status= is required for a JSON error answer")
    if status == 429 and retry_after is None:
        retry_after = 1
    if description is None:
        description = (
            f"Too Many Requests: retry after {retry_after}"
            if status == 429
            else DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        )
    return FailRule(
        method,
        chat_id,
        times,
        "error",
        processed,
        status=status,
        description=description,
        retry_after=retry_after,
    )


def drop_connection(request: web.BaseRequest, how: TcpClose) -> None:
    """Close the client's TCP connection without an answer.

    "rst": SO_LINGER 0 + abort, the peer gets ECONNRESET (aiohttp ``ClientOSError: [Errno 104]
    Connection reset by peer``); "fin": an orderly close (``ServerDisconnectedError``).
    """
    transport = request.transport
    if transport is None:
        return
    if how == "rst":
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
