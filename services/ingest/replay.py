"""Re-producing the documents the detect stage never confirmed, on an embedded start.

The embedded broker keeps topics in memory: after a restart of ``tocsin run`` the documents
topic is empty, while the seen-set still stops ingest from fetching what was produced
before. ``tocsin run`` therefore calls :func:`replay_unconfirmed` after it has created the
topics and before it starts ingest and detect, so the backlog goes first, oldest first, and
nothing new can overtake it. Each document keeps its id, so a document that was in fact
detected but whose confirmation was lost is absorbed downstream (stable detection event
ids, stories that ignore an event they hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog

from services.ingest.archive import DocumentArchive
from services.ingest.publisher import BrokerUnavailable, DocumentPublisher
from services.platform.config import Settings
from services.platform.storage import open_database

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ReplayReport:
    replayed: int
    failed: int


async def replay_unconfirmed(settings: Settings, publisher: DocumentPublisher | None = None) -> ReplayReport:
    """Produces every unconfirmed archived document to the documents topic; returns the counts.

    A document the broker does not acknowledge stays unconfirmed for the next start; the
    replay stops at the first such failure rather than retrying against a broken broker.
    """
    if not settings.archive.enabled:
        return ReplayReport(0, 0)
    database = open_database(settings.database.url)
    own_publisher = publisher is None
    publisher = publisher or DocumentPublisher(settings.kafka)
    replayed = 0
    try:
        await database.create_schema()
        archive = DocumentArchive(database, timedelta(seconds=settings.archive.retention))
        pending = (await archive.counts()).unconfirmed
        if not pending:
            return ReplayReport(0, 0)
        log.info("archive.replay_started", documents=pending, topic=settings.kafka.documents_topic)
        async for page in archive.unconfirmed():
            try:
                replayed += len(await publisher.publish(page))
            except BrokerUnavailable as exc:
                replayed += len(exc.acked)
                failed = pending - replayed
                log.error("archive.replay_failed", replayed=replayed, left=failed, error=str(exc))
                return ReplayReport(replayed, failed)
        log.info("archive.replayed", documents=replayed)
        return ReplayReport(replayed, 0)
    finally:
        if own_publisher:
            await publisher.close()
        await database.close()
