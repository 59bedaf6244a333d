"""RSS and Atom feeds through feedparser, after an entity-declaration check on the decoded text
(feedparser then reads that text as UTF-8, so it parses exactly what was checked)."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import datetime
from typing import Any

import feedparser
import structlog

from models import Document
from services.ingest.fetcher import Fetcher, Validators
from services.ingest.kinds.base import Cursor, Harvest, PayloadInvalid, SourceKind, SourceOptions, SourceSpec
from services.ingest.kinds.documents import from_struct_time, make_document
from services.ingest.text import html_to_text
from services.ingest.xmlsafety import UnsafeXml, checked_xml

log = structlog.get_logger(__name__)

_CHARSET_PARAM = re.compile(r";\s*charset\s*=[^;]*", re.IGNORECASE)
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"


class FeedOptions(SourceOptions):
    pass


async def poll_feed(source: SourceSpec, fetcher: Fetcher, cursor: Cursor, now: datetime) -> Harvest:
    if not source.url:
        raise PayloadInvalid("an rss/atom source needs a url")
    fetched = await fetcher.get(
        source.url,
        validators=Validators(cursor.get("etag"), cursor.get("last_modified")),
        accept=FEED_ACCEPT,
        max_bytes=source.options.max_bytes,
        total_timeout=source.options.timeout,
    )
    if fetched.not_modified:
        return Harvest(cursor=dict(cursor), not_modified=True)
    parsed = await asyncio.to_thread(parse_feed_bytes, fetched.body, fetched.content_type, fetched.url)
    if parsed.get("bozo"):
        log.warning(
            "ingest.feed_malformed",
            source_id=source.id,
            url=source.url,
            salvaged_items=len(parsed.entries),
            error=f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}",
        )
    harvest = Harvest(cursor={"etag": fetched.validators.etag, "last_modified": fetched.validators.last_modified})
    harvest.documents = feed_documents(parsed, source, now)
    return harvest


def parse_feed_bytes(body: bytes, content_type: str, url: str) -> Any:
    """feedparser's result for ``body``; refuses entity declarations and unreadable documents."""
    try:
        body, mislabelled = checked_xml(body, content_type)
    except UnsafeXml as exc:
        raise PayloadInvalid(str(exc)) from None
    headers = {"content-location": url}
    if content_type:  # the body is UTF-8 now, whatever the server said
        headers["content-type"] = _CHARSET_PARAM.sub("", content_type).rstrip("; ") + "; charset=utf-8"
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except Exception as exc:  # noqa: BLE001 - feedparser's loose parser raises, e.g. ValueError on "&#x110000;"
        raise PayloadInvalid(f"not a readable feed: feedparser failed: {type(exc).__name__}: {exc}") from None
    if not parsed.entries and parsed.get("bozo"):
        reason = parsed.get("bozo_exception")
        raise PayloadInvalid(f"not a readable feed: {type(reason).__name__}: {reason}")
    if not parsed.entries and not parsed.get("version"):
        raise PayloadInvalid("not a feed (no RSS or Atom root element)")
    if mislabelled and not parsed.get("bozo"):
        parsed["bozo"] = 1
        parsed["bozo_exception"] = feedparser.CharacterEncodingOverride(mislabelled)
    return parsed


def feed_documents(parsed: Any, source: SourceSpec, now: datetime) -> list[Document]:
    feed_language = source.options.language or parsed.feed.get("language")
    documents = []
    for entry in parsed.entries:
        body = _entry_body(entry)
        document = make_document(
            source_id=source.id,
            fetched_at=now,
            url=entry.get("link"),
            fallback_key=entry.get("id") or entry.get("title"),
            title=html_to_text(entry.get("title", "")),
            text=body,
            language=entry.get("language") or feed_language,
            published_at=from_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
            author=entry.get("author"),
        )
        if document is not None:
            documents.append(document)
    return documents


def _entry_body(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((part.get("value", "") for part in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return html_to_text(best if len(best) >= len(summary) else summary)


def feed_target(target: str) -> dict[str, Any]:
    return {"url": target}


RSS = SourceKind("rss", FeedOptions, poll_feed, feed_target)
ATOM = SourceKind("atom", FeedOptions, poll_feed, feed_target)
