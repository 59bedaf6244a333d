"""Everything a route needs, built once by ``create_app`` and kept on ``app.state.api``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alerts.catalogue import SubscriptionCatalog
from services.api.feed import AlertFeed
from services.api.lag import LagReader
from services.api.limits import RateLimiter, StreamSlots
from services.platform.config import Settings
from services.platform.storage import Database


@dataclass
class ApiContext:
    settings: Settings
    db: Database
    catalog: SubscriptionCatalog
    feed: AlertFeed
    limiter: RateLimiter
    failed_auth: RateLimiter
    lag: LagReader
    clock: Callable[[], float]
    readiness: Callable[[], dict[str, bool]] | None = None
    extra_metrics: Callable[[], list[Any]] | None = None
    engine: Any = None
    streams: StreamSlots = field(default_factory=StreamSlots)
    engine_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def tenant_subscription_ids(self, tenant: str) -> list[str]:
        await self.catalog.refresh()
        return [sub.id for sub in self.catalog.current() if sub.tenant == tenant]
