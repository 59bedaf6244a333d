"""Common base for every wire model: strict about unknown fields, lenient about order."""

from __future__ import annotations

from datetime import datetime, timezone

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
