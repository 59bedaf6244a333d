"""A source added through the API's store reaches a running (unsharded) ingest without a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

from services.ingest import run_ingest
from services.ingest.catalogue import save_source
from services.platform.config import SourceSettings
from services.platform.storage import open_database
from tests.ingest.conftest import INGEST_FIXTURES, DocumentReader, make_settings, sqlite_url
from tests.ingest.feedserver import FeedServer, Reply

DESK_FEED = (INGEST_FIXTURES / "rss" / "desk_feed.xml").read_bytes()


async def test_a_source_saved_while_running_is_polled(broker, kafka_settings, tmp_path: Path) -> None:
    database_url = sqlite_url(tmp_path)
    with FeedServer({"/feed.xml": Reply(DESK_FEED, content_type="application/rss+xml")}) as server:
        settings = make_settings(kafka_settings, database_url, [])
        settings.security.allow_private_targets = True
        stop = asyncio.Event()
        service = asyncio.create_task(run_ingest(settings, stop))
        database = open_database(database_url)
        try:
            async with DocumentReader(kafka_settings) as reader:
                assert await reader.drain(1.5) == [], "no source yet, nothing produced"
                await save_source(
                    database, SourceSettings(id="added-live", kind="rss", url=server.url("/feed.xml"), interval=10)
                )
                documents = await reader.read_until(3, timeout=30)
        finally:
            stop.set()
            await asyncio.wait_for(service, 15)
            await database.close()
    assert {doc.source_id for doc in documents} == {"added-live"}
