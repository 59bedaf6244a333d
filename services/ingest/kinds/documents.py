"""Turning a platform's item into a ``models.Document`` the same way for every kind."""

from __future__ import annotations

import calendar
import time
from datetime import datetime, timezone

from models import Document, document_id_for
from services.ingest.canonical import canonical_url, url_document_id
from services.ingest.text import clean_text, normalise_language

MAX_TITLE_CHARS = 1000
MAX_TEXT_CHARS = 100_000
"""Longer bodies are cut: a Kafka message stays well under the broker's 1 MB default, so one
giant item can never block its source by failing to produce forever."""


def make_document(
    *,
    source_id: str,
    fetched_at: datetime,
    platform: str | None = None,
    platform_id: str | None = None,
    url: str | None = None,
    fallback_key: str | None = None,
    title: str = "",
    text: str = "",
    language: str | None = None,
    published_at: datetime | None = None,
    author: str | None = None,
) -> Document | None:
    """A document with a stable id: the platform id, else the canonical URL, else a fallback.

    Returns ``None`` for an item with nothing to key it by (it could never be deduplicated).
    An item without a body gets its title as text, since the detector reads ``text`` only.
    ``url`` is published in its canonical form (no tracking parameters or fragment).
    """
    clean_url = _canonical_or_none(url)
    if platform and platform_id:
        doc_id = document_id_for(platform, platform_id)
    elif clean_url:
        doc_id = url_document_id(clean_url)
    elif fallback_key:
        doc_id = document_id_for(f"{platform or 'item'}:{source_id}", fallback_key)
    else:
        return None
    title = clean_text(title)[:MAX_TITLE_CHARS]
    return Document(
        id=doc_id,
        source_id=source_id,
        url=clean_url,
        title=title,
        text=(text or title)[:MAX_TEXT_CHARS],
        language=normalise_language(language),
        published_at=published_at,
        fetched_at=fetched_at,
        author=clean_text(author) or None,
    )


def _canonical_or_none(url: str | None) -> str | None:
    """The canonical form of an http(s) link; ``None`` for anything else, a bad port included,
    so one broken link costs its item its URL, not the whole poll."""
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        return None
    try:
        return canonical_url(url)
    except ValueError:
        return None


def parse_iso_datetime(value: object) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 / RFC 3339 string, or ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` values are UTC ``struct_time``s."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None


def from_epoch(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None
