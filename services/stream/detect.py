"""The detect agent: documents in, one detection event per match out, keyed by story.

Detection itself is :class:`services.detector.engine.DetectionEngine`, run in a thread pool
so spaCy never starves Faust's heartbeats and commits. Ids are derived from content, so a
replayed document yields the same events.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from typing import Any, Protocol, cast

import faust
import structlog

from models import DETECTION_EVENTS, DOCUMENTS, Detection, Document, DocumentRef, PayloadError
from models.dead_letter import DeadLetterSink
from models.ids import stable_id
from models.story import DetectionEvent
from services.platform.metrics import DETECTIONS_FOUND
from services.stories.keys import story_key
from services.stories.outlets import outlet_of
from services.stream.confirmations import Confirmations

log = structlog.get_logger(__name__)

DETECT_BATCH = 32
DETECT_BATCH_WAIT = 0.01


class Detector(Protocol):
    def detect(self, text: str, context: str | None = None) -> list[Detection]: ...

    def reload_if_changed(self) -> bool: ...


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


def wire_detect(
    app: faust.App,
    documents: faust.TopicT,
    detections: faust.TopicT,
    detector: Detector,
    pool: Executor,
    dead_letter: DeadLetterSink,
    confirmations: Confirmations | None = None,
) -> None:
    """Registers the detect agent on ``app``: batches of documents through ``detector``.

    With ``confirmations``, each finished batch is reported to the document archive once its
    detection events are acknowledged (see :mod:`services.stream.confirmations`).
    """
    documents_topic = documents.get_topic_name()

    @app.agent(documents, name="detect")
    async def detect(stream: faust.StreamT[bytes]) -> None:
        loop = asyncio.get_running_loop()
        # an agent is handed a faust.Stream; the StreamT interface does not declare take_events
        async for batch in cast("faust.Stream[bytes]", stream).take_events(DETECT_BATCH, within=DETECT_BATCH_WAIT):
            decoded: list[tuple[Any, Document]] = []
            for event in batch:
                try:
                    decoded.append((event, DOCUMENTS.decode(event.value)))
                except PayloadError as exc:
                    await dead_letter(documents_topic, event.key, event.value, str(exc))
            if not decoded:
                continue
            outcomes = await loop.run_in_executor(pool, detect_all, detector, [doc for _, doc in decoded])
            sent: list[Any] = []
            for (event, document), outcome in zip(decoded, outcomes, strict=True):
                if isinstance(outcome, Exception):  # a poison document must not block its partition
                    await dead_letter(
                        documents_topic,
                        event.key,
                        event.value,
                        f"detection failed: {type(outcome).__name__}: {outcome}",
                    )
                    continue
                log.debug("detect.document", document=document.id, detections=len(outcome))
                for found in outcome:
                    DETECTIONS_FOUND.labels(found.pattern).inc()
                for item in detection_events(document, outcome):
                    sent.append(await detections.send(key=item.story_key.encode(), value=DETECTION_EVENTS.encode(item)))
            if confirmations is not None:
                confirmations.finished((document.id for _, document in decoded), sent)
