"""The broker goes away during a poll: the items arrive after it returns, none of them twice."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from services.ingest import run_ingest
from services.ingest.status import StatusBoard
from services.platform.broker import EmbeddedBroker
from services.platform.config import KafkaSettings
from services.platform.storage import open_database
from tests.ingest.conftest import INGEST_FIXTURES, DocumentReader, make_settings, sqlite_url
from tests.ingest.feedserver import FeedServer, Reply


async def _wait_for_status(database_url: str, predicate, timeout: float = 40.0):
    database = open_database(database_url)
    board = StatusBoard(database)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while loop.time() < deadline:
            try:
                statuses = await board.all()
            except Exception:
                statuses = []
            if statuses and predicate(statuses[0]):
                return statuses[0]
            await asyncio.sleep(0.1)
        raise AssertionError(f"status condition not met within {timeout}s: {statuses}")
    finally:
        await database.close()


def _first_item_only(feed: bytes) -> bytes:
    head, _, rest = feed.partition(b"<item>")
    first_item, _, _ = rest.partition(b"</item>")
    return head + b"<item>" + first_item + b"</item>\n  </channel>\n</rss>\n"


@pytest.mark.broker
async def test_items_survive_a_broker_outage_during_the_poll(tmp_path: Path) -> None:
    """The first poll produces one item through a connected producer; the broker then dies
    while the second poll (three items) is being fetched. Memory storage loses topics with the
    broker, so the test reads only from the replacement broker: it must hold the two new items,
    each once, and not the one acknowledged before the outage."""
    first = EmbeddedBroker().start()
    second: EmbeddedBroker | None = None
    gate = threading.Event()
    kafka = KafkaSettings(bootstrap=first.bootstrap, topic_prefix=f"outage-{os.getpid()}.", partitions=1)
    database_url = sqlite_url(tmp_path)
    full_feed = (INGEST_FIXTURES / "rss" / "desk_feed.xml").read_bytes()
    early_feed = _first_item_only(full_feed)

    def feed_route(_request) -> Reply:
        return Reply(early_feed) if server.hits("/feed.xml") <= 1 else Reply(full_feed, hold=gate)

    try:
        with FeedServer({"/feed.xml": feed_route}) as server:
            settings = make_settings(
                kafka,
                database_url,
                [{"id": "outage", "kind": "rss", "url": server.url("/feed.xml"), "interval": "10s"}],
            )
            stop = asyncio.Event()
            service = asyncio.create_task(run_ingest(settings, stop))
            try:
                loop = asyncio.get_running_loop()
                deadline = loop.time() + 15
                await _wait_for_status(database_url, lambda s: s.items_total == 1)
                deadline = loop.time() + 15
                while server.hits("/feed.xml") < 2:
                    assert loop.time() < deadline, "the second poll never started"
                    await asyncio.sleep(0.05)
                await asyncio.to_thread(first.stop)  # the broker dies while the feed is being fetched
                gate.set()
                failed = await _wait_for_status(database_url, lambda s: "broker unavailable" in (s.last_error or ""))
                assert failed.items_total == 1
                second = await asyncio.to_thread(EmbeddedBroker(port=first.port).start)
                async with DocumentReader(kafka) as reader:
                    documents = await reader.read_until(2, timeout=40)
                    recovered = await _wait_for_status(database_url, lambda s: s.items_total == 3)
                    polls = recovered.polls
                    await _wait_for_status(database_url, lambda s: s.polls > polls and s.consecutive_failures == 0)
                    documents = await reader.drain(1.0)
            finally:
                stop.set()
                await asyncio.wait_for(service, 15)
    finally:
        first.stop()
        if second is not None:
            second.stop()

    assert sorted(doc.title for doc in documents) == [
        "News agency denies publishing the disputed report",
        "Satellite images show armoured columns massing near the frontier",
    ]
