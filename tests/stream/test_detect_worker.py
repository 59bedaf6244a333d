"""The detect worker (Faust) on the real embedded broker: signals out, poison to dead letter."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from models import DOCUMENTS, SIGNALS, Document
from services.platform.config import KafkaSettings
from services.platform.kafka import ensure_topics
from tests.support.processes import TocsinProcess, kafka_env

pytestmark = pytest.mark.broker

BUILDUP = (
    "The United States has deployed warships and thousands of troops off the coast of "
    "Venezuela, officials said on Monday."
)


async def _collect(kafka: KafkaSettings, topic: str, count: int, timeout: float) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    records: list = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for messages in batch.values():
                    records.extend(messages)
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return records


async def test_malformed_documents_go_to_dead_letter_and_the_worker_carries_on(
    kafka_settings: KafkaSettings, tmp_path: Path
) -> None:
    kafka = kafka_settings
    await ensure_topics(kafka, [kafka.documents_topic, kafka.signals_topic, kafka.dead_letter_topic], partitions=1)
    good = Document(id="doc-good", source_id="test", title="Buildup", text=BUILDUP)
    wrong_version = json.dumps({"schema": "tocsin.document", "version": 99, "data": {}}).encode()
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, acks="all")
    await producer.start()
    try:
        # One partition, so the good document is strictly behind both poison messages.
        await producer.send_and_wait(kafka.documents_topic, b"{not json", key=b"bad-1")
        await producer.send_and_wait(kafka.documents_topic, wrong_version, key=b"bad-2")
        await producer.send_and_wait(kafka.documents_topic, DOCUMENTS.encode(good), key=good.id.encode())
    finally:
        await producer.stop()

    with TocsinProcess(["detect"], tmp_path, kafka_env(kafka)) as worker:
        dead = await _collect(kafka, kafka.dead_letter_topic, 2, timeout=60)
        signals = await _collect(kafka, kafka.signals_topic, 1, timeout=60)
        details = worker.describe()

    assert [record.key for record in dead] == [b"bad-1", b"bad-2"], details
    errors = [dict(record.headers)["tocsin-error"].decode() for record in dead]
    assert "not JSON" in errors[0]
    assert "version 99" in errors[1]
    assert dead[0].value == b"{not json"
    assert len(signals) == 1, details
    signal = SIGNALS.decode(signals[0].value)
    assert signal.document.id == "doc-good"
    assert "military_buildup" in {d.pattern for d in signal.detections}
