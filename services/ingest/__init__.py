"""The ingest service: polls feeds and social sources and produces ``Document``s to Kafka.

It owns the source catalogue (:mod:`~services.ingest.catalogue`: sources added through the
API, merged with the config file's) and, for sharded ingest, the compacted sources topic
(:mod:`~services.ingest.source_topic`).
"""

from services.ingest.service import IngestService, run_ingest

__all__ = ["IngestService", "run_ingest"]
