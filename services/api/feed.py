"""The live feed behind ``/v1/stream``: one poller, many listeners.

The alerter runs in another process and writes story rows to the database, so the API
learns of new and updated alerts by polling those rows (one indexed query every
``poll_every`` seconds, whatever the number of listeners). Each listener gets only the
alerts of its tenant's subscriptions. A short look-back with a seen-map catches rows that
another alerter instance committed slightly out of time order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

from services.api.alert_view import alert_json, grades_for, notified_since
from services.platform.storage import Database

log = structlog.get_logger(__name__)

POLL_EVERY = 0.5
LOOK_BACK = 5.0
QUEUE_SIZE = 200


@dataclass(eq=False)
class Listener:
    tenant: str
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))


class AlertFeed:
    def __init__(
        self,
        db: Database,
        tenant_of: Callable[[str], str | None],
        clock: Callable[[], float],
        poll_every: float = POLL_EVERY,
    ) -> None:
        self.db = db
        self.tenant_of = tenant_of
        self.clock = clock
        self.poll_every = poll_every
        self.listeners: set[Listener] = set()
        self._seen: dict[tuple[str, str], tuple[int, float]] = {}
        self._watermark: float | None = None

    def listen(self, tenant: str) -> Listener:
        listener = Listener(tenant)
        self.listeners.add(listener)
        return listener

    def forget(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    async def poll_once(self) -> int:
        """Broadcasts what was notified since the last poll; returns how many alerts."""
        if self._watermark is None:
            self._watermark = self.clock() - LOOK_BACK
        rows = await notified_since(self.db, self._watermark - LOOK_BACK)
        grades = await grades_for(self.db, [row.story_id for row in rows])
        sent = 0
        for row in rows:
            key = (row.subscription_id, row.group_key)
            previous = self._seen.get(key)
            if previous is not None and previous[0] >= row.sequence:
                continue
            self._seen[key] = (row.sequence, row.last_notified_at or 0.0)
            self._watermark = max(self._watermark, row.last_notified_at or 0.0)
            tenant = self.tenant_of(row.subscription_id)
            if tenant is None:
                continue
            event = {
                "type": "alert.created" if previous is None and row.sequence <= 1 else "alert.updated",
                "alert": alert_json(row, grades.get(row.story_id)),
            }
            for listener in list(self.listeners):
                if listener.tenant == tenant:
                    _offer(listener, event)
            sent += 1
        horizon = self._watermark - 4 * LOOK_BACK
        self._seen = {k: v for k, v in self._seen.items() if v[1] >= horizon}
        return sent

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.poll_once()
            except Exception as exc:  # the feed must outlive a database hiccup
                log.warning("api.feed_poll_failed", error=str(exc))
            try:
                async with asyncio.timeout(self.poll_every):
                    await stop.wait()
            except TimeoutError:
                pass


def _offer(listener: Listener, event: dict[str, Any]) -> None:
    """A listener that does not keep up loses its oldest events, never blocks the feed."""
    if listener.queue.full():
        try:
            listener.queue.get_nowait()
        except asyncio.QueueEmpty:
            pass
    listener.queue.put_nowait(event)
