"""Producing documents and ops events, and knowing exactly which ones Kafka acknowledged."""

from __future__ import annotations

import asyncio
import json
from collections import deque
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
MAX_KEPT_OPS_EVENTS = 1000
"""Ops events kept in memory while the broker is away; past this the oldest is dropped (logged)."""
CLOSE_SEND_TIMEOUT = 3.0
"""On close, how long kept ops events may take to go out before they are logged as lost."""


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
        self._kept_ops: deque[tuple[str, str, bytes]] = deque()  # (event, source id, JSON) not yet acknowledged

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
                        future = await producer.send(
                            self.kafka.documents_topic, DOCUMENTS.encode(doc), key=doc.id.encode()
                        )
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
            else:
                await self._send_kept_ops()  # the broker is back: what a freeze held goes out now
        if failure is not None:
            raise BrokerUnavailable(
                f"{len(documents) - len(acked)} of {len(documents)} documents not acknowledged: "
                f"{type(failure).__name__}: {failure}",
                acked,
            ) from None
        return acked

    async def emit_ops(self, event: str, source_id: str, at: datetime, **details: Any) -> None:
        """Sends an ops event, after any kept from earlier failures; never raises.

        Why kept: these events say a source is failing or silent, which is most likely while
        the broker is frozen, and logging them as lost dropped ten in one freeze (issue 19).
        An event the broker does not acknowledge stays in memory, in order (up to
        ``MAX_KEPT_OPS_EVENTS``), and goes out with the next event or after the next
        acknowledged publish. Memory only: a restart of ingest during a freeze loses them.
        """
        payload = {
            "schema": OPS_SCHEMA,
            "version": 1,
            "data": {"event": event, "source_id": source_id, "at": at.isoformat(), **details},
        }
        async with self._lock:
            if len(self._kept_ops) >= MAX_KEPT_OPS_EVENTS:
                dropped, dropped_source, _ = self._kept_ops.popleft()
                log.warning(
                    "ingest.ops_event_lost",
                    ops_event=dropped,
                    source_id=dropped_source,
                    reason=f"more than {MAX_KEPT_OPS_EVENTS} kept while the broker is away",
                )
            self._kept_ops.append((event, source_id, json.dumps(payload).encode()))
            await self._send_kept_ops()

    async def _send_kept_ops(self) -> None:
        """Sends kept ops events oldest first, each removed once acknowledged. Call under the lock."""
        if not self._kept_ops:
            return
        try:
            async with asyncio.timeout(self.timeout):
                producer = await self._ready_producer()
            while self._kept_ops:
                event, source_id, value = self._kept_ops[0]
                await producer.send_and_wait(self.kafka.ops_topic, value, key=source_id.encode())
                self._kept_ops.popleft()
        except (KafkaError, OSError, TimeoutError) as exc:
            await self._reset()
            log.warning("ingest.ops_events_kept", kept=len(self._kept_ops), error=str(exc))

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
        if self._kept_ops:
            try:
                async with asyncio.timeout(CLOSE_SEND_TIMEOUT), self._lock:
                    await self._send_kept_ops()
            except TimeoutError:
                pass
        for event, source_id, _ in self._kept_ops:
            log.warning(
                "ingest.ops_event_lost", ops_event=event, source_id=source_id, reason="stopped with the broker away"
            )
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()
