"""Every source parser, fed generated hostile bodies: a document list or PayloadInvalid, nothing else.

Each documented outcome is checked too: documents are valid, bounded in size, and survive
the Kafka envelope round trip (a document that cannot be encoded would block its source).
"""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from models import DOCUMENTS, Document
from services.ingest.kinds.base import PayloadInvalid, SourceSpec
from services.ingest.kinds.bluesky import BlueskyOptions, poll_bluesky
from services.ingest.kinds.documents import MAX_TEXT_CHARS, MAX_TITLE_CHARS
from services.ingest.kinds.feed import FeedOptions, feed_documents, parse_feed_bytes
from services.ingest.kinds.gdelt import GdeltOptions, poll_gdelt
from services.ingest.kinds.jsonfeed import JsonFeedOptions, poll_jsonfeed
from services.ingest.kinds.mastodon import MastodonOptions, poll_mastodon
from services.ingest.kinds.reddit import RedditOptions, poll_reddit
from services.ingest.kinds.telegram import TelegramOptions, poll_telegram
from tests.fuzz.canned import CannedFetcher, run_now
from tests.fuzz.hostile_values import feed_bodies, json_bytes, json_values, loose, shaped, telegram_pages, urls
from tests.fuzz.profile import FUZZ

NOW = datetime(2025, 12, 22, 18, 0, tzinfo=timezone.utc)
BASE = "http://127.0.0.1:9"


def spec(kind: str, options) -> SourceSpec:  # type: ignore[no-untyped-def]
    return SourceSpec(id=f"fuzz-{kind}", kind=kind, interval=60.0, options=options)


def check(documents: list[Document]) -> None:
    for document in documents:
        assert len(document.text) <= MAX_TEXT_CHARS and len(document.title) <= MAX_TITLE_CHARS
        assert DOCUMENTS.decode(DOCUMENTS.encode(document)) == document


def poll_or_refuse(poll, source: SourceSpec, body: bytes, content_type: str = "application/json") -> None:  # type: ignore[no-untyped-def]
    try:
        harvest = run_now(poll(source, CannedFetcher(body, content_type), {}, NOW))
    except PayloadInvalid as refused:
        assert str(refused)
        return
    check(harvest.documents)


RSS = spec("rss", FeedOptions(url=f"{BASE}/feed.xml"))


@FUZZ
@given(feed_bodies, st.sampled_from(["application/rss+xml", "text/xml; charset=iso-8859-1", "", "text/html"]))
def test_feed_xml(body: bytes, content_type: str) -> None:
    try:
        parsed = parse_feed_bytes(body, content_type, f"{BASE}/feed.xml")
    except PayloadInvalid as refused:
        assert str(refused)
        return
    check(feed_documents(parsed, RSS, NOW))


JSONFEED_ITEM = shaped(
    {
        "id": loose,
        "url": urls,
        "external_url": urls,
        "title": loose,
        "content_html": loose,
        "content_text": loose,
        "summary": loose,
        "date_published": loose,
        "date_modified": loose,
        "language": loose,
        "authors": st.lists(shaped({"name": loose}), max_size=2) | json_values,
        "author": shaped({"name": loose}) | loose,
    }
)
JSONFEED_BODY = shaped(
    {
        "version": st.sampled_from(["https://jsonfeed.org/version/1.1", "http://jsonfeed.org/version/1", "2"]) | loose,
        "items": st.lists(JSONFEED_ITEM | json_values, max_size=4) | json_values,
        "language": loose,
        "authors": json_values,
    }
)


@FUZZ
@given(json_bytes(JSONFEED_BODY))
def test_json_feed(body: bytes) -> None:
    poll_or_refuse(poll_jsonfeed, spec("jsonfeed", JsonFeedOptions(url=f"{BASE}/feed.json")), body)


