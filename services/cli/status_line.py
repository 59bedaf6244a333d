"""The one-line status ``tocsin run`` keeps up to date on a terminal.

Figures come from where the truth is, not from counters in the children: Kafka end offsets
for documents, detections and signals; the alerter's outbox for deliveries; ingest's status
table for failing sources. Any figure that cannot be read shows as ``?``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from sqlalchemy import text

from services.platform.config import KafkaSettings
from services.platform.storage import Database

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Snapshot:
    at: float
    documents: int | None
    detections: int | None
    signals: int | None
    delivered: int | None
    pending: int | None
    failing_sources: int | None


def _figure(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def render(current: Snapshot, previous: Snapshot | None) -> str:
    rate = "?"
    if previous and current.documents is not None and previous.documents is not None:
        minutes = max(current.at - previous.at, 1e-6) / 60
        rate = f"{(current.documents - previous.documents) / minutes:,.0f}"
    return (
        f"docs/min {rate} · documents {_figure(current.documents)} · detections {_figure(current.detections)}"
        f" · signals {_figure(current.signals)} · delivered {_figure(current.delivered)}"
        f" · pending {_figure(current.pending)} · failing sources {_figure(current.failing_sources)}"
    )


class StatusSampler:
    def __init__(self, kafka: KafkaSettings, database: Database) -> None:
        self.kafka = kafka
        self.database = database
        self._consumer: AIOKafkaConsumer | None = None

    async def _end_offset_total(self, topic: str) -> int | None:
        try:
            if self._consumer is None:
                self._consumer = AIOKafkaConsumer(bootstrap_servers=self.kafka.bootstrap, group_id=None)
                await self._consumer.start()
            partitions = self._consumer.partitions_for_topic(topic)
            if not partitions:
                await self._consumer._client.force_metadata_update()
                partitions = self._consumer.partitions_for_topic(topic) or set()
            if not partitions:
                return None
            offsets: dict[TopicPartition, int] = await self._consumer.end_offsets(
                [TopicPartition(topic, p) for p in partitions]
            )
            return sum(offsets.values())
        except Exception as exc:
            log.debug("status.kafka_unavailable", error=str(exc))
            return None

    async def _count(self, sql: str) -> int | None:
        try:
            async with self.database.engine.connect() as connection:
                return int((await connection.execute(text(sql))).scalar() or 0)
        except Exception:
            return None  # the owning service has not created its tables yet

    async def sample(self) -> Snapshot:
        return Snapshot(
            at=time.monotonic(),
            documents=await self._end_offset_total(self.kafka.documents_topic),
            detections=await self._end_offset_total(self.kafka.detections_topic),
            signals=await self._end_offset_total(self.kafka.signals_topic),
            delivered=await self._count("SELECT COUNT(*) FROM alert_deliveries WHERE status = 'delivered'"),
            pending=await self._count("SELECT COUNT(*) FROM alert_deliveries WHERE status = 'pending'"),
            failing_sources=await self._count(
                "SELECT COUNT(*) FROM ingest_source_status WHERE consecutive_failures > 0"
            ),
        )

    async def close(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
