"""Scale-out: two ``tocsin detect`` workers share partitions; one is killed mid-stream.

The guarantee is at-least-once with idempotent outputs: every document is processed (its
detection event appears) and no story is duplicated, because story ids are derived from
content and a replayed detection lands on the story that already holds it.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from models import DETECTION_EVENTS, SIGNALS, Document
from services.platform.broker import EmbeddedBroker
from services.platform.config import KafkaSettings
from services.platform.kafka import ensure_topics
from services.stories import normalise_actor
from services.stream.transport import seek_to_committed_or_reset
from tests.stream.kafka_io import produce_documents, read_topic
from tests.support.processes import TocsinProcess, kafka_env

pytestmark = pytest.mark.broker

PAIRS = [
    ("Russia", "Ukraine"),
    ("China", "Taiwan"),
    ("India", "Pakistan"),
    ("Turkey", "Syria"),
    ("Israel", "Lebanon"),
    ("Iran", "Iraq"),
    ("Ethiopia", "Eritrea"),
    ("Azerbaijan", "Armenia"),
]
DOCUMENTS = 96
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)


def documents() -> list[Document]:
    items = []
    for index in range(DOCUMENTS):
        actor, target = PAIRS[index % len(PAIRS)]
        text = (
            f"{actor} has deployed thousands of troops and armoured vehicles to its border with {target}, "
            f"satellite images published on day {index} show."
        )
        items.append(
            Document(
                id=f"doc-{index:03d}",
                source_id=f"feed-{index % 5}",
                url=f"https://outlet{index}.example/a",
                text=text,
                fetched_at=T0 + timedelta(minutes=index),
            )
        )
    return items


def _ready_count(worker: TocsinProcess) -> int:
    return sum(1 for line in worker.stderr().splitlines() if '"service.ready"' in line)


async def _wait_ready(*workers: TocsinProcess, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline and not all(_ready_count(w) for w in workers):
        await asyncio.sleep(0.2)


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    """A fresh tansu for this test alone: late in a full run the shared broker holds hundreds
    of topics and groups, and a dead member's eviction there was seen to stall takeover."""
    with EmbeddedBroker() as running:
        yield running


async def test_killing_one_of_two_workers_skips_nothing_and_duplicates_no_story(
    tmp_path: Path, own_broker: EmbeddedBroker
) -> None:
    kafka = KafkaSettings(
        bootstrap=own_broker.bootstrap,
        topic_prefix=f"scale-{tmp_path.name}.",
        consumer_group_prefix=f"scale-{tmp_path.name}",
        partitions=4,
    )
    await ensure_topics(
        kafka, [kafka.documents_topic, kafka.detections_topic, kafka.signals_topic, kafka.dead_letter_topic]
    )
    items = documents()
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    with (
        TocsinProcess(["detect"], first_dir, kafka_env(kafka)) as first,
        TocsinProcess(["detect"], second_dir, kafka_env(kafka)) as second,
    ):
        await _wait_ready(first, second)
        producing = asyncio.create_task(produce_documents(kafka, items, pause=0.05))
        await asyncio.sleep(1.5)  # mid-stream
        first.stop(signal.SIGKILL)
        await producing
        events = await read_topic(
            kafka,
            kafka.detections_topic,
            until=DOCUMENTS,
            timeout=180,
            quiet_after=3,
            key=lambda record: DETECTION_EVENTS.decode(record.value).document.id,
        )
        signal_records = await read_topic(kafka, kafka.signals_topic, until=1, timeout=30, quiet_after=3)
        details = second.describe()

    seen = {DETECTION_EVENTS.decode(record.value).document.id for record in events}
    missing = sorted({item.id for item in items} - seen)
    assert not missing, f"{len(missing)} documents never processed: {missing[:10]}\n{details}"

    stories_by_event: dict[tuple, set[str]] = defaultdict(set)
    for record in signal_records:
        item = SIGNALS.decode(record.value)
        if item.story_id is None:
            continue
        detection = item.detections[0]
        stories_by_event[(detection.pattern, normalise_actor(detection.actor))].add(item.story_id)
    assert stories_by_event, details
    duplicated = {key: ids for key, ids in stories_by_event.items() if len(ids) > 1}
    assert not duplicated, json.dumps({str(k): sorted(v) for k, v in duplicated.items()})
    assert len(stories_by_event) == len(PAIRS)


async def _fetch(consumer: AIOKafkaConsumer, count: int) -> list[int]:
    offsets: list[int] = []
    for _ in range(50):
        if len(offsets) >= count:
            break
        for records in (await consumer.getmany(timeout_ms=200)).values():
            offsets.extend(record.offset for record in records)
    return offsets


async def test_seek_to_committed_rewinds_a_partition_nobody_has_committed(kafka_settings: KafkaSettings) -> None:
    """The mechanism behind the kill test's lost documents, made deterministic.

    A worker taking over a partition its killed owner never committed had fetched records
    that Faust discarded around the rebalance, expecting the seek to committed offsets
    before it resumes to rewind the fetcher; aiokafka's seek leaves such a partition where
    it is, so the records were never read again.
    """
    kafka = kafka_settings
    await ensure_topics(kafka, [kafka.documents_topic], partitions=1)
    await produce_documents(kafka, documents()[:5])
    tp = TopicPartition(kafka.documents_topic, 0)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap,
        group_id=f"{kafka.consumer_group_prefix}-seek",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        consumer.assign([tp])
        assert await _fetch(consumer, 5) == [0, 1, 2, 3, 4]  # fetched, never processed or committed
        await consumer.seek_to_committed()
        assert await consumer.position(tp) == 5  # aiokafka alone: the fetched records stay skipped

        moved: list[list[TopicPartition]] = []
        committed = await seek_to_committed_or_reset(consumer, "earliest", on_seek=lambda tps: moved.append(list(tps)))
        assert committed[tp] is None
        assert await _fetch(consumer, 5) == [0, 1, 2, 3, 4]

        await consumer.commit({tp: 3})
        await seek_to_committed_or_reset(consumer, "earliest", on_seek=lambda tps: moved.append(list(tps)))
        assert await _fetch(consumer, 2) == [3, 4]  # a committed offset still decides
        assert moved == [[tp], [tp]]  # what lets the Faust consumer drop batches fetched before a seek
    finally:
        await consumer.stop()
