"""The Kafka side: signals in, outbox rows out, offsets committed only after the write."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.structs import ConsumerRecord, TopicPartition
from sqlalchemy.exc import DBAPIError

from alerts.intake import record_signal
from models import SIGNALS, PayloadError, Subscription
from models.dead_letter import dead_letter_headers
from services.platform.storage import Database

log = structlog.get_logger(__name__)

SERVICE = "alerter"
BATCH = 200
POLL_MS = 300
RETRY_FIRST = 0.5
RETRY_MAX = 10.0
MAX_SIGNAL_FAILURES = 3


class _Stopping(Exception):
    """Raised out of a retry wait when the alerter is asked to stop."""


class SignalConsumer:
    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        db: Database,
        subscriptions: Callable[[], Sequence[Subscription]],
        *,
        dead_letter_topic: str,
        clock: Callable[[], float],
        on_recorded: Callable[[], None],
    ) -> None:
        self.consumer = consumer
        self.producer = producer
        self.db = db
        self.subscriptions = subscriptions
        self.dead_letter_topic = dead_letter_topic
        self.clock = clock
        self.on_recorded = on_recorded
        self._stop = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = stop
        try:
            await self._run(stop)
        except _Stopping:
            log.info("alert.intake_stopped_while_waiting")

    async def _run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            batch = await self.consumer.getmany(timeout_ms=POLL_MS, max_records=BATCH)
            for partition, messages in batch.items():
                for message in messages:
                    if await self.handle(message):
                        self.on_recorded()  # the outbox row is durable: it may go out now
                await self._commit(partition, messages[-1].offset + 1)

    async def handle(self, message: ConsumerRecord) -> int:
        """Records one message's deliveries; a bad payload goes to the dead-letter topic."""
        try:
            signal = SIGNALS.decode(message.value)
        except PayloadError as exc:
            log.warning("alert.bad_signal", topic=message.topic, offset=message.offset, error=str(exc))
            await self.producer.send_and_wait(
                self.dead_letter_topic,
                message.value,
                key=message.key,
                headers=dead_letter_headers(str(exc), message.topic, SERVICE),
            )
            return 0
        delay = RETRY_FIRST
        failures = 0
        while True:
            try:
                count = await record_signal(self.db, self.subscriptions(), signal, self.clock())
                log.debug("alert.signal", signal=signal.id, notifications=count)
                return count
            except (DBAPIError, OSError) as exc:
                # The database is unreachable or busy: wait for it, never skip the signal. A
                # refused connect reaches us as a bare OSError: SQLAlchemy wraps only DBAPI errors.
                reason = exc.orig if isinstance(exc, DBAPIError) else exc
                log.warning(
                    "alert.outbox_unavailable",
                    signal=signal.id,
                    error=type(reason).__name__,
                    detail=str(reason)[:200],
                    retry_in=delay,
                )
            except Exception as exc:  # noqa: BLE001 - a signal the pipeline cannot handle
                failures += 1
                if failures >= MAX_SIGNAL_FAILURES:
                    error = f"alerter could not record signal: {type(exc).__name__}: {exc}"
                    log.error("alert.signal_failed", signal=signal.id, error=error)
                    await self.producer.send_and_wait(
                        self.dead_letter_topic,
                        message.value,
                        key=message.key,
                        headers=dead_letter_headers(error, message.topic, SERVICE),
                    )
                    return 0
                log.warning("alert.signal_retry", signal=signal.id, error=f"{type(exc).__name__}: {exc}")
            if self._stop.is_set():
                raise _Stopping  # leave the offset uncommitted: the next owner re-reads it
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX)

    async def _commit(self, partition: TopicPartition, offset: int) -> None:
        try:
            await self.consumer.commit({partition: offset})
        except (CommitFailedError, KafkaError) as exc:
            # The partition moved to another instance; it re-reads from the last commit and the
            # outbox's deterministic ids make the replay harmless.
            log.info("alert.commit_failed", partition=str(partition), error=str(exc))
