"""The ingest service: polls feeds and social sources and produces ``Document``s to Kafka."""

from services.ingest.service import run_ingest

__all__ = ["run_ingest"]
