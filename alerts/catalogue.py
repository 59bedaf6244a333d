"""Subscriptions made through the API, and the live list the alerter reads.

The alerter takes its subscriptions from a zero-argument callable. :class:`SubscriptionCatalog`
provides one: the config file's subscriptions plus the database's, refreshed in the
background when the ``subscriptions`` revision moves, so an API edit reaches a running
alerter within ``refresh_every`` seconds and without a restart::

    catalog = SubscriptionCatalog(db, settings.subscriptions)
    await catalog.refresh()
    group.create_task(catalog.run(stop))        # keeps it fresh
    subscriptions = catalog.current             # what Dispatcher / SignalConsumer call
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Sequence

import structlog
from sqlalchemy import func, select

from alerts.tables import SubscriptionRow
from models import Subscription
from services.platform.storage import Database, revisions

log = structlog.get_logger(__name__)

REFRESH_EVERY = 2.0


def new_subscription_id() -> str:
    return "sub_" + secrets.token_hex(12)


def dump(subscription: Subscription) -> str:
    """JSON with the secrets in clear (``SecretStr`` would otherwise dump as stars)."""
    data = subscription.model_dump(mode="json")
    if subscription.webhook is not None:
        data["webhook"]["secret"] = subscription.webhook.secret.get_secret_value()
        data["webhook"]["previous_secrets"] = [s.get_secret_value() for s in subscription.webhook.previous_secrets]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load(text: str) -> Subscription:
    return Subscription.model_validate_json(text)


async def list_for_tenant(db: Database, tenant: str) -> list[Subscription]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(SubscriptionRow).where(SubscriptionRow.tenant == tenant).order_by(SubscriptionRow.created_at)
        )
        return [load(row.spec) for row in rows]


async def get_for_tenant(db: Database, tenant: str, subscription_id: str) -> Subscription | None:
    async with db.sessions() as session:
        row = await session.get(SubscriptionRow, subscription_id)
    if row is None or row.tenant != tenant:
        return None
    return load(row.spec)


async def save(db: Database, subscription: Subscription) -> None:
    """Inserts or replaces; the caller has checked the tenant owns the id."""
    now = time.time()
    async with db.sessions() as session, session.begin():
        row = await session.get(SubscriptionRow, subscription.id)
        if row is None:
            session.add(
                SubscriptionRow(
                    id=subscription.id,
                    tenant=subscription.tenant,
                    spec=dump(subscription),
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            row.spec = dump(subscription)
            row.updated_at = now
        await revisions.bump(session, revisions.SUBSCRIPTIONS)


class TooManySubscriptions(Exception):
    """The tenant already has as many subscriptions as ``tenants.max_subscriptions`` allows."""

    def __init__(self, tenant: str, count: int, limit: int) -> None:
        super().__init__(
            f"tenant {tenant!r} already has {count} subscriptions, the most allowed (tenants.max_subscriptions "
            f"is {limit}); delete one before adding another"
        )
        self.count, self.limit = count, limit


async def create(db: Database, subscription: Subscription, *, limit: int, configured: int = 0) -> None:
    """Inserts a new subscription unless its tenant would pass ``limit`` (counting the
    ``configured`` ones from the config file); raises :class:`TooManySubscriptions`.

    Why the cap: every subscription is work for the alerter on every signal and a queue of
    deliveries, so one tenant must not be able to add them without bound (issue 19). The
    revision is bumped first: that write takes the lock (a row lock on PostgreSQL, the write
    lock on SQLite) that makes two concurrent creates count one after the other.
    """
    now = time.time()
    async with db.sessions() as session, session.begin():
        await revisions.bump(session, revisions.SUBSCRIPTIONS)
        await session.flush()
        stored = await session.scalar(
            select(func.count()).select_from(SubscriptionRow).where(SubscriptionRow.tenant == subscription.tenant)
        )
        if configured + (stored or 0) >= limit:
            raise TooManySubscriptions(subscription.tenant, configured + (stored or 0), limit)
        session.add(
            SubscriptionRow(
                id=subscription.id,
                tenant=subscription.tenant,
                spec=dump(subscription),
                created_at=now,
                updated_at=now,
            )
        )


async def delete(db: Database, tenant: str, subscription_id: str) -> bool:
    async with db.sessions() as session, session.begin():
        row = await session.get(SubscriptionRow, subscription_id)
        if row is None or row.tenant != tenant:
            return False
        await session.delete(row)
        await revisions.bump(session, revisions.SUBSCRIPTIONS)
        return True


async def all_subscriptions(db: Database) -> list[Subscription]:
    async with db.sessions() as session:
        rows = await session.scalars(select(SubscriptionRow).order_by(SubscriptionRow.created_at))
        return [load(row.spec) for row in rows]


class SubscriptionCatalog:
    """Config subscriptions plus API ones, as one list that stays current (see module doc)."""

    def __init__(self, db: Database, configured: Sequence[Subscription], refresh_every: float = REFRESH_EVERY) -> None:
        self.db = db
        self.configured = list(configured)
        self.refresh_every = refresh_every
        self._revision = -1
        self._current: list[Subscription] = list(configured)

    def current(self) -> list[Subscription]:
        return self._current

    def tenant_of(self, subscription_id: str) -> str | None:
        for subscription in self._current:
            if subscription.id == subscription_id:
                return subscription.tenant
        return None

    async def refresh(self, force: bool = False) -> bool:
        """Reloads when the revision moved; True when the list changed."""
        revision = await revisions.current(self.db, revisions.SUBSCRIPTIONS)
        if revision == self._revision and not force:
            return False
        stored = await all_subscriptions(self.db)
        configured_ids = {sub.id for sub in self.configured}
        self._current = [*self.configured, *(sub for sub in stored if sub.id not in configured_ids)]
        self._revision = revision
        log.info("subscriptions.loaded", revision=revision, count=len(self._current))
        return True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.refresh()
            except Exception as exc:  # a database hiccup must not end the refresher
                log.warning("subscriptions.refresh_failed", error=str(exc))
            try:
                async with asyncio.timeout(self.refresh_every):
                    await stop.wait()
            except TimeoutError:
                pass
