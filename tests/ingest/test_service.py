"""run_ingest end to end: a loopback feed, the real broker, the real database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.exc import OperationalError

from models import document_id_for
from services.ingest import run_ingest
from services.ingest.status import StatusBoard
from services.platform.kafka import ensure_topics
from services.platform.storage import open_database
from tests.ingest.conftest import INGEST_FIXTURES, DocumentReader, make_settings, sqlite_url
from tests.ingest.feedserver import FeedServer, Reply

DESK_FEED = (INGEST_FIXTURES / "rss" / "desk_feed.xml").read_bytes()


async def _wait_for_polls(database_url: str, source_id: str, polls: int, timeout: float = 30.0) -> None:
    database = open_database(database_url)
    board = StatusBoard(database)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            try:
                if (await board.load(source_id, "rss")).polls >= polls:
                    return
            except OperationalError:
                pass  # the service has not created its tables yet
            await asyncio.sleep(0.1)
        raise AssertionError(f"{source_id} was not polled {polls} times within {timeout}s")
    finally:
        await database.close()


async def test_first_poll_produces_every_item_once_keyed_by_id(broker, kafka_settings, tmp_path: Path) -> None:
    with FeedServer({"/feed.xml": Reply(DESK_FEED, etag='"v1"', content_type="application/rss+xml")}) as server:
        settings = make_settings(
            kafka_settings,
            sqlite_url(tmp_path),
            [{"id": "seed-feed", "kind": "rss", "url": server.url("/feed.xml"), "interval": "10s"}],
        )
        stop = asyncio.Event()
        service = asyncio.create_task(run_ingest(settings, stop))
        try:
            async with DocumentReader(kafka_settings) as reader:
                documents = await reader.read_until(3)
                keys = [key for key, _doc in reader.records]
        finally:
            stop.set()
            await asyncio.wait_for(service, 15)

    assert len(documents) == 3
    assert keys == [doc.id.encode() for doc in documents]
    by_title = {doc.title: doc for doc in documents}
    ultimatum = by_title["Ministry issues 48-hour ultimatum over border crossings"]
    assert ultimatum.source_id == "seed-feed"
    assert ultimatum.id == document_id_for("url", "https://news.example.org/world/ultimatum")
    assert ultimatum.text.startswith("The foreign ministry gave the neighbouring government 48 hours")
    assert "<p>" not in ultimatum.text and "\n\nOfficials said" in ultimatum.text
    assert ultimatum.language == "en"
    assert ultimatum.author == "Ana Pereira"
    assert ultimatum.published_at == datetime(2026, 11, 24, 7, 15, tzinfo=timezone.utc)
    assert by_title["News agency denies publishing the disputed report"].id == document_id_for(
        "url", "https://news.example.org/media/denial"
    )
    assert "200 vehicles & several" in by_title["Satellite images show armoured columns massing near the frontier"].text


async def test_restart_keeps_cursors_and_produces_nothing_already_acknowledged(
    broker, kafka_settings, tmp_path: Path
) -> None:
    database_url = sqlite_url(tmp_path)
    await ensure_topics(kafka_settings, [kafka_settings.documents_topic])
    routes = {
        "/feed.xml": Reply(DESK_FEED, content_type="application/rss+xml", etag='"desk-1"'),
        "/copy.xml": Reply(DESK_FEED, content_type="application/rss+xml"),  # no validators: dedup must hold
    }
    with FeedServer(routes) as server:
        sources = [
            {"id": "desk-a", "kind": "rss", "url": server.url("/feed.xml"), "interval": "10s"},
            {"id": "desk-b", "kind": "rss", "url": server.url("/copy.xml"), "interval": "10s"},
        ]
        settings = make_settings(kafka_settings, database_url, sources)
        async with DocumentReader(kafka_settings) as reader:
            for _run in range(2):
                stop = asyncio.Event()
                service = asyncio.create_task(run_ingest(settings, stop))
                try:
                    await _wait_for_polls(database_url, "desk-a", _run + 1)
                    await _wait_for_polls(database_url, "desk-b", _run + 1)
                finally:
                    stop.set()
                    await asyncio.wait_for(service, 15)
            documents = await reader.drain(2.0)
        conditional = [headers.get("If-None-Match") for path, headers in server.requests if path == "/feed.xml"]

    assert conditional == [None, '"desk-1"'], "the restarted service did not reuse the persisted ETag"
    assert server.hits("/copy.xml") == 2
    assert sorted(doc.title for doc in documents) == sorted({doc.title for doc in documents}), (
        "the same article from two feeds or two runs was produced twice"
    )
    assert len(documents) == 3
