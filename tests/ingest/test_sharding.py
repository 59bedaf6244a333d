"""Scale-out: two ingest instances split the sources through the ingest consumer group."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiokafka.partitioner import DefaultPartitioner

from services.ingest.kinds import build_spec
from services.ingest.service import IngestService
from services.ingest.sharding import decode_source, encode_source, forget_source, publish_sources
from services.platform.config import SourceSettings
from tests.ingest.conftest import INGEST_FIXTURES, make_settings, sqlite_url
from tests.ingest.feedserver import FeedServer, Reply

SOURCE_IDS = [f"s{n}" for n in range(8)]


async def _until(predicate, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"{what} within {timeout}s")
        await asyncio.sleep(0.1)


def test_source_definitions_round_trip() -> None:
    spec = build_spec(
        SourceSettings(id="m", kind="mastodon", url="https://mastodon.social", tag="venezuela", interval="2m")
    )
    assert decode_source(encode_source(spec)) == spec


async def test_instances_split_sources_and_take_over_from_a_leaver(broker, kafka_settings, tmp_path: Path) -> None:
    partitions = {DefaultPartitioner()(sid.encode(), [0, 1], [0, 1]) for sid in SOURCE_IDS}
    assert partitions == {0, 1}, "the test needs sources on both partitions"
    body = (INGEST_FIXTURES / "rss" / "desk_feed.xml").read_bytes()
    with FeedServer({f"/{sid}.xml": Reply(body, etag='"v1"') for sid in SOURCE_IDS}) as server:
        sources = [
            {"id": sid, "kind": "rss", "url": server.url(f"/{sid}.xml"), "interval": "10s"} for sid in SOURCE_IDS
        ]
        settings = make_settings(kafka_settings, sqlite_url(tmp_path), sources)
        settings.ingest.sharded = True
        first, second = IngestService(settings), IngestService(settings)
        stop_first, stop_second = asyncio.Event(), asyncio.Event()
        tasks = [asyncio.create_task(first.run(stop_first))]
        try:
            await _until(lambda: first.owned == set(SOURCE_IDS), 40, "the only instance did not take every source")
            tasks.append(asyncio.create_task(second.run(stop_second)))
            await _until(
                lambda: first.owned and second.owned and first.owned | second.owned == set(SOURCE_IDS),
                60,
                "the two instances did not split the sources",
            )
            assert not first.owned & second.owned, "a source is owned by both instances"
            stop_second.set()
            await asyncio.wait_for(tasks[1], 30)
            await _until(lambda: first.owned == set(SOURCE_IDS), 60, "the survivor did not take the leaver's sources")
            late = build_spec(SourceSettings(id="late", kind="rss", url=server.url("/s0.xml"), interval="10s"))
            await publish_sources(kafka_settings, [late])
            await _until(lambda: "late" in first.owned, 30, "a source added to the topic at run time was not picked up")
            await forget_source(kafka_settings, "late")
            await _until(lambda: "late" not in first.owned, 30, "a tombstoned source was still polled")
            assert first.owned == set(SOURCE_IDS)
        finally:
            stop_first.set()
            stop_second.set()
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
