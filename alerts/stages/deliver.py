"""Deliver: one attempt per claimed row, stored whatever happens."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

import structlog

from alerts import outbox
from alerts.channels import ChannelSet
from alerts.context import DeliveryContext, Outgoing
from alerts.errors import DeliveryError, PermanentError, RetryableError
from alerts.tables import DELIVERED
from services.metrics import DELIVERY_ATTEMPT
from services.storage import Database

log = structlog.get_logger(__name__)


class DeliverStage:
    """Sends each item; delivered items leave the pipeline, failed ones go on with their error."""

    def __init__(self, db: Database, channels: ChannelSet, clock: Callable[[], float], timeout: float) -> None:
        self.db = db
        self.channels = channels
        self.clock = clock
        self.timeout = timeout

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
        try:
            error = await self._precheck(item)
            if error is None:
                notifier = self.channels.notifier_for(delivery.channel)
                if notifier is None:
                    raise PermanentError(f"no notifier for channel {delivery.channel!r}")
                assert item.subscription is not None
                async with asyncio.timeout(self.timeout):
                    status = await notifier.send(delivery, item.subscription)
        except TimeoutError:
            error = RetryableError(f"no answer within {self.timeout:g}s")
        except DeliveryError as exc:
            error, status = exc, exc.status
        except Exception as exc:  # noqa: BLE001 - a notifier bug must not lose the delivery
            error = RetryableError(f"{type(exc).__name__}: {exc}"[:500])
        latency_ms = (time.perf_counter() - began) * 1000
        outcome = DELIVERED if error is None else ("retry" if isinstance(error, RetryableError) else "failed")
        DELIVERY_ATTEMPT.labels(outcome).observe(latency_ms / 1000)
        await outbox.record_attempt(
            self.db, delivery, started_at=started, latency_ms=latency_ms, status_code=status, outcome=outcome,
            error=None if error is None else str(error), instance=ctx.instance,
        )
        log.info(
            "alert.attempt", delivery=delivery.id, channel=delivery.channel, attempt=delivery.attempts,
            status=status, outcome=outcome, latency_ms=round(latency_ms, 1), error=None if error is None else str(error),
        )
        return error

    async def _precheck(self, item: Outgoing) -> DeliveryError | None:
        if item.subscription is None:
            return PermanentError("subscription no longer exists")
        reason = await outbox.endpoint_disabled(self.db, item.delivery.subscription_id, item.delivery.channel)
        return None if reason is None else PermanentError(f"endpoint disabled: {reason}")
