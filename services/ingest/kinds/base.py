"""The one interface every source kind implements, and the value objects it trades in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models import Document
from models.durations import Seconds
from services.ingest.fetcher import DEFAULT_MAX_BYTES, Fetcher

Cursor = Mapping[str, Any]
"""Per-source state a poller wants back next time (validators, ``since_id``, cursors)."""


class PayloadInvalid(Exception):
    """The server answered, but the body is not what this kind can read."""


class SourceOptions(BaseModel):
    """Options every kind accepts, next to ``id``, ``kind``, ``url`` and ``interval``."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    full_text: bool = False
    full_text_max_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    full_text_timeout: Seconds = 15.0
    expected_update: Seconds | None = None
    failure_threshold: int = Field(default=5, ge=1)
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1024)
    timeout: Seconds = 30.0
    language: str | None = None


@dataclass(frozen=True)
class SourceSpec:
    """A configured source with its kind's options validated."""

    id: str
    kind: str
    interval: float
    options: SourceOptions

    @property
    def url(self) -> str | None:
        return self.options.url


@dataclass
class Harvest:
    """What one poll found: documents to produce, and the cursor to keep once they are acked."""

    documents: list[Document] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)
    not_modified: bool = False


PollFunction = Callable[[SourceSpec, Fetcher, Cursor, datetime], Awaitable[Harvest]]
TargetParser = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class SourceKind:
    """A registered kind: how to read its options, how to poll it, and how
    ``tocsin fetch KIND TARGET`` turns a TARGET into options."""

    name: str
    options: type[SourceOptions]
    poll: PollFunction
    target: TargetParser
