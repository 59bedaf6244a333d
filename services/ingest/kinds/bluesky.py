"""Bluesky through the public AppView: post search by query, or one author's feed by handle."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import Field, model_validator

from models import Document
from services.ingest.fetcher import Fetcher, FetchError
from services.ingest.kinds.base import Cursor, Harvest, SourceKind, SourceOptions, SourceSpec
from services.ingest.kinds.documents import make_document, parse_iso_datetime
from services.ingest.kinds.jsonbody import expect_list, expect_mapping, load_json, object_field, text_field
from services.ingest.text import clean_text

PUBLIC_APPVIEW = "https://public.api.bsky.app"
PAGE_LIMIT = 50


class BlueskyOptions(SourceOptions):
    """``query`` (searchPosts) or ``handle`` (getAuthorFeed); ``url`` overrides the AppView."""

    query: str | None = Field(default=None, min_length=1)
    handle: str | None = Field(default=None, min_length=1)
    pages: int = Field(default=1, ge=1, le=10)

    @model_validator(mode="after")
    def _one_target(self) -> "BlueskyOptions":
        if bool(self.query) == bool(self.handle):
            raise ValueError("bluesky needs exactly one of query or handle")
        if self.handle:
            self.handle = self.handle.lstrip("@")
        self.url = (self.url or PUBLIC_APPVIEW).rstrip("/")
        return self


async def poll_bluesky(source: SourceSpec, fetcher: Fetcher, cursor: Cursor, now: datetime) -> Harvest:
    """Newest page first; ``pages`` > 1 follows the cursor further back on each poll."""
    options = source.options
    assert isinstance(options, BlueskyOptions)
    if options.query:
        endpoint, params, listing = "app.bsky.feed.searchPosts", {"q": options.query, "sort": "latest"}, "posts"
    else:
        endpoint, params, listing = "app.bsky.feed.getAuthorFeed", {"actor": options.handle or ""}, "feed"
    documents: list[Document] = []
    page_cursor: str | None = None
    for _page in range(options.pages):
        query = {**params, "limit": str(PAGE_LIMIT)}
        if page_cursor:
            query["cursor"] = page_cursor
        try:
            fetched = await fetcher.get(
                f"{options.url}/xrpc/{endpoint}?{urlencode(query)}",
                accept="application/json",
                max_bytes=options.max_bytes,
                total_timeout=options.timeout,
            )
        except FetchError as exc:
            if exc.status == 403 and options.query:
                raise FetchError(
                    f"{exc}: the AppView refused unauthenticated post search"
                    + (" beyond the first page (set pages: 1)" if page_cursor else " (it disables it under load)"),
                    status=403,
                ) from None
            raise
        page = expect_mapping(load_json(fetched.body, f"Bluesky {endpoint}"), f"Bluesky {endpoint}")
        items = expect_list(page.get(listing, []), f"Bluesky {endpoint} {listing}")
        posts = [item.get("post") if listing == "feed" and isinstance(item, dict) else item for item in items]
        documents.extend(bluesky_documents(posts, source, now))
        page_cursor = page.get("cursor") if isinstance(page.get("cursor"), str) else None
        if not page_cursor or not items:
            break
    return Harvest(documents=documents, cursor={"last_cursor": page_cursor} if page_cursor else {})


def bluesky_documents(posts: list[Any], source: SourceSpec, now: datetime) -> list[Document]:
    documents = []
    for post in posts:
        if not isinstance(post, dict):
            continue
        record = object_field(post, "record") or {}
        author = object_field(post, "author") or {}
        uri = text_field(post, "uri")
        handle = text_field(author, "handle")
        langs = record.get("langs")
        document = make_document(
            source_id=source.id,
            fetched_at=now,
            platform="bluesky",
            platform_id=uri or None,
            url=post_url(uri, handle),
            text=clean_text(text_field(record, "text")),
            language=(langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None)
            or source.options.language,
            published_at=parse_iso_datetime(record.get("createdAt")) or parse_iso_datetime(post.get("indexedAt")),
            author=handle or None,
        )
        if document is not None:
            documents.append(document)
    return documents


def post_url(uri: str, handle: str) -> str | None:
    """The bsky.app web address of ``at://did/app.bsky.feed.post/rkey``."""
    if not uri.startswith("at://") or "/app.bsky.feed.post/" not in uri:
        return None
    did, _, rkey = uri[len("at://") :].partition("/app.bsky.feed.post/")
    return f"https://bsky.app/profile/{handle or did}/post/{rkey}"


def bluesky_target(target: str) -> dict[str, Any]:
    """A handle (``@name.bsky.social`` or ``name.bsky.social``) or a search query."""
    stripped = target.strip()
    if stripped.startswith("@") or (" " not in stripped and stripped.count(".") >= 2):
        return {"handle": stripped}
    return {"query": stripped}


BLUESKY = SourceKind("bluesky", BlueskyOptions, poll_bluesky, bluesky_target)
