"""A normalised item from any source: the unit that flows into the documents topic."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from models._base import WireModel, utcnow
from models.ids import stable_id


def document_id_for(source_kind: str, key: str) -> str:
    """A stable document id from a platform id or a canonical URL.

    Hashing keeps ids short and safe to use as Kafka keys and database keys, while the
    same item seen twice (across polls, restarts or instances) always gets the same id.
    """
    return stable_id("doc_", source_kind, key, length=32)


class Document(WireModel):
    """One news article, post or message, as the ingest service saw it."""

    id: str = Field(min_length=1, max_length=200)
    source_id: str = Field(min_length=1, max_length=200)
    url: str | None = None
    title: str = ""
    text: str = ""
    language: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime = Field(default_factory=utcnow)
    author: str | None = None

    @field_validator("published_at", "fetched_at")
    @classmethod
    def _must_be_aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("datetimes must carry a timezone (UTC expected)")
        return value

    @property
    def full_text(self) -> str:
        """Title and body as the detector reads them; offsets refer to ``text`` only."""
        return self.text
