"""Producer compression (``kafka.compression``) round-trips through the real broker."""

from __future__ import annotations

import pytest

from services.platform.config import KafkaSettings
from services.platform.kafka import compression_type, ensure_topics, make_producer
from tests.stream.kafka_io import read_topic


async def test_none_turns_compression_off_and_zstd_is_the_default() -> None:
    assert compression_type(KafkaSettings(compression="none")) is None
    assert KafkaSettings().compression == "zstd"
    assert make_producer(KafkaSettings(bootstrap="127.0.0.1:1"))._compression_type == "zstd"


@pytest.mark.parametrize("codec", ["zstd", "lz4", "gzip", "snappy", "none"])
async def test_every_codec_round_trips_on_the_embedded_broker(kafka_settings: KafkaSettings, codec: str) -> None:
    kafka = kafka_settings.model_copy(update={"compression": codec})
    topic = kafka.documents_topic
    await ensure_topics(kafka, [topic])
    values = [f"document {n}: {'troops massed at the border ' * (n % 7)}".encode() for n in range(200)]
    producer = make_producer(kafka, enable_idempotence=False)  # tansu hands out no producer ids
    await producer.start()
    try:
        for value in values:
            await producer.send(topic, value, key=value[:12])
        await producer.flush()
    finally:
        await producer.stop()
    records = await read_topic(kafka, topic, until=len(values), timeout=20)
    assert sorted(r.value for r in records) == sorted(values)
