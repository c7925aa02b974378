"""The process's log: readable lines on a laptop, one JSON object per line in production.

`configure_logging` keeps what bot.privacy installs (the redaction of digit runs, crash dumps
by type and stack) and, with `LOG_FORMAT=json`, renders every record, ours and the libraries',
through structlog's `ProcessorFormatter`: `time` (UTC, ISO 8601), `level`, `logger`, `event`
(the message, already redacted), `worker` (WORKER_ID) and, for a failure, `error`: its type, its
causes' types and its stack, never its message (a library's message may quote a Telegram
answer, names and texts included). Chats appear only as bot.privacy's salted hashes.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
import structlog
from structlog.types import EventDict, Processor, WrappedLogger

from bot.privacy import describe_failure, install_log_redaction


def configure_logging(level: str, log_format: str, *, worker: str | None = None) -> None:
    """Install the redacting handler, then (json) structlog's formatter on it."""
    install_log_redaction(level)
    if log_format != "json":
        return
    formatter = json_formatter(worker)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)


def json_formatter(worker: str | None = None) -> structlog.stdlib.ProcessorFormatter:
    """A logging.Formatter that writes one JSON object per record (module docstring)."""
    pre_chain: list[Processor] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        _failure_without_message,
    ]
    if worker:
        pre_chain.append(_with_worker(worker))
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
    )


def _failure_without_message(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """`exc_info` becomes `error`: types and stack only (bot.privacy.describe_failure)."""
    info = event.pop("exc_info", None)
    if isinstance(info, tuple) and isinstance(info[1], BaseException):
        event["error"] = describe_failure(info[1])
    elif isinstance(info, BaseException):
        event["error"] = describe_failure(info)
    return event


def _with_worker(worker: str) -> Processor:
    def add(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
        event["worker"] = worker
        return event

    return add


def _dumps(value: Any, **_: Any) -> str:
    return orjson.dumps(value, default=str).decode()
