"""Operational events (dead letters, disabled endpoints) on the ops topic, kept until sent.

Why an outbox: publishing straight to Kafka and logging a failure lost every event raised
while the broker was frozen (ten in one 78 s freeze, issue 19). Now :class:`OutboxOpsEvents`
stores the event in the database where it happens, and :class:`OpsRelay` sends stored events
in order and deletes each once the broker acknowledged it. A frozen broker or a restart
delays events; it does not lose them. An event whose acknowledgement was lost may be sent
twice (consumers of the ops topic already tolerate a duplicate), and with several alerter
instances each relays what it finds, which can duplicate too.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, Protocol

import structlog
from aiokafka import AIOKafkaProducer
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from alerts.tables import OpsEventRow
from services.platform.storage import Database

log = structlog.get_logger(__name__)

SEND_TIMEOUT = 10.0
"""Longest one send may wait for the broker before the relay backs off and tries again."""
RETRY_FIRST = 0.5
RETRY_MAX = 30.0
IDLE_POLL = 2.0
BATCH = 100
STOP_FLUSH = 3.0
"""On a clean stop, how long the relay keeps sending; what is left goes out after the restart."""
RECORD_TRIES = 5


class OpsEvents(Protocol):
    async def publish(self, kind: str, **fields: Any) -> None: ...


def encode(kind: str, fields: dict[str, Any]) -> tuple[str, str]:
    """The topic's JSON (``{"kind": ..., "service": "alerter", ...}``) and its partition key."""
    event = {"kind": kind, "service": "alerter", **fields}
    return json.dumps(event, default=str), str(fields.get("subscription_id", ""))[:100]


class OutboxOpsEvents:
    """Stores each event for :class:`OpsRelay`; never raises into the delivery that caused it."""

    def __init__(self, db: Database, clock: Callable[[], float], on_recorded: Callable[[], None] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.on_recorded = on_recorded

    async def publish(self, kind: str, **fields: Any) -> None:
        payload, key = encode(kind, fields)
        delay = 0.2
        for attempt in range(1, RECORD_TRIES + 1):
            try:
                async with self.db.sessions() as session, session.begin():
                    await session.execute(
                        insert(OpsEventRow).values(
                            kind=kind[:60], key=key, payload=payload, created_at=self.clock(), attempts=0
                        )
                    )
                break
            except (DBAPIError, OSError) as exc:
                if attempt == RECORD_TRIES:
                    # The database is away too: the log line is the last place the event lives.
                    log.error("alert.ops_event_unrecorded", kind=kind, event=payload, error=type(exc).__name__)
                    return
                await asyncio.sleep(delay)
                delay *= 2
        if self.on_recorded is not None:
            self.on_recorded()


class OpsRelay:
    """Sends stored ops events to the topic, oldest first, deleting each once acknowledged."""

    def __init__(
        self,
        db: Database,
        producer: AIOKafkaProducer,
        topic: str,
        *,
        send_timeout: float = SEND_TIMEOUT,
        idle_poll: float = IDLE_POLL,
    ) -> None:
        self.db = db
        self.producer = producer
        self.topic = topic
        self.send_timeout = send_timeout
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def relay_pending(self) -> int:
        """Sends what is stored, in order, until done or a send fails (raised to the caller)."""
        sent = 0
        while True:
            async with self.db.sessions() as session:
                rows = list(await session.scalars(select(OpsEventRow).order_by(OpsEventRow.id).limit(BATCH)))
            if not rows:
                return sent
            for row in rows:
                try:
                    async with asyncio.timeout(self.send_timeout):
                        await self.producer.send_and_wait(self.topic, row.payload.encode(), key=row.key.encode())
                except Exception as exc:
                    await self._note_failure(row.id, exc)
                    raise
                async with self.db.sessions() as session, session.begin():
                    await session.execute(delete(OpsEventRow).where(OpsEventRow.id == row.id))
                sent += 1

    async def run(self, stop: asyncio.Event) -> None:
        delay = RETRY_FIRST
        while not stop.is_set():
            self._wake.clear()
            try:
                sent = await self.relay_pending()
                if sent:
                    log.info("alert.ops_events_sent", count=sent)
                delay, wait = RETRY_FIRST, self.idle_poll
            except Exception as exc:  # noqa: BLE001 - a broker or database hiccup must not end the relay
                log.warning("alert.ops_relay_retry", error=f"{type(exc).__name__}: {exc}"[:300], retry_in=delay)
                delay, wait = min(delay * 2, RETRY_MAX), delay
            await _first(stop, self._wake, wait)
        try:
            async with asyncio.timeout(STOP_FLUSH):
                await self.relay_pending()
        except Exception as exc:  # noqa: BLE001 - what is left stays stored for the next start
            log.info("alert.ops_events_left", error=type(exc).__name__)

    async def _note_failure(self, row_id: int, exc: BaseException) -> None:
        try:
            async with self.db.sessions() as session, session.begin():
                await session.execute(
                    update(OpsEventRow)
                    .where(OpsEventRow.id == row_id)
                    .values(attempts=OpsEventRow.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:500])
                )
        except (DBAPIError, OSError):
            pass  # the count is for operators; the event itself is still stored


async def _first(stop: asyncio.Event, wake: asyncio.Event, timeout: float) -> None:
    waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())}
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
