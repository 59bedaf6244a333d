"""Runs the real dispatcher and delivery stages against a database until a condition holds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from alerts.pipelines import delivery_pipeline
from alerts.retry import RetrySchedule
from alerts.service import build_channels, circuit_breakers, delivery_dispatcher, webhook_client
from models import Subscription
from services.platform.config import Settings
from services.platform.storage import Database


class RecordedOps:
    """Collects ops events in memory (the Kafka publisher is exercised in the service tests)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    async def publish(self, kind: str, **fields: Any) -> None:
        self.events.append({"kind": kind, **fields})


async def run_dispatcher_until(
    db: Database,
    settings: Settings,
    subscriptions: list[Subscription],
    done: Callable[[], Awaitable[bool]],
    *,
    ops: RecordedOps | None = None,
    timeout: float = 20.0,
    allow_private: bool = True,
) -> RecordedOps:
    ops = ops or RecordedOps()
    settings = settings.model_copy(
        update={"security": settings.security.model_copy(update={"allow_private_targets": allow_private})}
    )
    client = webhook_client(settings)
    breakers = circuit_breakers(settings)
    pipeline = delivery_pipeline(
        db,
        build_channels(settings, client, time.time),
        ops,
        RetrySchedule(tuple(settings.delivery.retry_schedule), jitter=0.0),
        time.time,
        settings.delivery.timeout,
        breakers,
    )
    dispatcher = delivery_dispatcher(
        settings,
        db,
        lambda: subscriptions,
        pipeline,
        breakers=breakers,
        clock=time.time,
        instance="test",
        idle_poll=0.05,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop))
    try:
        async with asyncio.timeout(timeout):
            while not await done():
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await client.aclose()
    return ops
