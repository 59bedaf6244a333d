"""The detect stage as a Faust app: documents in, signals out, bad payloads to dead letter.

Wiring only: the detection itself is :class:`services.detector.engine.DetectionEngine`,
run in a thread pool so spaCy never blocks Faust's heartbeats and commits.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import faust
import structlog

from models import DOCUMENTS, SIGNALS, Detection, Document, DocumentRef, PayloadError, Signal
from services.config import Settings
from services.detector.dead_letter import dead_letter_headers
from services.readiness import notify_ready

log = structlog.get_logger(__name__)

SERVICE = "detect"


class Detector(Protocol):
    def detect(self, text: str, context: str | None = None) -> list[Detection]: ...

    def reload_if_changed(self) -> bool: ...


def signal_id_for(document: Document, detections: list[Detection]) -> str:
    """Deterministic: a replayed document yields the same signal id, so delivery stays idempotent."""
    basis = document.id + "|" + "|".join(f"{d.pattern}:{d.start}:{d.end}" for d in detections)
    return "sig_" + hashlib.sha256(basis.encode()).hexdigest()[:32]


def signal_for(document: Document, detections: list[Detection]) -> Signal:
    return Signal(
        id=signal_id_for(document, detections),
        type="detection",
        document=DocumentRef(
            id=document.id,
            source_id=document.source_id,
            url=document.url,
            title=document.title,
            published_at=document.published_at,
        ),
        detections=detections,
        sources=[document.source_id],
    )


def build_app(settings: Settings, detector: Detector, datadir: Path | None = None) -> faust.App:
    """A Faust app bound to ``settings``; nothing connects until a worker starts it."""
    kafka = settings.kafka
    web_port = settings.detector.web_port
    app = faust.App(
        f"{kafka.consumer_group_prefix}-detect",
        broker=f"kafka://{kafka.bootstrap}",
        store="memory://",
        datadir=str(datadir or Path("var") / "faust"),
        autodiscover=False,
        web_enabled=web_port != 0,
        web_port=web_port or 6066,
        web_host="127.0.0.1",
        broker_rebalance_timeout=kafka.rebalance_timeout,
        broker_session_timeout=max(10.0, kafka.rebalance_timeout * 2),
        topic_partitions=kafka.partitions,
        topic_replication_factor=kafka.replication_factor,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
    )
    documents = app.topic(kafka.documents_topic, key_type=bytes, value_type=bytes, value_serializer="raw")
    signals = app.topic(kafka.signals_topic, key_type=bytes, value_type=bytes, value_serializer="raw")
    dead_letter = app.topic(kafka.dead_letter_topic, key_type=bytes, value_type=bytes, value_serializer="raw")
    pool = ThreadPoolExecutor(
        max_workers=settings.detector.workers or os.cpu_count() or 1, thread_name_prefix="detect"
    )

    async def send_dead_letter(key: Any, raw: Any, error: str) -> None:
        log.warning("detect.dead_letter", error=error, topic=kafka.documents_topic)
        value = raw if isinstance(raw, bytes) else str(raw).encode()
        await dead_letter.send(
            key=key, value=value, headers=dead_letter_headers(error, kafka.documents_topic, SERVICE)
        )

    @app.agent(documents, name="detect")
    async def detect(stream: faust.StreamT) -> None:
        loop = asyncio.get_running_loop()
        async for event in stream.events():
            raw = event.value
            try:
                document = DOCUMENTS.decode(raw)
            except PayloadError as exc:
                await send_dead_letter(event.key, raw, str(exc))
                continue
            try:
                await loop.run_in_executor(pool, detector.reload_if_changed)
                detections = await loop.run_in_executor(pool, detector.detect, document.text, None)
            except Exception as exc:  # a poison document must not block its partition
                log.exception("detect.failed", document=document.id)
                await send_dead_letter(event.key, raw, f"detection failed: {type(exc).__name__}: {exc}")
                continue
            log.info("detect.document", document=document.id, detections=len(detections))
            if detections:
                signal = signal_for(document, detections)
                await signals.send(key=document.id.encode(), value=SIGNALS.encode(signal))

    @app.on_rebalance_complete.connect
    async def _ready(sender: faust.App, **_kwargs: Any) -> None:
        notify_ready(SERVICE)

    @app.on_before_shutdown.connect
    async def _shutdown(sender: faust.App, **_kwargs: Any) -> None:
        pool.shutdown(wait=False, cancel_futures=True)

    return app
