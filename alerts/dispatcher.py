"""The delivery loop: flush stories whose wait ended, claim due outbox rows, send them.

It sleeps until the next thing is due (a delivery, a retry, a story flush), at most
``idle_poll`` seconds so it also notices rows written by other instances, and wakes at
once when the intake records something new or an attempt ends.

Which due rows start is decided by :func:`alerts.admission.admit`: bounds in all, per
tenant and per endpoint, and each endpoint's circuit breaker. Rows that cannot start (their
tenant or endpoint is at its bound) are left out of the query, so they never fill the
window ahead of another tenant's rows; an open circuit's rows are moved to its next probe.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import structlog

from alerts import outbox
from alerts.admission import DeliveryLimits, Due, Load, admit, deferrals
from alerts.breaker import Breakers, CircuitView, EndpointKey
from alerts.context import DeliveryContext, Outgoing
from alerts.intake import flush_due_stories, next_flush_at
from alerts.pipeline import Stage
from alerts.tables import DeliveryRow
from models import Subscription
from services.platform.storage import Database

log = structlog.get_logger(__name__)

DEFAULT_IDLE_POLL = 1.0
STOP_GRACE = 5.0
DEFAULT_LIMITS = DeliveryLimits()
CANDIDATE_WINDOW = 4
"""Due rows fetched per free slot: room for rows refused within one pick (another row of
an endpoint that just reached its bound) without a second query."""


class Dispatcher:
    def __init__(
        self,
        db: Database,
        subscriptions: Callable[[], Sequence[Subscription]],
        pipeline: Stage[DeliveryContext, Outgoing],
        *,
        clock: Callable[[], float],
        instance: str,
        lease: float,
        limits: DeliveryLimits = DEFAULT_LIMITS,
        breakers: Breakers | None = None,
        idle_poll: float = DEFAULT_IDLE_POLL,
    ) -> None:
        """``breakers`` must be the same object the deliver stage records outcomes in."""
        self.db = db
        self.subscriptions = subscriptions
        self.pipeline = pipeline
        self.clock = clock
        self.instance = instance
        self.lease = lease
        self.limits = limits
        self.breakers = breakers or Breakers()
        self.idle_poll = idle_poll
        self.load = Load()
        self._wake = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()
        self._in_flight: set[str] = set()  # a lease that expired under a slow record is still ours
        self._stories_checked_at = float("-inf")
        self._next_flush: float | None = None
        self._stories_dirty = True

    def wake(self) -> None:
        """Called by the intake after it recorded deliveries: no need to wait for the poll."""
        self._stories_dirty = True
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    timeout = await self._tick()
                except Exception as exc:  # noqa: BLE001 - a database hiccup must not end delivery
                    log.warning("alert.dispatch_error", error=f"{type(exc).__name__}: {exc}")
                    timeout = self.idle_poll
                await self._idle(stop, timeout)
        finally:
            await self._drain()

    async def _tick(self) -> float:
        self._wake.clear()
        now = self.clock()
        subscriptions = self.subscriptions()
        await self._flush_stories(subscriptions, now)
        by_id = {sub.id: sub for sub in subscriptions}
        free = self.limits.total - self.load.total
        if free <= 0:
            return self.idle_poll  # saturated: a finishing task wakes the loop

        def circuit(endpoint: EndpointKey) -> CircuitView:
            return self.breakers.view(endpoint, now)

        full_tenants = self.load.full_tenants(self.limits)
        skip_subscriptions = {sub.id for sub in subscriptions if sub.tenant in full_tenants}
        skip_endpoints = self.load.full_endpoints(self.limits, circuit)
        due = await outbox.due_rows(
            self.db,
            now=now,
            limit=free * CANDIDATE_WINDOW,
            skip_subscriptions=skip_subscriptions,
            skip_endpoints=skip_endpoints,
        )
        candidates = [
            Due(ident, sub_id, channel, by_id[sub_id].tenant if sub_id in by_id else "")
            for ident, sub_id, channel in due
            if ident not in self._in_flight
        ]
        decisions = admit(candidates, self.load, self.limits, circuit)
        for endpoint, until in deferrals(decisions).items():
            moved = await outbox.defer_endpoint(self.db, endpoint, until=until, now=now)
            log.info("alert.deferred", subscription=endpoint[0], channel=endpoint[1], until=round(until, 3), rows=moved)
        admitted = {d.due.delivery_id: d.due for d in decisions if d.admitted}
        rows = await outbox.claim(self.db, list(admitted), now=now, owner=self.instance, lease=self.lease)
        for row in rows:
            self._start(row, admitted[row.id], by_id.get(row.subscription_id))
        if admitted and any(not d.admitted and d.defer_until is None for d in decisions):
            return 0.0  # some rows waited only on bounds this pick just reached: look again now
        if self.load.total >= self.limits.total:
            return self.idle_poll
        skip_subscriptions = {sub.id for sub in subscriptions if sub.tenant in self.load.full_tenants(self.limits)}
        blocked_endpoints = self.load.full_endpoints(self.limits, circuit)
        nexts = [
            t
            for t in (await outbox.next_due_at(self.db, skip_subscriptions, blocked_endpoints), self._next_flush)
            if t is not None
        ]
        return max(0.0, min([self.idle_poll, *(t - self.clock() for t in nexts)]))

    def _start(self, row: DeliveryRow, due: Due, subscription: Subscription | None) -> None:
        self._in_flight.add(row.id)
        self.load.add(due)
        task = asyncio.create_task(self._deliver(row, due, subscription))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _flush_stories(self, subscriptions: Sequence[Subscription], now: float) -> None:
        """Flushes due stories, querying only when something may have changed: the intake
        recorded, a known flush time came, or ``idle_poll`` passed (other instances)."""
        due = self._next_flush is not None and self._next_flush <= now
        if not (self._stories_dirty or due or now - self._stories_checked_at >= self.idle_poll):
            return
        self._stories_dirty = False
        self._stories_checked_at = now
        await flush_due_stories(self.db, subscriptions, now)
        self._next_flush = await next_flush_at(self.db)

    async def _idle(self, stop: asyncio.Event, timeout: float) -> None:
        waiters: set[asyncio.Task[Any]] = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())}
        if self.load.total >= self.limits.total:
            waiters.update(self._running)
        try:
            await asyncio.wait(waiters, timeout=max(timeout, 0.005), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                if waiter not in self._running:
                    waiter.cancel()

    async def _deliver(self, row: DeliveryRow, due: Due, subscription: Subscription | None) -> None:
        try:
            ctx = DeliveryContext(now=self.clock(), instance=self.instance)
            await self.pipeline.exec(ctx, [Outgoing(delivery=row, subscription=subscription)])
        except Exception as exc:  # noqa: BLE001 - the lease expires and the row is retried
            log.warning("alert.delivery_error", delivery=row.id, error=f"{type(exc).__name__}: {exc}")
        finally:
            self._in_flight.discard(row.id)
            self.load.remove(due)
            self._wake.set()

    async def _drain(self) -> None:
        """Lets in-flight attempts finish briefly; anything cut off is recorded ``interrupted``
        by the deliver stage and retried after its lease."""
        if not self._running:
            return
        done, pending = await asyncio.wait(set(self._running), timeout=STOP_GRACE)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
