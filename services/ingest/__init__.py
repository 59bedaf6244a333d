"""The ingest service: polls feeds and social sources and produces ``Document``s to Kafka."""

from services.ingest.service import IngestService, run_ingest

__all__ = ["IngestService", "run_ingest"]
