"""Every real payload under ../shared/fixtures/feeds, served on loopback, through the real pollers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from services.ingest.cycle import poll_source
from services.ingest.kinds import PayloadInvalid
from tests.conftest import SHARED_FEEDS, shared_path
from tests.ingest.conftest import spec_for
from tests.ingest.feedserver import FeedServer, Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Payload:
    file: str
    kind: str
    route: str
    options: dict
    documents: int
    content_type: str = "application/octet-stream"

    def __str__(self) -> str:
        return self.file


PAYLOADS = [
    Payload("rss/guardian_us_2018-01-31.rss.xml", "rss", "/us/rss", {}, 55),
    Payload("rss/jn_pt_iso-8859-1.rss.xml", "rss", "/JN-ULTIMAS", {}, 40),
    Payload("atom/heise_developer.atom.xml", "atom", "/news-atom.xml", {}, 15),
    Payload("atom/youtube_channel_google_2016.atom.xml", "atom", "/feeds/videos.xml", {}, 15),
    Payload("broken/fcutrecht_malformed_xml_declaration.rss.xml", "rss", "/rss/rssfcutrecht.php", {}, 20),
    Payload("jsonfeed/lukedorny_com_v1.1_escaped_slashes.json", "jsonfeed", "/feed", {}, 30, "application/feed+json"),
    Payload(
        "mastodon/tag_mastodon_2017-04-21_integer_ids.json",
        "mastodon",
        "/api/v1/timelines/tag/mastodon",
        {"tag": "mastodon"},
        20,
        "application/json",
    ),
    Payload(
        "bluesky/getAuthorFeed_chriskenny_2025-05-19_first20.json",
        "bluesky",
        "/xrpc/app.bsky.feed.getAuthorFeed",
        {"handle": "chriskenny.bsky.social"},
        20,
        "application/json; charset=utf-8",
    ),
    Payload(
        "bluesky/getAuthorFeed_chriskenny_2023-10-04_httptest2.json",
        "bluesky",
        "/xrpc/app.bsky.feed.getAuthorFeed",
        {"handle": "chriskenny.bsky.social"},
        3,
        "application/json",
    ),
    Payload(
        "reddit/r_askreddit_new_2016-03-01.json",
        "reddit",
        "/r/askreddit/new.json",
        {"subreddit": "askreddit"},
        100,
        "application/json",
    ),
    Payload(
        "telegram/t_me_s_topwar_official_before71009.html",
        "telegram",
        "/s/topwar_official",
        {"channel": "topwar_official"},
        12,
        "text/html; charset=utf-8",
    ),
]
FEED_KINDS = {"rss", "atom", "jsonfeed"}


async def _harvest(payload: Payload, fetcher) -> list:
    body = shared_path(SHARED_FEEDS / payload.file).read_bytes()
    with FeedServer({payload.route: Reply(body, content_type=payload.content_type)}) as server:
        url = server.url(payload.route) if payload.kind in FEED_KINDS else server.base
        spec = spec_for(payload.kind, url=url, **payload.options)
        harvest = await poll_source(spec, fetcher, {}, NOW)
    return harvest


@pytest.mark.parametrize("payload", PAYLOADS, ids=str)
async def test_real_payload_normalises_every_item(payload: Payload, fetcher) -> None:
    harvest = await _harvest(payload, fetcher)
    documents = harvest.documents
    assert len(documents) == payload.documents
    assert len({doc.id for doc in documents}) == len(documents), "ids must be unique per item"
    for doc in documents:
        assert doc.text.strip(), f"{doc.id} has no text"
        assert "<p>" not in doc.text and "</" not in doc.text, f"{doc.id} still carries HTML"
        assert "\ufffd" not in doc.text + doc.title, f"{doc.id} was decoded with the wrong charset"
        assert doc.published_at is not None and doc.published_at.utcoffset().total_seconds() == 0
        assert doc.fetched_at == NOW
        assert doc.source_id == spec_for(payload.kind, url="http://x", **payload.options).id


async def test_latin1_feed_is_decoded_as_declared(fetcher) -> None:
    harvest = await _harvest(PAYLOADS[1], fetcher)
    titles = [doc.title for doc in harvest.documents]
    assert "Mãe de utente é a nova presidente da Raríssimas" in titles
    assert all(doc.language == "pt" for doc in harvest.documents)


async def test_atom_published_offsets_become_utc(fetcher) -> None:
    harvest = await _harvest(PAYLOADS[2], fetcher)
    wildfly = next(doc for doc in harvest.documents if "WildFly 10" in doc.title)
    assert wildfly.published_at == datetime(2016, 2, 1, 16, 22, tzinfo=timezone.utc)
    assert wildfly.url == (
        "http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html"
    )


async def test_platform_cursors_advance(fetcher) -> None:
    mastodon = await _harvest(PAYLOADS[6], fetcher)
    statuses = json.loads((SHARED_FEEDS / PAYLOADS[6].file).read_bytes())
    assert mastodon.cursor["since_id"] == str(max(status["id"] for status in statuses))
    reddit = await _harvest(PAYLOADS[9], fetcher)
    assert reddit.cursor == {"before": "t3_48fbm9"}
    bluesky = await _harvest(PAYLOADS[7], fetcher)
    assert bluesky.cursor == {"last_cursor": "2024-03-21T23:36:16.378Z"}


async def test_telegram_messages_keep_their_own_text(fetcher) -> None:
    harvest = await _harvest(PAYLOADS[10], fetcher)
    by_url = {doc.url: doc for doc in harvest.documents}
    first = by_url["https://t.me/topwar_official/70989"]
    assert first.text.startswith("В Санкт-Петербурге в небо над городом подняли истребители")
    assert first.author == "Военное обозрение"
    assert first.published_at == datetime(2023, 2, 28, 7, 47, 53, tzinfo=timezone.utc)
    assert len({doc.text for doc in harvest.documents}) == len(harvest.documents)


async def test_bluesky_reposts_keep_the_original_author(fetcher) -> None:
    harvest = await _harvest(PAYLOADS[8], fetcher)
    authors = {doc.author for doc in harvest.documents}
    assert "hansilowang.bsky.social" in authors and "chriskenny.bsky.social" in authors


async def test_truncated_feed_is_reported_not_swallowed(fetcher) -> None:
    body = shared_path(SHARED_FEEDS / "broken/reuters_mostread_truncated_server_error.rss.xml").read_bytes()
    with FeedServer({"/mostread.xml": Reply(body)}) as server:
        with pytest.raises(PayloadInvalid, match="not a readable feed"):
            await poll_source(spec_for("rss", url=server.url("/mostread.xml")), fetcher, {}, NOW)


def test_every_shared_kind_folder_is_covered() -> None:
    folders = {path.name for path in shared_path(SHARED_FEEDS).iterdir() if path.is_dir()}
    covered = {Path(p.file).parts[0] for p in PAYLOADS} | {"broken", "gdelt"}
    assert folders <= covered, f"shared payload folders without a test: {sorted(folders - covered)}"
