"""Ingest's ops events (source.failing, source.silent) survive a broker freeze (issue 19, item 12).

During the attack's 78 s freeze ten were logged as lost and never sent. The producer here is
a stand-in whose sends fail while "frozen", as aiokafka's do once the request times out.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

from aiokafka.errors import KafkaTimeoutError

from models import Document
from services.ingest.publisher import DocumentPublisher
from services.platform.config import KafkaSettings


class Broker:
    def __init__(self) -> None:
        self.frozen = False
        self.records: list[tuple[str, bytes]] = []


class FakeProducer:
    def __init__(self, broker: Broker) -> None:
        self.broker = broker

    async def start(self) -> None:
        if self.broker.frozen:
            raise KafkaTimeoutError("broker frozen")

    async def stop(self) -> None:
        return None

    async def send_and_wait(self, topic: str, value: bytes, key: bytes) -> None:
        if self.broker.frozen:
            raise KafkaTimeoutError("broker frozen")
        self.broker.records.append((topic, value))

    async def send(self, topic: str, value: bytes, key: bytes):  # type: ignore[no-untyped-def]
        await self.send_and_wait(topic, value, key)
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def _events(broker: Broker, topic: str) -> list[str]:
    return [json.loads(value)["data"]["source_id"] for name, value in broker.records if name == topic]


async def test_ops_events_raised_while_the_broker_is_frozen_are_sent_once_it_is_back(monkeypatch) -> None:
    async def topics_exist(*args: object, **kwargs: object) -> None:
        return None

    monkeypatch.setattr("services.ingest.publisher.kafka_helpers.ensure_topics", topics_exist)
    broker = Broker()
    kafka = KafkaSettings(bootstrap="127.0.0.1:9")
    publisher = DocumentPublisher(kafka, timeout=1.0, producer_factory=lambda *a, **k: FakeProducer(broker))
    at = datetime(2026, 12, 6, tzinfo=timezone.utc)
    broker.frozen = True
    for n in range(10):
        await publisher.emit_ops("source.failing", f"feed-{n}", at, consecutive_failures=3)
    assert broker.records == []

    broker.frozen = False
    document = Document(
        id="doc_1", source_id="feed-0", url="https://news.example/1", title="t", text="x", fetched_at=at
    )
    assert await publisher.publish([document]) == ["doc_1"]
    assert _events(broker, kafka.ops_topic) == [f"feed-{n}" for n in range(10)]

    await publisher.emit_ops("source.recovered", "feed-0", at)
    assert _events(broker, kafka.ops_topic)[-1] == "feed-0" and len(_events(broker, kafka.ops_topic)) == 11
