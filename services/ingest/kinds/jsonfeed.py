"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/), read by its own small parser."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models import Document
from services.ingest.fetcher import Fetcher, Validators
from services.ingest.kinds.base import Cursor, Harvest, PayloadInvalid, SourceKind, SourceOptions, SourceSpec
from services.ingest.kinds.documents import make_document, parse_iso_datetime
from services.ingest.kinds.jsonbody import expect_list, expect_mapping, load_json, text_field
from services.ingest.text import clean_text, html_to_text

VERSION_PREFIX = "https://jsonfeed.org/version/"
LEGACY_VERSION_PREFIX = "http://jsonfeed.org/version/"
ACCEPT = "application/feed+json, application/json;q=0.9, */*;q=0.5"


class JsonFeedOptions(SourceOptions):
    pass


async def poll_jsonfeed(source: SourceSpec, fetcher: Fetcher, cursor: Cursor, now: datetime) -> Harvest:
    if not source.url:
        raise PayloadInvalid("a jsonfeed source needs a url")
    fetched = await fetcher.get(
        source.url,
        validators=Validators(cursor.get("etag"), cursor.get("last_modified")),
        accept=ACCEPT,
        max_bytes=source.options.max_bytes,
        total_timeout=source.options.timeout,
    )
    if fetched.not_modified:
        return Harvest(cursor=dict(cursor), not_modified=True)
    feed = expect_mapping(load_json(fetched.body, "JSON Feed"), "JSON Feed")
    version = text_field(feed, "version")
    if not version.startswith((VERSION_PREFIX, LEGACY_VERSION_PREFIX)):
        raise PayloadInvalid(f"not a JSON Feed (version {version!r})")
    documents = jsonfeed_documents(feed, source, now)
    return Harvest(
        documents=documents,
        cursor={"etag": fetched.validators.etag, "last_modified": fetched.validators.last_modified},
    )


def jsonfeed_documents(feed: dict[str, Any], source: SourceSpec, now: datetime) -> list[Document]:
    language = source.options.language or text_field(feed, "language") or None
    feed_author = _author(feed)
    documents = []
    for item in expect_list(feed.get("items", []), "JSON Feed items"):
        if not isinstance(item, dict):
            continue
        body = html_to_text(text_field(item, "content_html")) or clean_text(text_field(item, "content_text"))
        body = body or clean_text(text_field(item, "summary"))
        item_id = item.get("id")
        document = make_document(
            source_id=source.id,
            fetched_at=now,
            url=text_field(item, "url") or text_field(item, "external_url") or None,
            fallback_key=str(item_id) if item_id not in (None, "") else None,
            title=text_field(item, "title"),
            text=body,
            language=text_field(item, "language") or language,
            published_at=parse_iso_datetime(item.get("date_published"))
            or parse_iso_datetime(item.get("date_modified")),
            author=_author(item) or feed_author,
        )
        if document is not None:
            documents.append(document)
    return documents


def _author(holder: dict[str, Any]) -> str | None:
    authors = holder.get("authors")
    if isinstance(authors, list):
        names = [text_field(a, "name") for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)]
        if names:
            return ", ".join(names)
    author = holder.get("author")
    if isinstance(author, dict) and isinstance(author.get("name"), str):
        return text_field(author, "name")
    return None


JSONFEED = SourceKind("jsonfeed", JsonFeedOptions, poll_jsonfeed, lambda target: {"url": target})
