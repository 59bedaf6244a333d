"""Fault 1: the broker freezes (SIGSTOP) while documents flow, then resumes (SIGCONT).

Real processes all the way: ``tocsin ingest`` polls loopback feeds that publish new items
every few seconds, ``tocsin detect`` reads the documents topic, and the test's own tansu
broker is paused longer than every client timeout (the producer's 30 s request timeout,
the consumers' 10 s session). Scaled down from the issue's 1,000 documents in 60 s to
``SOURCES * ROUNDS * ITEMS_PER_ROUND`` = 280 documents over ~50 s, for CI time; the pause
(35 s) is the issue's order of magnitude and exceeds the timeouts, which is what matters.

What must hold afterwards: every document the feeds published is on the documents topic
(nothing lost), every one of them reached the detector (its detection events are on the
detections topic; replays are allowed by the at-least-once design and counted), and no
story is duplicated. A document produced twice (a send retried after its timeout) is a
known bug, reported as an expected failure until it is fixed. A broker that *dies* mid-poll is covered by
``tests/ingest/test_broker_outage.py``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
import yaml

from models import DETECTION_EVENTS, DOCUMENTS, SIGNALS
from services.platform.broker import EmbeddedBroker
from services.platform.config import KafkaSettings
from services.platform.kafka import ensure_topics
from services.stories import normalise_actor
from tests.ingest.feedserver import FeedServer, Reply
from tests.stream.kafka_io import read_topic
from tests.support.processes import TocsinProcess, kafka_env

pytestmark = pytest.mark.broker

SOURCES = 8
ROUNDS = 7
ITEMS_PER_ROUND = 5
ROUND_SECONDS = 8.0
PAUSE_AFTER = 12.0
PAUSE = 35.0
TOTAL = SOURCES * ROUNDS * ITEMS_PER_ROUND
PAIRS = [("Russia", "Ukraine"), ("China", "Taiwan"), ("India", "Pakistan"), ("Turkey", "Syria")]


class RollingFeeds:
    """Feeds whose items appear over time, ROUND_SECONDS apart, like a busy wire desk.

    Each answer holds every item published so far, so a poll that failed loses nothing
    the next poll cannot pick up again.
    """

    def __init__(self) -> None:
        self.started: float | None = None

    def published_rounds(self) -> int:
        if self.started is None:
            self.started = time.monotonic()
        return min(ROUNDS, int((time.monotonic() - self.started) // ROUND_SECONDS) + 1)

    def route(self, source: int):  # type: ignore[no-untyped-def]
        def reply(_request) -> Reply:  # type: ignore[no-untyped-def]
            items = [self.item(source, n) for n in range(self.published_rounds() * ITEMS_PER_ROUND)]
            body = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Desk {source}</title><link>http://127.0.0.1/</link><description>d</description>"
                + "".join(items)
                + "</channel></rss>"
            )
            return Reply(body.encode())

        return reply

    @staticmethod
    def item(source: int, n: int) -> str:
        actor, target = PAIRS[(source + n) % len(PAIRS)]
        text = (
            f"{actor} has deployed thousands of troops and armoured vehicles to its border with {target}, "
            f"satellite images published by desk {source} in bulletin {n} show."
        )
        published = format_datetime(datetime(2025, 12, 22, 18, 0, tzinfo=timezone.utc))
        return (
            f"<item><title>{escape(title_of(source, n))}</title>"
            f"<link>https://desk{source}.example/bulletin/{n}</link>"
            f"<pubDate>{published}</pubDate><description>{escape(text)}</description></item>"
        )


def title_of(source: int, n: int) -> str:
    return f"Desk {source} bulletin {n}"


def _ready(process: TocsinProcess) -> bool:
    return '"service.ready"' in process.stderr() or '"service.ready"' in process.stdout()


async def _wait(predicate, timeout: float, what: str, *processes: TocsinProcess) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"{what} not within {timeout}s\n" + "\n".join(p.describe() for p in processes))
        await asyncio.sleep(0.2)


async def test_a_frozen_broker_loses_and_duplicates_no_document(tmp_path: Path) -> None:
    broker = EmbeddedBroker().start()
    frozen = False
    try:
        kafka = KafkaSettings(
            bootstrap=broker.bootstrap,
            topic_prefix=f"pause-{os.getpid()}.",
            consumer_group_prefix=f"pause-{os.getpid()}",
            partitions=2,
        )
        await ensure_topics(
            kafka, [kafka.documents_topic, kafka.detections_topic, kafka.signals_topic, kafka.dead_letter_topic]
        )
        feeds = RollingFeeds()
        with FeedServer({f"/desk{s}.xml": feeds.route(s) for s in range(SOURCES)}) as server:
            config = tmp_path / "tocsin.yaml"
            config.write_text(
                yaml.safe_dump(
                    {
                        "security": {"allow_private_targets": True},
                        "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"},
                        "sources": [
                            {"id": f"desk{s}", "kind": "rss", "url": server.url(f"/desk{s}.xml"), "interval": "10s"}
                            for s in range(SOURCES)
                        ],
                    }
                )
            )
            detect_dir, ingest_dir = tmp_path / "detect", tmp_path / "ingest"
            detect_dir.mkdir()
            ingest_dir.mkdir()
            env = kafka_env(kafka)
            with TocsinProcess(["detect"], detect_dir, env) as detect:
                await _wait(lambda: _ready(detect), 90, "detect worker ready", detect)
                with TocsinProcess(["ingest", "--config", str(config)], ingest_dir, env) as ingest:
                    await _wait(lambda: feeds.started is not None, 30, "first poll", ingest)
                    await asyncio.sleep(PAUSE_AFTER)
                    os.kill(broker.pid, signal.SIGSTOP)
                    frozen = True
                    await asyncio.sleep(PAUSE)
                    os.kill(broker.pid, signal.SIGCONT)
                    frozen = False
                    resumed = time.monotonic()
                    await _wait(lambda: feeds.published_rounds() == ROUNDS, 60, "every round published", ingest)
                    documents = await read_topic(kafka, kafka.documents_topic, until=TOTAL, timeout=60, quiet_after=8)
                    events = await read_topic(kafka, kafka.detections_topic, until=TOTAL, timeout=60, quiet_after=3)
                    signal_records = await read_topic(
                        kafka, kafka.signals_topic, until=len(PAIRS), timeout=30, quiet_after=3
                    )
                    recovered_in = time.monotonic() - resumed
                    details = ingest.describe() + detect.describe()
            assert detect.process.returncode in (0, -signal.SIGTERM), detect.describe()
    finally:
        if frozen:
            os.kill(broker.pid, signal.SIGCONT)
        broker.stop()

    decoded = [DOCUMENTS.decode(record.value) for record in documents]
    expected = {title_of(s, n) for s in range(SOURCES) for n in range(ROUNDS * ITEMS_PER_ROUND)}
    titles = Counter(doc.title for doc in decoded)
    missing = sorted(expected - set(titles))
    assert not missing, f"{len(missing)} documents lost: {missing[:10]}\n{details[-6000:]}"
    doubled = {title: count for title, count in titles.items() if count > 1}

    by_document: dict[str, Counter[str]] = {}
    for record in events:
        event = DETECTION_EVENTS.decode(record.value)
        by_document.setdefault(event.document.id, Counter())[event.id] += 1
    unprocessed = sorted({doc.id for doc in decoded} - set(by_document))
    assert not unprocessed, f"{len(unprocessed)} documents never reached the detector: {unprocessed[:10]}"
    replayed = sum(count - 1 for counter in by_document.values() for count in counter.values())

    stories: dict[tuple[str, str], set[str]] = {}
    for record in signal_records:
        item = SIGNALS.decode(record.value)
        if item.story_id is not None:
            detection = item.detections[0]
            stories.setdefault((detection.pattern, normalise_actor(detection.actor)), set()).add(item.story_id)
    assert len(stories) == len(PAIRS), sorted(stories)
    assert all(len(ids) == 1 for ids in stories.values()), f"a story was duplicated: {stories}"
    print(
        f"\n{TOTAL} documents, broker frozen {PAUSE:.0f} s: none lost, all detected, one story per event; "
        f"{sum(titles.values()) - len(titles)} duplicate records on the documents topic; "
        f"{len(events)} detection events, {replayed} replayed (same event id); "
        f"everything read back {recovered_in:.1f} s after SIGCONT"
    )
    if doubled:
        pytest.xfail(
            f"known bug: {len(doubled)} documents were produced twice: a produce request in flight when the broker "
            "froze was committed on SIGCONT after ingest had timed it out and re-polled "
            "(services/ingest/publisher.py starts a new producer after a failure, so not even an idempotent "
            "producer can fence the retry); downstream ids absorb it: stories and signals are not duplicated"
        )
