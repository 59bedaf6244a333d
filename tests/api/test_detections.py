"""Detections are visible without any subscription: GET /v1/detections reads the topic's tail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer

from models.signal import DocumentRef
from models.story import DetectionEvent
from services.api.recent_detections import EVENTS, newest_detections
from services.platform.kafka import ensure_topics
from tests.api.live import make_signal


def _event(n: int, at: datetime) -> DetectionEvent:
    signal = make_signal(n)
    return DetectionEvent(
        id=f"det_{n}",
        story_key=f"story_{n}",
        document=DocumentRef(id=f"doc_{n}", source_id="bbc-world", url=f"https://news.example/{n}", title=f"Item {n}"),
        detection=signal.detections[0],
        outlet="news.example",
        observed_at=at,
    )


async def test_the_newest_detections_come_back_newest_first(kafka_settings) -> None:
    await ensure_topics(kafka_settings, [kafka_settings.detections_topic])
    start = datetime(2026, 12, 6, tzinfo=UTC)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_settings.bootstrap)
    await producer.start()
    try:
        for n in range(7):
            await producer.send_and_wait(
                kafka_settings.detections_topic,
                EVENTS.encode(_event(n, start + timedelta(minutes=n))),
                key=f"story_{n}".encode(),
            )
        await producer.send_and_wait(kafka_settings.detections_topic, b"not an envelope", key=b"x")
    finally:
        await producer.stop()
    newest = await newest_detections(kafka_settings, limit=3)
    assert [event.id for event in newest] == ["det_6", "det_5", "det_4"]
    everything = await newest_detections(kafka_settings, limit=100)
    assert len(everything) == 7  # the undecodable message is skipped


async def test_without_kafka_the_list_is_empty_and_needs_a_token(live) -> None:
    async with live.client() as anonymous:
        assert (await anonymous.get("/v1/detections")).status_code == 401
    async with live.client(await live.token("desk")) as client:
        response = await client.get("/v1/detections")
    assert response.status_code == 200 and response.json() == []


async def test_an_unreachable_kafka_is_reported_not_raised() -> None:
    import pytest

    from services.api.recent_detections import DetectionsUnavailable
    from services.platform.config import KafkaSettings
    from tests.api.live import free_port

    with pytest.raises(DetectionsUnavailable):
        await newest_detections(KafkaSettings(bootstrap=f"127.0.0.1:{free_port()}"), 5)
