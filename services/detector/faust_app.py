"""The stream topology as a Faust app.

    documents ─▶ detect (stateless, keyed by document id) ─▶ detections
    detections ─▶ stories (stateful, keyed by story key, changelogged table) ─▶ signals

Wiring only: detection is :class:`services.detector.engine.DetectionEngine`, run in a thread
pool so spaCy never starves Faust's heartbeats and commits; story logic is the pure
:func:`services.stories.apply_detection`. Any message that cannot be processed goes to the
dead-letter topic with the reason, and its partition moves on.

Guarantee: at-least-once delivery with idempotent outputs. Faust commits an offset after
the agent has processed the event; a worker killed mid-stream replays from the last commit,
and because detection-event, story and signal ids are derived from content, a replayed
document updates the same story and re-emits signals with the same ids, which the alerter
deduplicates.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import faust
import structlog
from pydantic import TypeAdapter
from models import DOCUMENTS, SIGNALS, Codec, Detection, Document, DocumentRef, PayloadError
from models.story import DetectionEvent, Story
from services.config import Settings
from services.detector.confirmations import Confirmations
from services.detector.dead_letter import dead_letter_headers
from services.detector.faust_transport import TocsinFaustApp
from services.kafka import compression_type
from services.metrics import DETECTIONS_FOUND, SIGNALS_EMITTED, probe_event_loop
from services.readiness import notify_ready
from services.rules.actors import actor_keys, is_new
from services.rules.decisions import frequency_fires, spike_fires
from services.rules.firing import fired_signal
from services.stories import apply_detection, load_severity_policy, story_key
from services.stories.keys import stable_id
from services.stories.outlets import outlet_of

log = structlog.get_logger(__name__)

SERVICE = "detect"
DETECTION_EVENTS = Codec("tocsin.detection", DetectionEvent)


class Detector(Protocol):
    def detect(self, text: str, context: str | None = None) -> list[Detection]: ...

    def reload_if_changed(self) -> bool: ...


DETECT_BATCH = 32
DETECT_BATCH_WAIT = 0.01


def detect_all(detector: Detector, documents: list[Document]) -> list[list[Detection] | Exception]:
    """Runs in the thread pool: one hop off the event loop per batch, not per document.

    A detector with ``detect_many`` (the spaCy engine) gets the whole batch in one call: its
    pipeline costs much less per sentence in large batches. If that call fails, the batch is
    done again one document at a time, so that each document's failure is returned, not
    raised: one poison document is dead-lettered alone and the rest of the batch goes on.
    """
    detector.reload_if_changed()
    many = getattr(detector, "detect_many", None)
    if many is not None:
        try:
            return list(many([(document.text, None) for document in documents]))
        except Exception:
            log.warning("detect.batch_failed", documents=len(documents), retry="one by one")
    outcomes: list[list[Detection] | Exception] = []
    for document in documents:
        try:
            outcomes.append(detector.detect(document.text, None))
        except Exception as exc:
            log.exception("detect.failed", document=document.id)
            outcomes.append(exc)
    return outcomes


def detection_events(document: Document, detections: list[Detection]) -> list[DetectionEvent]:
    """One event per detection, with ids derived from the document and the match."""
    reference = DocumentRef(
        id=document.id,
        source_id=document.source_id,
        url=document.url,
        title=document.title,
        published_at=document.published_at,
        language=document.language,
    )
    outlet = outlet_of(document.url, document.source_id)
    return [
        DetectionEvent(
            id=stable_id("det_", document.id, d.pattern, str(d.start), str(d.end)),
            story_key=story_key(d.pattern, d.actor, d.countries),
            document=reference,
            detection=d,
            outlet=outlet,
            observed_at=document.fetched_at,
        )
        for d in detections
    ]


def rule_hits_topic(settings: Settings) -> str:
    return settings.kafka.topic("rule-hits")


def required_topics(settings: Settings) -> list[str]:
    """Every topic the topology reads or writes that Faust does not create itself."""
    kafka = settings.kafka
    topics = [kafka.documents_topic, kafka.detections_topic, kafka.signals_topic, kafka.dead_letter_topic]
    if settings.rules:
        topics.append(rule_hits_topic(settings))
    return topics


STORY_LIST = TypeAdapter(list[Story])
"""The stories under one key, as the table keeps them: a JSON array, parsed in one pass."""


def _load_stories(raw: str | None) -> list[Story]:
    if not raw:
        return []
    return STORY_LIST.validate_json(raw)


def _dump_stories(stories: list[Story]) -> str:
    return STORY_LIST.dump_json(stories).decode()


def _wire_rules(
    app: faust.App,
    settings: Settings,
    detections_topic: faust.TopicT,
    signals: faust.TopicT,
    send_dead_letter: Any,
    raw: dict[str, Any],
) -> None:
    """Windowed rules: detections are re-keyed by rule id, then counted per tumbling window.

    Hits carry the detection's event time as their Kafka timestamp, so Faust's windows follow
    when documents were seen, not when the worker happened to process them.
    """
    kafka = settings.kafka
    rules = {rule.id: rule for rule in settings.rules}
    if not rules:
        return
    rule_hits = app.topic(rule_hits_topic(settings), **raw)
    counters = {
        rule.id: app.Table(f"rule-{rule.id}", default=int).tumbling(rule.window, expires=rule.window * 3)
        for rule in rules.values()
        if rule.kind in ("frequency", "spike")
    }
    actors_seen = app.Table("rule-actors", default=None, key_type=str, value_type=str)

    @app.agent(detections_topic, name="rule-filter")
    async def filter_hits(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                item = DETECTION_EVENTS.decode(event.value)
            except PayloadError:
                continue  # the stories agent already dead-letters undecodable detections
            for rule in rules.values():
                if rule.filter.matches(item.detection):
                    await rule_hits.send(
                        key=rule.id.encode(), value=event.value, timestamp=item.observed_at.timestamp()
                    )

    @app.agent(rule_hits, name="rules")
    async def evaluate(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                rule = rules.get(event.key.decode() if isinstance(event.key, bytes) else str(event.key))
                if rule is None:
                    continue  # a rule removed from config since the hit was produced
                item = DETECTION_EVENTS.decode(event.value)
                signal = None
                if rule.kind == "new_actor":
                    actor, keys = actor_keys(rule, item)
                    fresh = [key for key in keys if is_new(actors_seen.get(key), item.observed_at, rule.retention)]
                    for key in keys:
                        actors_seen[key] = item.observed_at.isoformat()
                    if fresh:
                        signal = fired_signal(rule, item, count=1, actor=actor)
                else:
                    counter = counters[rule.id]
                    counter[rule.id] += 1
                    current = counter[rule.id].current()
                    if rule.kind == "frequency" and frequency_fires(current, rule.threshold):
                        signal = fired_signal(rule, item, count=current)
                    elif rule.kind == "spike":
                        previous = counter[rule.id].delta(rule.window)
                        if spike_fires(current, previous, rule.factor, rule.floor):
                            signal = fired_signal(rule, item, count=current, previous=previous)
            except Exception as exc:  # never stall the rules partition
                await send_dead_letter(rule_hits.get_topic_name(), event.key, event.value, f"{type(exc).__name__}: {exc}")
                continue
            if signal is not None:
                SIGNALS_EMITTED.labels(signal.type).inc()
                log.info("rules.fired", rule=rule.id, kind=rule.kind, count=signal.rule.count if signal.rule else None)
                await signals.send(key=rule.id.encode(), value=SIGNALS.encode(signal))


RAW_TOPIC = {"key_type": bytes, "value_type": bytes, "value_serializer": "raw", "key_serializer": "raw"}
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
    (see :mod:`services.detector.confirmations`).
    """
    kafka = settings.kafka
    app = new_faust_app(settings, datadir)
    raw = RAW_TOPIC
    documents = app.topic(kafka.documents_topic, **raw)
    detections_topic = app.topic(kafka.detections_topic, **raw)
    signals = app.topic(kafka.signals_topic, **raw)
    dead_letter = app.topic(kafka.dead_letter_topic, **raw)
    stories = app.Table("stories", default=None, key_type=str, value_type=str)
    policy = load_severity_policy()
    window = settings.stories.window
    pool = ThreadPoolExecutor(
        max_workers=settings.detector.workers or os.cpu_count() or 1, thread_name_prefix="detect"
    )

    async def send_dead_letter(origin: str, key: Any, value: Any, error: str) -> None:
        log.warning("stream.dead_letter", error=error, topic=origin)
        payload = value if isinstance(value, bytes) else str(value).encode()
        await dead_letter.send(key=key, value=payload, headers=dead_letter_headers(error, origin, SERVICE))

    @app.agent(documents, name="detect")
    async def detect(stream: faust.StreamT) -> None:
        loop = asyncio.get_running_loop()
        async for batch in stream.take_events(DETECT_BATCH, within=DETECT_BATCH_WAIT):
            decoded: list[tuple[Any, Document]] = []
            for event in batch:
                try:
                    decoded.append((event, DOCUMENTS.decode(event.value)))
                except PayloadError as exc:
                    await send_dead_letter(kafka.documents_topic, event.key, event.value, str(exc))
            if not decoded:
                continue
            outcomes = await loop.run_in_executor(pool, detect_all, detector, [doc for _, doc in decoded])
            sent: list[Any] = []
            for (event, document), outcome in zip(decoded, outcomes):
                if isinstance(outcome, Exception):  # a poison document must not block its partition
                    await send_dead_letter(
                        kafka.documents_topic, event.key, event.value,
                        f"detection failed: {type(outcome).__name__}: {outcome}",
                    )
                    continue
                log.debug("detect.document", document=document.id, detections=len(outcome))
                for found in outcome:
                    DETECTIONS_FOUND.labels(found.pattern).inc()
                for item in detection_events(document, outcome):
                    sent.append(
                        await detections_topic.send(key=item.story_key.encode(), value=DETECTION_EVENTS.encode(item))
                    )
            if confirmations is not None:
                confirmations.finished((document.id for _, document in decoded), sent)

    @app.agent(detections_topic, name="stories")
    async def build_stories(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                item = DETECTION_EVENTS.decode(event.value)
                current = _load_stories(stories.get(item.story_key))
                kept, change = apply_detection(current, item, policy, window)
            except Exception as exc:  # poison state or payload: never stall the partition
                await send_dead_letter(kafka.detections_topic, event.key, event.value, f"{type(exc).__name__}: {exc}")
                continue
            stories[item.story_key] = _dump_stories(kept)
            log.info("stories.change", kind=change.kind, story=change.story.id, severity=change.story.severity)
            if change.signal is not None:
                SIGNALS_EMITTED.labels(change.signal.type).inc()
                await signals.send(key=change.story.id.encode(), value=SIGNALS.encode(change.signal))

    _wire_rules(app, settings, detections_topic, signals, send_dead_letter, raw)

    @app.task
    async def _watch_event_loop() -> None:
        await probe_event_loop(SERVICE)

    @app.on_rebalance_complete.connect
    async def _ready(sender: faust.App, **_kwargs: Any) -> None:
        notify_ready(SERVICE)

    if confirmations is not None:

        @app.timer(settings.archive.confirm_every)
        async def _confirm() -> None:
            await confirmations.flush()

    @app.on_before_shutdown.connect
    async def _shutdown(sender: faust.App, **_kwargs: Any) -> None:
        pool.shutdown(wait=False, cancel_futures=True)
        if confirmations is not None:
            await confirmations.close()

    return app