ACCOUNT = shaped({"acct": loose, "id": loose})
STATUS = shaped(
    {
        "id": loose,
        "uri": loose,
        "url": urls,
        "content": loose,
        "spoiler_text": loose,
        "created_at": loose,
        "language": loose,
        "in_reply_to_id": loose,
        "account": ACCOUNT | loose,
    }
)
STATUSES = st.lists(
    STATUS | st.tuples(STATUS, STATUS).map(lambda pair: {**pair[0], "reblog": pair[1]}) | json_values, max_size=4
)


@FUZZ
@given(json_bytes(STATUSES | json_values), st.booleans())
def test_mastodon(body: bytes, exclude_replies: bool) -> None:
    options = MastodonOptions(url=BASE, tag="news", exclude_replies=exclude_replies)
    poll_or_refuse(poll_mastodon, spec("mastodon", options), body)


POST = shaped(
    {
        "uri": st.sampled_from(["at://did:plc:x/app.bsky.feed.post/3k", "at://", "at:///app.bsky.feed.post/"]) | loose,
        "author": shaped({"handle": loose}) | loose,
        "indexedAt": loose,
        "record": shaped({"text": loose, "createdAt": loose, "langs": st.lists(loose, max_size=2) | loose}) | loose,
    }
)
SEARCH_PAGE = shaped({"posts": st.lists(POST | json_values, max_size=4) | json_values, "cursor": loose})


@FUZZ
@given(json_bytes(SEARCH_PAGE | json_values))
def test_bluesky(body: bytes) -> None:
    poll_or_refuse(poll_bluesky, spec("bluesky", BlueskyOptions(url=BASE, query="ultimatum")), body)


REDDIT_POST = shaped(
    {
        "name": loose,
        "title": loose,
        "permalink": st.sampled_from(["/r/x/comments/1/a/", "//evil", ""]) | loose,
        "url": urls,
        "selftext": loose,
        "is_self": st.booleans() | loose,
        "created_utc": json_values,
        "author": loose,
    }
)
LISTING = shaped(
    {"data": shaped({"children": st.lists(shaped({"data": REDDIT_POST | loose}) | loose, max_size=4) | loose}) | loose}
)


@FUZZ
@given(json_bytes(LISTING | json_values))
def test_reddit(body: bytes) -> None:
    poll_or_refuse(poll_reddit, spec("reddit", RedditOptions(url=BASE, subreddit="worldnews")), body)


@FUZZ
@given(telegram_pages)
def test_telegram_html(body: bytes) -> None:
    options = TelegramOptions(url=BASE, channel="chan_news")
    poll_or_refuse(poll_telegram, spec("telegram", options), body, "text/html")


ARTICLE = shaped(
    {
        "url": urls,
        "title": loose,
        "seendate": st.sampled_from(["20251222T180000Z", "20251399T999999Z"]) | loose,
        "language": st.sampled_from(["English", "ENGLISH", "Klingon"]) | loose,
        "domain": loose,
    }
)
ARTLIST = shaped({"articles": st.lists(ARTICLE | json_values, max_size=4) | json_values}) | st.just({})


@FUZZ
@given(json_bytes(ARTLIST | json_values) | st.sampled_from([b"", b"   ", b"\n"]))
def test_gdelt_json(body: bytes) -> None:
    poll_or_refuse(poll_gdelt, spec("gdelt", GdeltOptions(url=BASE, query="ultimatum")), body)


def test_strategies_reach_both_outcomes() -> None:
    """Guards the fuzz itself: the hostile bodies include ones that parse and ones refused."""
    good = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "https://a.example/1", "content_text": "x"}]}'
    source = spec("jsonfeed", JsonFeedOptions(url=f"{BASE}/feed.json"))
    assert len(run_now(poll_jsonfeed(source, CannedFetcher(good), {}, NOW)).documents) == 1
    try:
        run_now(poll_jsonfeed(source, CannedFetcher(b"\xff"), {}, NOW))
    except PayloadInvalid:
        pass
    else:
        raise AssertionError("invalid bytes were not refused")
