"""Deliver: one attempt per claimed row, stored whatever happens (even when cut off)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypedDict, Unpack

import structlog
from sqlalchemy.exc import DBAPIError

from alerts import outbox
from alerts.breaker import Breakers, outcome_of
from alerts.channels import ChannelSet
from alerts.context import DeliveryContext, Outgoing
from alerts.errors import DeliveryError, PermanentError, RetryableError
from alerts.tables import DELIVERED, DeliveryRow
from services.platform.metrics import DELIVERY_ATTEMPT
from services.platform.storage import Database

log = structlog.get_logger(__name__)

RECORD_RETRY_FIRST = 0.2
RECORD_RETRY_MAX = 2.0
RECORD_PATIENCE = 60.0
"""Seconds an attempt's outcome is held in memory while the database is away."""
INTERRUPT_RECORD_TIMEOUT = 2.0
"""How long a cancelled attempt (the alerter stopping) may take to store that it was cut off."""


class _Attempt(TypedDict):
    """One attempt's outcome, as :func:`alerts.outbox.record_attempt` stores it."""

    started_at: float
    latency_ms: float
    status_code: int | None
    outcome: str
    error: str | None


class DeliverStage:
    """Sends each item; delivered items leave the pipeline, failed ones go on with their error."""

    def __init__(
        self,
        db: Database,
        channels: ChannelSet,
        clock: Callable[[], float],
        timeout: float,
        breakers: Breakers | None = None,
    ) -> None:
        """``breakers`` learns each attempt's outcome; the dispatcher reads the same object."""
        self.db = db
        self.channels = channels
        self.clock = clock
        self.timeout = timeout
        self.breakers = breakers

    async def exec(self, ctx: DeliveryContext, items: list[Outgoing]) -> tuple[DeliveryContext, list[Outgoing]]:
        failed: list[Outgoing] = []
        for item in items:
            error = await self._attempt(ctx, item)
            if error is not None:
                failed.append(replace(item, error=error))
        return ctx, failed

    async def _attempt(self, ctx: DeliveryContext, item: Outgoing) -> DeliveryError | None:
        delivery = item.delivery
        started = self.clock()
        began = time.perf_counter()
        status: int | None = None
        error: DeliveryError | None = None
        sent = False
        try:
            error = await self._precheck(item)
            if error is None:
                notifier = self.channels.notifier_for(delivery.channel)
                if notifier is None:
                    raise PermanentError(f"no notifier for channel {delivery.channel!r}")
                assert item.subscription is not None
                sent = True
                async with asyncio.timeout(self.timeout):
                    status = await notifier.send(delivery, item.subscription)
        except asyncio.CancelledError:
            await self._record_interrupted(ctx, delivery, started, began)
            raise
        except TimeoutError:
            error = RetryableError(f"no answer within {self.timeout:g}s")
        except DeliveryError as exc:
            error, status = exc, exc.status
        except Exception as exc:  # noqa: BLE001 - a notifier bug must not lose the delivery
            error = RetryableError(f"{type(exc).__name__}: {exc}"[:500])
        latency_ms = (time.perf_counter() - began) * 1000
        if self.breakers is not None:
            self.breakers.record(
                (delivery.subscription_id, delivery.channel), outcome_of(error, sent=sent), self.clock()
            )
        outcome = DELIVERED if error is None else ("retry" if isinstance(error, RetryableError) else "failed")
        DELIVERY_ATTEMPT.labels(outcome).observe(latency_ms / 1000)
        await self._record(
            ctx,
            delivery,
            started_at=started,
            latency_ms=latency_ms,
            status_code=status,
            outcome=outcome,
            error=None if error is None else str(error),
        )
        log.info(
            "alert.attempt",
            delivery=delivery.id,
            channel=delivery.channel,
            attempt=delivery.attempts,
            status=status,
            outcome=outcome,
            latency_ms=round(latency_ms, 1),
            error=None if error is None else str(error),
        )
        return error

    async def _record_interrupted(
        self, ctx: DeliveryContext, delivery: DeliveryRow, started: float, began: float
    ) -> None:
        """The alerter is stopping mid-send: store the attempt as interrupted, briefly.

        Shielded from the cancellation that got us here; if even that cannot be written, the
        attempt stays ``sending`` and the next claim of the row marks it interrupted.
        """
        write = asyncio.ensure_future(
            outbox.record_attempt(
                self.db,
                delivery,
                started_at=started,
                latency_ms=(time.perf_counter() - began) * 1000,
                status_code=None,
                outcome=outbox.INTERRUPTED,
                error=outbox.INTERRUPTED_ERROR,
                instance=ctx.instance,
            )
        )
        try:
            await asyncio.wait_for(asyncio.shield(write), INTERRUPT_RECORD_TIMEOUT)
        except (asyncio.CancelledError, TimeoutError, DBAPIError, OSError) as exc:
            log.warning("alert.interrupted_unrecorded", delivery=delivery.id, error=type(exc).__name__)
        else:
            log.warning("alert.attempt_interrupted", delivery=delivery.id, attempt=delivery.attempts)

    async def _record(self, ctx: DeliveryContext, delivery: DeliveryRow, **attempt: Unpack[_Attempt]) -> None:
        """Stores the attempt, waiting out a busy or unreachable database for a while.

        The send already happened: giving up here lets the lease expire and the same
        ``webhook-id`` go out again (seen under load as SQLite "database is locked", and when
        PostgreSQL went away right after a 2xx).
        """
        delay = RECORD_RETRY_FIRST
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + RECORD_PATIENCE
        while True:
            try:
                await outbox.record_attempt(self.db, delivery, instance=ctx.instance, **attempt)
                return
            except (DBAPIError, OSError) as exc:
                if loop.time() + delay > give_up_at:
                    raise
                log.warning(
                    "alert.record_attempt_retry", delivery=delivery.id, error=type(exc).__name__, retry_in=delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECORD_RETRY_MAX)

    async def _precheck(self, item: Outgoing) -> DeliveryError | None:
        if item.subscription is None:
            return PermanentError("subscription no longer exists")
        reason = await outbox.endpoint_disabled(self.db, item.delivery.subscription_id, item.delivery.channel)
        return None if reason is None else PermanentError(f"endpoint disabled: {reason}")
