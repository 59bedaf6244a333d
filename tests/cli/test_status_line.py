"""The terminal status line reads its figures from Kafka and the database."""

from __future__ import annotations

from pathlib import Path

from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from services.cli.status_line import Snapshot, StatusSampler, render
from services.platform.config import KafkaSettings
from services.platform.kafka import ensure_topics
from services.platform.storage import open_database


def test_render_shows_the_rate_and_unknowns() -> None:
    before = Snapshot(at=0.0, documents=10, detections=1, signals=1, delivered=0, pending=0, failing_sources=0)
    after = Snapshot(at=30.0, documents=70, detections=5, signals=3, delivered=2, pending=1, failing_sources=None)
    line = render(after, before)
    assert line.startswith("docs/min 120 ")
    assert "pending 1" in line and "failing sources ?" in line
    assert render(after, None).startswith("docs/min ? ")


async def test_sampler_counts_offsets_and_rows(kafka_settings: KafkaSettings, tmp_path: Path) -> None:
    await ensure_topics(kafka_settings, [kafka_settings.documents_topic])
    producer = AIOKafkaProducer(bootstrap_servers=kafka_settings.bootstrap, acks="all")
    await producer.start()
    for index in range(3):
        await producer.send_and_wait(kafka_settings.documents_topic, b"x", key=str(index).encode())
    await producer.stop()
    database = open_database(f"sqlite+aiosqlite:///{tmp_path / 'status.db'}")
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE ingest_source_status (consecutive_failures INTEGER)"))
        await connection.execute(text("INSERT INTO ingest_source_status VALUES (0), (3), (1)"))
    sampler = StatusSampler(kafka_settings, database)
    try:
        snapshot = await sampler.sample()
    finally:
        await sampler.close()
        await database.close()
    assert snapshot.documents == 3
    assert snapshot.failing_sources == 2
    assert snapshot.pending is None  # the alerter's table does not exist here
