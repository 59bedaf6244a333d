"""The stream topology as one Faust app.

    documents ─▶ detect (stateless, keyed by document id) ─▶ detections
    detections ─▶ stories (stateful, keyed by story key, changelogged table) ─▶ signals
    detections ─▶ rule-filter ─▶ rule-hits ─▶ rules (windowed tables) ─▶ signals

Composition only: each stage registers its own agent — :func:`services.stream.detect.wire_detect`,
:func:`services.stories.agent.wire_stories`, :func:`services.rules.agent.wire_rules`. Any
message that cannot be processed goes to the dead-letter topic with the reason, and its
partition moves on.

Guarantee: at-least-once delivery with idempotent outputs. Faust commits an offset after
the agent has processed the event; a worker killed mid-stream replays from the last commit,
and because detection-event, story and signal ids are derived from content, a replayed
document updates the same story and re-emits signals with the same ids, which the alerter
deduplicates.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypedDict

import faust
import structlog

from models.dead_letter import dead_letter_headers
from services.platform.config import Settings
from services.platform.kafka import compression_type
from services.platform.metrics import probe_event_loop
from services.platform.readiness import notify_ready
from services.rules.agent import rule_hits_topic, wire_rules
from services.stories.agent import wire_stories
from services.stories.severity import load_severity_policy
from services.stream.confirmations import Confirmations
from services.stream.detect import Detector, wire_detect
from services.stream.transport import TocsinFaustApp

log = structlog.get_logger(__name__)

SERVICE = "detect"


def required_topics(settings: Settings) -> list[str]:
    """Every topic the topology reads or writes that Faust does not create itself."""
    kafka = settings.kafka
    topics = [kafka.documents_topic, kafka.detections_topic, kafka.signals_topic, kafka.dead_letter_topic]
    if settings.rules:
        topics.append(rule_hits_topic(settings))
    return topics


class TopicOptions(TypedDict):
    """Keyword arguments of ``faust.App.topic`` that set a topic's types and serializers."""

    key_type: type[bytes]
    value_type: type[bytes]
    value_serializer: str
    key_serializer: str


RAW_TOPIC: TopicOptions = {"key_type": bytes, "value_type": bytes, "value_serializer": "raw", "key_serializer": "raw"}
"""Topic options for Tocsin's own envelopes, which the stages decode themselves."""


def new_faust_app(settings: Settings, datadir: Path | None = None, name: str = "detect") -> TocsinFaustApp:
    """A Faust app with the broker, producer and consumer settings every detect worker uses."""
    kafka = settings.kafka
    web_port = settings.detector.web_port
    datadir = Path(datadir or Path("var") / "faust")
    datadir.mkdir(parents=True, exist_ok=True)  # Faust creates only the last level
    app = TocsinFaustApp(
        f"{kafka.consumer_group_prefix}-{name}",
        broker=f"kafka://{kafka.bootstrap}",
        store="memory://",
        datadir=str(datadir),
        autodiscover=False,
        web_enabled=web_port != 0,
        web_port=web_port or 6066,
        web_host="127.0.0.1",
        broker_rebalance_timeout=kafka.rebalance_timeout,
        broker_session_timeout=max(10.0, kafka.rebalance_timeout * 2),
        topic_partitions=kafka.partitions,
        topic_replication_factor=kafka.replication_factor,
        producer_acks=-1,
        producer_linger_ms=5,  # batch outputs: per-message produce requests cost more than detection routing
        producer_compression_type=compression_type(kafka),
        consumer_auto_offset_reset="earliest",
    )
    app.fetch_max_wait_ms = int(kafka.fetch_max_wait * 1000)
    return app


def build_app(
    settings: Settings, detector: Detector, datadir: Path | None = None, confirmations: Confirmations | None = None
) -> faust.App:
    """A Faust app bound to ``settings``; nothing connects until a worker starts it.

    With ``confirmations``, the detect agent reports each finished document to the archive
    (see :mod:`services.stream.confirmations`).
    """
    kafka = settings.kafka
    app = new_faust_app(settings, datadir)
    documents = app.topic(kafka.documents_topic, **RAW_TOPIC)
    detections = app.topic(kafka.detections_topic, **RAW_TOPIC)
    signals = app.topic(kafka.signals_topic, **RAW_TOPIC)
    dead_letter_topic = app.topic(kafka.dead_letter_topic, **RAW_TOPIC)
    pool = ThreadPoolExecutor(max_workers=settings.detector.workers or os.cpu_count() or 1, thread_name_prefix="detect")

    async def send_dead_letter(origin: str, key: Any, value: Any, error: str) -> None:
        log.warning("stream.dead_letter", error=error, topic=origin)
        payload = value if isinstance(value, bytes) else str(value).encode()
        await dead_letter_topic.send(key=key, value=payload, headers=dead_letter_headers(error, origin, SERVICE))

    wire_detect(app, documents, detections, detector, pool, send_dead_letter, confirmations)
    wire_stories(app, detections, signals, load_severity_policy(), settings.stories.window, send_dead_letter)
    wire_rules(app, settings, detections, signals, send_dead_letter, RAW_TOPIC)

    async def _watch_event_loop() -> None:
        await probe_event_loop(SERVICE)

    app.task(_watch_event_loop)  # registered by call: Faust's decorators are untyped

    @app.on_rebalance_complete.connect
    async def _ready(sender: faust.App, /, *_args: Any, **_kwargs: Any) -> None:
        notify_ready(SERVICE)

    if confirmations is not None:

        async def _confirm() -> None:
            await confirmations.flush()

        app.timer(settings.archive.confirm_every)(_confirm)

    @app.on_before_shutdown.connect
    async def _shutdown(sender: faust.App, /, *_args: Any, **_kwargs: Any) -> None:
        pool.shutdown(wait=False, cancel_futures=True)
        if confirmations is not None:
            await confirmations.close()

    return app
