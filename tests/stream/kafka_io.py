"""Producing documents to, and reading records from, the real broker in stream tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from models import DOCUMENTS, Document
from services.platform.config import KafkaSettings


async def produce_documents(kafka: KafkaSettings, documents: list[Document], pause: float = 0.0) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, acks="all")  # tansu has no producer ids
    await producer.start()
    try:
        for document in documents:
            await producer.send_and_wait(kafka.documents_topic, DOCUMENTS.encode(document), key=document.id.encode())
            if pause:
                await asyncio.sleep(pause)
    finally:
        await producer.stop()


async def read_topic(
    kafka: KafkaSettings,
    topic: str,
    until: int,
    timeout: float,
    quiet_after: float = 0.0,
    key: Callable[[ConsumerRecord], object] | None = None,
) -> list[ConsumerRecord]:
    """Records from the start of ``topic`` until ``until`` arrived (then ``quiet_after`` more
    seconds, to catch extras such as duplicates) or ``timeout`` passed. With ``key``, ``until``
    counts distinct keys: a worker killed before committing leaves records its successor
    writes again, which must not end the wait before every key has arrived."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    records: list[ConsumerRecord] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    settle_until: float | None = None
    try:
        while loop.time() < deadline:
            arrived = len({key(r) for r in records}) if key is not None else len(records)
            if settle_until is None and arrived >= until:
                settle_until = loop.time() + quiet_after
            if settle_until is not None and loop.time() >= settle_until:
                break
            batch = await consumer.getmany(timeout_ms=300)
            for messages in batch.values():
                records.extend(messages)
    finally:
        await consumer.stop()
    return records
