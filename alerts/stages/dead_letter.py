"""Dead letter: mark the delivery dead, disable a gone endpoint, tell operations."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from alerts import outbox
from alerts.context import DeliveryContext, Outgoing
from alerts.errors import EndpointGone
from alerts.ops import OpsEvents
from services.platform.storage import Database

log = structlog.get_logger(__name__)


class DeadLetterStage:
    def __init__(self, db: Database, ops: OpsEvents, clock: Callable[[], float]) -> None:
        self.db = db
        self.ops = ops
        self.clock = clock

    async def exec(self, ctx: DeliveryContext, items: list[Outgoing]) -> tuple[DeliveryContext, list[Outgoing]]:
        for item in items:
            delivery = item.delivery
            reason = str(item.error) if item.error else "unknown failure"
            now = self.clock()
            await outbox.mark_dead(self.db, delivery.id, reason, now)
            log.warning("alert.dead_letter", delivery=delivery.id, channel=delivery.channel, reason=reason)
            if isinstance(item.error, EndpointGone):
                await outbox.disable_endpoint(self.db, delivery.subscription_id, delivery.channel, reason, now)
                await self.ops.publish(
                    "endpoint.disabled",
                    level="endpoint",
                    subscription_id=delivery.subscription_id,
                    channel=delivery.channel,
                    delivery_id=delivery.id,
                    reason=reason,
                    time=now,
                )
            await self.ops.publish(
                "delivery.dead_lettered",
                level="endpoint",
                subscription_id=delivery.subscription_id,
                channel=delivery.channel,
                delivery_id=delivery.id,
                attempts=delivery.attempts,
                reason=reason,
                time=now,
            )
        return ctx, []
