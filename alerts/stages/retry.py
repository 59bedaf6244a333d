"""Retry: the only stage that owns backoff. Schedules retryable failures, passes on the rest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import structlog

from alerts import outbox
from alerts.context import DeliveryContext, Outgoing
from alerts.errors import EndpointGone, PermanentError, RetryableError
from alerts.retry import FAILING_ENDPOINT_LIMIT, RetrySchedule
from services.platform.storage import Database

log = structlog.get_logger(__name__)


class RetryStage:
    """Puts a retryable failure back in the outbox at its next time.

    Items leave this stage only toward the dead letter: permanent failures, a spent
    schedule, or an endpoint that has failed without a break for five days.
    """

    def __init__(
        self,
        db: Database,
        schedule: RetrySchedule,
        clock: Callable[[], float],
        failing_limit: float = FAILING_ENDPOINT_LIMIT,
    ) -> None:
        self.db = db
        self.schedule = schedule
        self.clock = clock
        self.failing_limit = failing_limit

    async def exec(self, ctx: DeliveryContext, items: list[Outgoing]) -> tuple[DeliveryContext, list[Outgoing]]:
        onward: list[Outgoing] = []
        for item in items:
            error = item.error
            if not isinstance(error, RetryableError):
                onward.append(item)
                continue
            now = self.clock()
            endpoint = await outbox.endpoint_state(self.db, item.delivery.subscription_id, item.delivery.channel)
            if endpoint and endpoint.failing_since is not None and now - endpoint.failing_since >= self.failing_limit:
                onward.append(replace(item, error=EndpointGone(f"failing for 5 days; last error: {error}")))
                continue
            delay = self.schedule.delay_after(item.delivery.attempts, error.retry_after)
            if delay is None:
                onward.append(replace(item, error=PermanentError(f"retry schedule spent; last error: {error}")))
                continue
            await outbox.schedule_retry(self.db, item.delivery.id, now + delay)
            log.info(
                "alert.retry_scheduled",
                delivery=item.delivery.id,
                attempt=item.delivery.attempts,
                delay=round(delay, 3),
            )
        return ctx, onward
