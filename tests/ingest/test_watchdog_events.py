"""The watchdog's operational events reach the ops topic on the real broker."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from services.ingest import run_ingest
from tests.ingest.conftest import make_settings, sqlite_url
from tests.ingest.feedserver import FeedServer, Reply


async def test_a_failing_source_raises_an_ops_event(broker, kafka_settings, tmp_path: Path) -> None:
    with FeedServer({"/gone.xml": Reply(b"gone", 410, "text/plain")}) as server:
        sources = [
            {"id": "gone", "kind": "rss", "url": server.url("/gone.xml"), "interval": "10s", "failure_threshold": 1}
        ]
        settings = make_settings(kafka_settings, sqlite_url(tmp_path), sources)
        stop = asyncio.Event()
        service = asyncio.create_task(run_ingest(settings, stop))
        consumer = None
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 30
            events: list[dict] = []
            while not events and loop.time() < deadline:
                if consumer is None:
                    try:
                        consumer = AIOKafkaConsumer(
                            kafka_settings.ops_topic,
                            bootstrap_servers=kafka_settings.bootstrap,
                            auto_offset_reset="earliest",
                        )
                        await consumer.start()
                    except Exception:
                        consumer = None
                        await asyncio.sleep(0.2)
                        continue
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    events.extend(json.loads(record.value) for record in records)
        finally:
            stop.set()
            await asyncio.wait_for(service, 15)
            if consumer is not None:
                await consumer.stop()

    assert len(events) == 1
    event = events[0]
    assert event["schema"] == "tocsin.ops" and event["version"] == 1
    data = event["data"]
    assert data["event"] == "source.failing" and data["source_id"] == "gone"
    assert data["consecutive_failures"] == 1 and "HTTP 410" in data["last_error"]
