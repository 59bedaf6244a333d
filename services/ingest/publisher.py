"""Producing documents and ops events, and knowing exactly which ones Kafka acknowledged."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, UnknownError, UnsupportedVersionError

from models import DOCUMENTS, Document
from services.platform import kafka as kafka_helpers
from services.platform.config import KafkaSettings

log = structlog.get_logger(__name__)

DEFAULT_PUBLISH_TIMEOUT = 10.0
"""Seconds Kafka has to acknowledge a document before it counts as not delivered."""
OPS_SCHEMA = "tocsin.ops"


class BrokerUnavailable(Exception):
    """Kafka did not acknowledge every document; the unacknowledged ones stay unseen.

    ``acked`` lists those that were acknowledged before the failure (safe to mark seen).
    """

    def __init__(self, message: str, acked: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.acked = list(acked)


ProducerFactory = Callable[..., AIOKafkaProducer]


class DocumentPublisher:
    """Wraps one idempotent producer; after any failure it starts afresh on the next call,
    so a broker that went away and came back (even as a new cluster) is picked up again."""

    def __init__(
        self,
        kafka: KafkaSettings,
        timeout: float = DEFAULT_PUBLISH_TIMEOUT,
        producer_factory: ProducerFactory = kafka_helpers.make_producer,
    ) -> None:
        self.kafka = kafka
        self.timeout = timeout
        self._factory = producer_factory
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()
        self._needs_topics = False
        self._idempotent = True
        self._request_timeout_ms = int(timeout * 1000)

    async def _ready_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            if self._needs_topics:
                await kafka_helpers.ensure_topics(self.kafka, [self.kafka.documents_topic, self.kafka.ops_topic])
            self._producer = await self._started_producer()
            self._needs_topics = False
        return self._producer

    async def _started_producer(self) -> AIOKafkaProducer:
        """An idempotent producer, or, on a broker that cannot hand out producer ids (tansu's
        memory engine answers InitProducerId with an unknown error), a plain ``acks=all`` one:
        the seen-set still guarantees each item is produced once by ingest."""
        if self._idempotent:
            producer = self._factory(self.kafka, request_timeout_ms=self._request_timeout_ms)
            try:
                await producer.start()
                return producer
            except (UnknownError, UnsupportedVersionError) as exc:
                await producer.stop()
                self._idempotent = False
                log.warning("ingest.idempotence_unavailable", error=type(exc).__name__, fallback="acks=all")
            except BaseException:
                await producer.stop()
                raise
        producer = self._factory(self.kafka, enable_idempotence=False, request_timeout_ms=self._request_timeout_ms)
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        return producer

    async def publish(self, documents: Sequence[Document]) -> list[str]:
        """Produces ``documents`` keyed by id; returns the ids Kafka acknowledged.

        Every send future is awaited until it resolves: aiokafka acknowledges or expires each
        batch within ``request_timeout_ms``. Abandoning a future instead would leave its record
        buffered in a producer that may still deliver it later, after the caller has retried,
        which is how duplicates are born. Raises :class:`BrokerUnavailable` if any was not
        acknowledged; the caller marks seen only what was.
        """
        if not documents:
            return []
        acked: list[str] = []
        failure: BaseException | None = None
        async with self._lock:
            try:
                async with asyncio.timeout(self.timeout):
                    producer = await self._ready_producer()
            except (KafkaError, OSError, TimeoutError) as exc:
                failure = exc
            else:
                pending = []
                for doc in documents:
                    try:
                        future = await producer.send(self.kafka.documents_topic, DOCUMENTS.encode(doc), key=doc.id.encode())
                    except KafkaError as exc:
                        failure = exc
                        break
                    pending.append((doc.id, future))
                for doc_id, future in pending:
                    try:
                        await future
                        acked.append(doc_id)
                    except KafkaError as exc:
                        failure = failure or exc
            if failure is not None:
                await self._reset()
        if failure is not None:
            raise BrokerUnavailable(
                f"{len(documents) - len(acked)} of {len(documents)} documents not acknowledged: "
                f"{type(failure).__name__}: {failure}",
                acked,
            ) from None
        return acked

    async def emit_ops(self, event: str, source_id: str, at: datetime, **details: Any) -> None:
        """Best effort: an ops event that cannot be sent is logged, never raised."""
        payload = {
            "schema": OPS_SCHEMA,
            "version": 1,
            "data": {"event": event, "source_id": source_id, "at": at.isoformat(), **details},
        }
        async with self._lock:
            try:
                async with asyncio.timeout(self.timeout):
                    producer = await self._ready_producer()
                await producer.send_and_wait(self.kafka.ops_topic, json.dumps(payload).encode(), key=source_id.encode())
            except (KafkaError, OSError, TimeoutError) as exc:
                await self._reset()
                log.warning("ingest.ops_event_lost", ops_event=event, source_id=source_id, error=str(exc))

    async def _reset(self) -> None:
        producer, self._producer = self._producer, None
        self._needs_topics = True
        if producer is not None:
            try:
                async with asyncio.timeout(5):
                    await producer.stop()
            except (KafkaError, OSError, TimeoutError):
                pass

    async def close(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()
