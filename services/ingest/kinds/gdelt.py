"""GDELT DOC 2.0 article lists (``mode=ArtList&format=json``) for a query."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from pydantic import Field, model_validator

from models import Document
from models.durations import Seconds
from services.ingest.fetcher import Fetcher
from services.ingest.kinds.base import Cursor, Harvest, PayloadInvalid, SourceKind, SourceOptions, SourceSpec
from services.ingest.kinds.documents import make_document
from services.ingest.kinds.jsonbody import expect_list, expect_mapping, load_json, text_field

DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_RECORDS = 250

# GDELT names languages in English; the ones it covers most, as ISO 639-1.
LANGUAGES = {
    "english": "en",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "italian": "it",
    "portuguese": "pt",
    "russian": "ru",
    "arabic": "ar",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "turkish": "tr",
    "dutch": "nl",
    "polish": "pl",
    "ukrainian": "uk",
    "persian": "fa",
    "hindi": "hi",
    "indonesian": "id",
    "swedish": "sv",
    "norwegian": "no",
    "danish": "da",
    "finnish": "fi",
    "greek": "el",
    "hebrew": "he",
    "romanian": "ro",
    "hungarian": "hu",
    "czech": "cs",
    "vietnamese": "vi",
    "thai": "th",
    "urdu": "ur",
    "bengali": "bn",
    "catalan": "ca",
    "croatian": "hr",
    "serbian": "sr",
    "bulgarian": "bg",
    "slovak": "sk",
}


class GdeltOptions(SourceOptions):
    """``query`` in GDELT syntax; ``timespan`` bounds how far back (default 1 hour)."""

    query: str = Field(min_length=1)
    timespan: Seconds = 3600.0
    max_records: int = Field(default=75, ge=1, le=MAX_RECORDS)

    @model_validator(mode="after")
    def _default_url(self) -> "GdeltOptions":
        self.url = self.url or DOC_API
        return self


async def poll_gdelt(source: SourceSpec, fetcher: Fetcher, cursor: Cursor, now: datetime) -> Harvest:
    options = source.options
    assert isinstance(options, GdeltOptions)
    query = {
        "query": options.query,
        "mode": "ArtList",
        "format": "json",
        "maxrecords": str(options.max_records),
        "sort": "DateDesc",
        "timespan": f"{max(int(options.timespan // 60), 15)}min",
    }
    fetched = await fetcher.get(
        f"{options.url}?{urlencode(query)}",
        accept="application/json",
        max_bytes=options.max_bytes,
        total_timeout=options.timeout,
    )
    if not fetched.body.strip():
        return Harvest()
    body = expect_mapping(load_json(fetched.body, "GDELT ArtList"), "GDELT ArtList")
    if body and "articles" not in body:
        raise PayloadInvalid(f"GDELT answer has no 'articles' (keys: {sorted(body)[:5]})")
    articles = expect_list(body.get("articles", []), "GDELT articles")
    return Harvest(documents=gdelt_documents(articles, source, now))


def parse_seendate(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def gdelt_documents(articles: list[Any], source: SourceSpec, now: datetime) -> list[Document]:
    documents = []
    for article in articles:
        if not isinstance(article, dict):
            continue
        title = text_field(article, "title")
        document = make_document(
            source_id=source.id,
            fetched_at=now,
            url=text_field(article, "url") or None,
            title=title,
            text=title,
            language=LANGUAGES.get(text_field(article, "language").lower()) or source.options.language,
            published_at=parse_seendate(article.get("seendate")),
            author=text_field(article, "domain") or None,
        )
        if document is not None:
            documents.append(document)
    return documents


GDELT = SourceKind("gdelt", GdeltOptions, poll_gdelt, lambda target: {"query": target})
