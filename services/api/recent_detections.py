"""The newest detections, read from the end of the detections topic.

Why: alerts exist only for subscriptions, so on a fresh run — the starter set watched and no
subscription yet — the console had nothing to show although the pipeline was finding
things. Every detection is already on the detections topic (retained for days), so the API
reads its tail on demand instead of keeping a second copy: no new table, nothing to expire.
"""

from __future__ import annotations

import asyncio

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from models.envelope import Codec
from models.story import DetectionEvent
from services.platform.config import KafkaSettings

log = structlog.get_logger(__name__)

EVENTS = Codec("tocsin.detection", DetectionEvent)
READ_TIMEOUT = 5.0


class DetectionsUnavailable(Exception):
    """The configured Kafka cannot be read; the message says why."""


async def newest_detections(kafka: KafkaSettings, limit: int) -> list[DetectionEvent]:
    """Up to ``limit`` detection events, newest first, across every partition; none when no
    Kafka is configured; :class:`DetectionsUnavailable` when it is but cannot be read."""
    if not kafka.bootstrap:
        return []  # an API deployed without Kafka has no detections to show; not an error
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap, group_id=None, enable_auto_commit=False)
    try:
        async with asyncio.timeout(READ_TIMEOUT):
            await consumer.start()
            partitions = consumer.partitions_for_topic(kafka.detections_topic) or set()
            assigned = [TopicPartition(kafka.detections_topic, number) for number in sorted(partitions)]
            if not assigned:
                return []
            consumer.assign(assigned)
            ends = await consumer.end_offsets(assigned)
            starts = await consumer.beginning_offsets(assigned)
            for partition in assigned:
                consumer.seek(partition, max(starts[partition], ends[partition] - limit))
            events: list[DetectionEvent] = []
            remaining = {partition for partition in assigned if ends[partition] > starts[partition]}
            while remaining:
                batches = await consumer.getmany(*remaining, timeout_ms=500)
                for partition, records in batches.items():
                    for record in records:
                        try:
                            events.append(EVENTS.decode(record.value))
                        except Exception:  # noqa: BLE001, S112 - a bad message is the dead-letter topic's business
                            continue
                        if record.offset + 1 >= ends[partition]:
                            remaining.discard(partition)
                if not batches:
                    remaining = {p for p in remaining if await consumer.position(p) < ends[p]}
    except TimeoutError:
        raise DetectionsUnavailable(f"Kafka at {kafka.bootstrap} did not answer within {READ_TIMEOUT:g}s") from None
    except Exception as exc:  # noqa: BLE001 - aiokafka's connection errors share no useful base
        log.warning("api.detections_unavailable", error=f"{type(exc).__name__}: {exc}")
        raise DetectionsUnavailable(f"cannot read the detections topic: {type(exc).__name__}") from None
    finally:
        await consumer.stop()
    events.sort(key=lambda event: event.observed_at, reverse=True)
    return events[:limit]
