"""structlog set-up: readable on a terminal, JSON lines when asked or when piped."""

from __future__ import annotations

import logging
import re
import sys
from typing import Literal, TextIO

import structlog
from structlog.typing import EventDict, Processor

LogFormat = Literal["auto", "console", "json"]

_SECRET_KEYS = ("secret", "token", "password", "authorization")


def redact_secrets(_logger: object, _method: str, event_dict: EventDict) -> EventDict:
    """Masks values whose key names a secret, so a careless ``log.info(secret=...)`` leaks nothing."""
    for key in list(event_dict):
        if any(word in key.lower() for word in _SECRET_KEYS):
            event_dict[key] = "***"
    return event_dict


_SECRET_TEXT = [
    (re.compile(r"whsec_[A-Za-z0-9+/=_-]+"), "whsec_***"),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@'\"]*):[^\s@/'\"]+@"), r"\1:***@"),  # URL passwords
]
_PARAMETER_LOGGERS = ("aiosqlite", "asyncpg", "psycopg", "apprise")
"""Loggers that print SQL parameters, payloads or channel URLs at DEBUG/INFO: WARNING and up only.
SQLAlchemy's own echo stays: the engine is made with ``hide_parameters``."""


def redact_text(text: str) -> str:
    """``text`` with webhook secrets and URL passwords masked."""
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def redact_secret_text(_logger: object, _method: str, event_dict: EventDict) -> EventDict:
    """Masks secrets inside any string value, the message of a foreign (stdlib) record included."""
    for key, value in event_dict.items():
        if isinstance(value, str) and ("whsec_" in value or "@" in value):
            event_dict[key] = redact_text(value)
    return event_dict


def configure_logging(fmt: LogFormat = "auto", level: str = "INFO") -> None:
    """Configures structlog and routes the standard library's logs through it."""
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
        redact_secret_text,
    ]
    renderer = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        # Level first: a debug line in a per-document loop must cost a comparison, not a
        # timestamp, a redaction pass and a dict, when the level is off.
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,  # cached loggers would escape structlog.testing.capture_logs()
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if use_json else _identity,
            renderer,
        ],
    )
    handler = _CurrentStderrHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Third-party chatter a normal start and stop should not print: migrations' plugin set-up,
    # Kafka clients, Faust's service tree (through our bridge), uvicorn's start banner.
    for noisy in (
        "aiokafka",
        "faust",
        "mode",
        "httpx",
        "httpcore",
        "uvicorn.access",
        "uvicorn.error",
        "alembic",
        "services.stream.transport",
        *_PARAMETER_LOGGERS,
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


class _CurrentStderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is now, not what it was at set-up.

    Test runners and daemonising wrappers swap ``sys.stderr``; a handler that kept the old
    object would write to a closed stream.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _identity(_logger: object, _method: str, event_dict: EventDict) -> EventDict:
    return event_dict
