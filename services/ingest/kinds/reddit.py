"""Reddit: a subreddit's ``new.json`` listing, asking only for posts newer than the last seen."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import Field, model_validator

from models import Document
from services.ingest.fetcher import Fetcher
from services.ingest.kinds.base import Cursor, Harvest, SourceKind, SourceOptions, SourceSpec
from services.ingest.kinds.documents import from_epoch, make_document
from services.ingest.kinds.jsonbody import expect_list, expect_mapping, load_json, text_field
from services.ingest.text import clean_text

REDDIT = "https://www.reddit.com"
PAGE_LIMIT = 100
_SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}$")


class RedditOptions(SourceOptions):
    """``subreddit`` (without ``r/``); ``url`` overrides the site (e.g. old.reddit.com)."""

    subreddit: str = Field(min_length=2)

    @model_validator(mode="after")
    def _valid(self) -> "RedditOptions":
        self.subreddit = self.subreddit.removeprefix("/").removeprefix("r/")
        if not _SUBREDDIT.match(self.subreddit):
            raise ValueError(f"{self.subreddit!r} is not a subreddit name")
        self.url = (self.url or REDDIT).rstrip("/")
        return self


async def poll_reddit(source: SourceSpec, fetcher: Fetcher, cursor: Cursor, now: datetime) -> Harvest:
    """``before=<newest fullname>`` asks for newer posts only; an empty answer to such a
    request drops the cursor, since a deleted anchor post would otherwise hide everything."""
    options = source.options
    assert isinstance(options, RedditOptions)
    query = {"limit": str(PAGE_LIMIT), "raw_json": "1"}
    before = cursor.get("before")
    if before:
        query["before"] = str(before)
    fetched = await fetcher.get(
        f"{options.url}/r/{options.subreddit}/new.json?{urlencode(query)}",
        accept="application/json",
        max_bytes=options.max_bytes,
        total_timeout=options.timeout,
    )
    listing = expect_mapping(load_json(fetched.body, "Reddit listing"), "Reddit listing")
    data = expect_mapping(listing.get("data", {}), "Reddit listing data")
    children = expect_list(data.get("children", []), "Reddit listing children")
    posts: list[dict[str, Any]] = [
        child["data"] for child in children if isinstance(child, dict) and isinstance(child.get("data"), dict)
    ]
    newest = next((text_field(post, "name") for post in posts if text_field(post, "name")), None)
    return Harvest(documents=reddit_documents(posts, source, now), cursor={"before": newest} if newest else {})


def reddit_documents(posts: list[dict[str, Any]], source: SourceSpec, now: datetime) -> list[Document]:
    documents = []
    for post in posts:
        title = text_field(post, "title")
        permalink = text_field(post, "permalink")
        is_self = bool(post.get("is_self"))
        link = text_field(post, "url")
        body = clean_text(text_field(post, "selftext"))
        if not is_self and link:
            body = f"{title}\n\n{link}" if not body else f"{body}\n\n{link}"
        document = make_document(
            source_id=source.id,
            fetched_at=now,
            platform="reddit",
            platform_id=text_field(post, "name") or None,
            url=f"{REDDIT}{permalink}" if permalink.startswith("/") else (link or None),
            title=title,
            text=body,
            language=source.options.language,
            published_at=from_epoch(post.get("created_utc")),
            author=text_field(post, "author") or None,
        )
        if document is not None:
            documents.append(document)
    return documents


def reddit_target(target: str) -> dict[str, Any]:
    """``r/worldnews``, ``worldnews`` or ``https://www.reddit.com/r/worldnews``."""
    match = re.search(r"(?:^|/)r/([A-Za-z0-9_]+)", target)
    return {"subreddit": match.group(1) if match else target.strip()}


REDDIT_KIND = SourceKind("reddit", RedditOptions, poll_reddit, reddit_target)
