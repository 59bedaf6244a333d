"""The intake's failure handling, on the real broker."""

from __future__ import annotations

import time

import pytest
from aiokafka.structs import ConsumerRecord

from alerts.consumer import SignalConsumer
from models import SIGNALS
from services.platform import kafka as kafka_clients
from services.platform.storage import ensure_schema, open_database
from tests.alerts.factories import detection, read_topic, signal

pytestmark = pytest.mark.broker


def record(topic: str, value: bytes) -> ConsumerRecord:
    return ConsumerRecord(
        topic=topic,
        partition=0,
        offset=7,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=value,
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(value),
        headers=(),
    )


async def test_a_signal_the_pipeline_cannot_handle_is_dead_lettered_not_fatal(kafka_settings, tmp_path):
    def broken_subscriptions():
        raise RuntimeError("subscription store bug")

    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'alerts.db'}")
    await ensure_schema(db)
    await kafka_clients.ensure_topics(kafka_settings, [kafka_settings.dead_letter_topic])
    producer = kafka_clients.make_producer(kafka_settings, enable_idempotence=False)
    await producer.start()
    try:
        intake = SignalConsumer(
            None,
            producer,
            db,
            broken_subscriptions,
            dead_letter_topic=kafka_settings.dead_letter_topic,  # type: ignore[arg-type]
            clock=time.time,
            on_recorded=lambda: None,
        )
        raw = SIGNALS.encode(signal(detection()))
        assert await intake.handle(record(kafka_settings.signals_topic, raw)) == 0
    finally:
        await producer.stop()
        await db.close()
    (dead,) = await read_topic(kafka_settings, kafka_settings.dead_letter_topic, 1)
    assert dead.value == raw
    assert b"subscription store bug" in dict(dead.headers)["tocsin-error"]
