"""Sharded ingest learns its sources from the compacted Kafka sources topic, not the database.

With ``ingest.sharded`` on, every API change to a source is written there too (an upsert,
or a tombstone when the source is deleted or disabled) *before* the database row changes,
so a change the API confirmed has reached the instances that poll. Unsharded ingest needs
none of this: it watches the database (``services.ingest.catalogue.watch_sources``).
"""

from __future__ import annotations

import asyncio

from services.platform.config import Settings
from services.platform.config.settings import SourceSettings

PUBLISH_TIMEOUT = 15.0


class SourceTopicUnavailable(RuntimeError):
    """The sources topic could not be written; the API answers 503 and changes nothing."""


def uses_source_topic(settings: Settings) -> bool:
    return bool(settings.ingest.sharded and settings.kafka.bootstrap)


async def propagate(settings: Settings, source: SourceSettings | None, source_id: str) -> None:
    """Upserts ``source`` (enabled) or tombstones ``source_id`` (deleted or disabled)."""
    if not uses_source_topic(settings):
        return
    from services.ingest.kinds import build_spec
    from services.ingest.sharding import ensure_sources_topic, forget_source, publish_sources

    try:
        async with asyncio.timeout(PUBLISH_TIMEOUT):
            await ensure_sources_topic(settings.kafka)
            if source is not None and source.enabled:
                await publish_sources(settings.kafka, [build_spec(source)])
            else:
                await forget_source(settings.kafka, source_id)
    except Exception as exc:  # Kafka down or slow: refuse the change rather than half-apply it
        raise SourceTopicUnavailable(f"could not write the sources topic: {type(exc).__name__}") from None
