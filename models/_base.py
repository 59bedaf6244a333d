"""Common base for every wire model: strict about unknown fields, lenient about order."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """Base of every schema that crosses a process boundary.

    Unknown fields are ignored rather than rejected so that an older worker can read a
    message written by a newer one within the same schema version.
    """

    model_config = ConfigDict(extra="ignore", frozen=False, populate_by_name=True)


def utcnow() -> datetime:
    """The current time, always timezone-aware UTC (naive datetimes never enter the wire)."""
    return datetime.now(timezone.utc)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_lone_surrogates(value: Any) -> Any:
    """``"\\ud800"`` is valid JSON but no character: left in, it fails every later UTF-8 encode
    (document ids, Kafka envelopes), turning one bad item into a poison message. Each becomes
    U+FFFD, as a decoder does with invalid bytes; ``json.loads`` already joined real pairs."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [replace_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {replace_lone_surrogates(key): replace_lone_surrogates(item) for key, item in value.items()}
    return value
