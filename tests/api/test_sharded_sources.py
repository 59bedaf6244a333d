"""With sharded ingest, API source changes go to the compacted Kafka sources topic first."""

from __future__ import annotations

import json

import pytest
from aiokafka import AIOKafkaConsumer

from services.ingest.sharding import sources_topic
from tests.api.live import LiveApi, ServerRun, api_settings, open_live

pytestmark = pytest.mark.broker

READ_TIMEOUT_MS = 20_000


async def _records(kafka, count: int) -> list[tuple[str, dict | None]]:  # type: ignore[no-untyped-def]
    consumer = AIOKafkaConsumer(
        sources_topic(kafka), bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    found: list[tuple[str, dict | None]] = []
    try:
        while len(found) < count:
            batches = await consumer.getmany(timeout_ms=READ_TIMEOUT_MS)
            if not batches:
                break
            for records in batches.values():
                found.extend((r.key.decode(), json.loads(r.value) if r.value else None) for r in records)
    finally:
        await consumer.stop()
    return found


async def test_create_update_delete_reach_the_sources_topic(kafka_settings, tmp_path):
    settings = api_settings(tmp_path, kafka=kafka_settings, ingest={"sharded": True})
    settings, db, app = await open_live(tmp_path, settings=settings)
    try:
        async with ServerRun(app) as base_url:
            live = LiveApi(base_url, settings, db)
            async with live.client(await live.token("ops", admin=True)) as client:
                created = await client.post(
                    "/v1/sources", json={"id": "wire", "kind": "rss", "url": "https://news.example/rss"}
                )
                assert created.status_code == 201, created.text
                await client.put(
                    "/v1/sources/wire", json={"kind": "rss", "url": "https://news.example/rss", "enabled": False}
                )
                assert (await client.delete("/v1/sources/wire")).status_code == 204
    finally:
        await db.close()
    records = await _records(kafka_settings, 3)
    assert [key for key, _ in records] == ["wire", "wire", "wire"]
    assert records[0][1]["url"] == "https://news.example/rss" and records[0][1]["kind"] == "rss"
    assert records[1][1] is None and records[2][1] is None  # disabled, then deleted: tombstones


async def test_kafka_down_means_503_and_no_change(tmp_path):
    settings = api_settings(tmp_path, kafka={"bootstrap": "127.0.0.1:9"}, ingest={"sharded": True})  # a closed port
    settings, db, app = await open_live(tmp_path, settings=settings)
    try:
        async with ServerRun(app) as base_url:
            live = LiveApi(base_url, settings, db)
            async with live.client(await live.token("ops", admin=True)) as client:
                refused = await client.post(
                    "/v1/sources", json={"id": "wire", "kind": "rss", "url": "https://news.example/rss"}
                )
                assert refused.status_code == 503 and "nothing was changed" in refused.text
                assert (await client.get("/v1/sources")).json() == []
    finally:
        await db.close()
