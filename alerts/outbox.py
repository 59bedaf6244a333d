"""The outbox as the dispatcher and operators see it: claim, settle, resend, replay.

A row is claimed with a lease (one conditional UPDATE, atomic on SQLite and PostgreSQL),
so several alerter instances never send the same delivery at the same time, and a crashed
instance's deliveries become due again once its lease runs out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, and_, insert, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from alerts.tables import DEAD, DELIVERED, PENDING, SILENCED, AttemptRow, DeliveryRow, EndpointRow
from services.platform.storage import Database, rows_affected

SENDING = "sending"
INTERRUPTED = "interrupted"
"""Attempt outcomes besides delivered/retry/failed: an attempt is stored as ``sending`` when
its row is claimed, before anything goes out, so an alerter killed mid-send leaves a trace;
the next claim of that row turns it into ``interrupted``."""

Endpoint = tuple[str, str]


def _claimable(now: float) -> tuple[ColumnElement[bool], ...]:
    return (
        DeliveryRow.status == PENDING,
        DeliveryRow.next_attempt_at <= now,
        or_(DeliveryRow.lease_until.is_(None), DeliveryRow.lease_until < now),
    )


def _not_blocked(
    skip_subscriptions: Collection[str], skip_endpoints: Collection[Endpoint]
) -> list[ColumnElement[bool]]:
    """Leaves out rows that could not start anyway (their tenant or endpoint is at its bound),
    so that they do not fill the candidate window ahead of other tenants' rows."""
    conditions: list[ColumnElement[bool]] = []
    if skip_subscriptions:
        conditions.append(DeliveryRow.subscription_id.not_in(sorted(skip_subscriptions)))
    for subscription_id, channel in skip_endpoints:
        conditions.append(not_(and_(DeliveryRow.subscription_id == subscription_id, DeliveryRow.channel == channel)))
    return conditions


async def due_rows(
    db: Database,
    *,
    now: float,
    limit: int,
    skip_subscriptions: Collection[str] = (),
    skip_endpoints: Collection[Endpoint] = (),
) -> list[tuple[str, str, str]]:
    """Up to ``limit`` (id, subscription id, channel) of claimable rows, oldest due first."""
    if limit <= 0:
        return []
    async with db.sessions() as session:
        result = await session.execute(
            select(DeliveryRow.id, DeliveryRow.subscription_id, DeliveryRow.channel)
            .where(*_claimable(now), *_not_blocked(skip_subscriptions, skip_endpoints))
            .order_by(DeliveryRow.next_attempt_at)
            .limit(limit)
        )
        return [(ident, subscription_id, channel) for ident, subscription_id, channel in result.all()]


async def claim_due(db: Database, *, now: float, owner: str, lease: float, limit: int) -> list[DeliveryRow]:
    """Up to ``limit`` due deliveries, leased to ``owner`` until ``now + lease``."""
    return await claim(
        db, [ident for ident, _, _ in await due_rows(db, now=now, limit=limit)], now=now, owner=owner, lease=lease
    )


async def claim(db: Database, ids: Sequence[str], *, now: float, owner: str, lease: float) -> list[DeliveryRow]:
    """Leases the given rows to ``owner`` (those still claimable) and opens an attempt for each.

    In the same transaction, an attempt left ``sending`` by an instance that died mid-send
    becomes ``interrupted`` (the receiver may or may not have got it), and the new attempt
    is stored as ``sending`` with the delivery's attempt count raised: if this instance
    dies too, the attempt is on record and counts toward the retry schedule.
    """
    if not ids:
        return []
    until = now + lease
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(ids), *_claimable(now))
            .values(lease_owner=owner, lease_until=until, attempts=DeliveryRow.attempts + 1)
        )
        claimed = list(
            await session.scalars(
                # Rows another instance claimed between the select and the update keep its owner.
                select(DeliveryRow)
                .where(DeliveryRow.id.in_(ids), DeliveryRow.lease_owner == owner, DeliveryRow.lease_until == until)
                .order_by(DeliveryRow.next_attempt_at)
            )
        )
        if claimed:
            await session.execute(
                update(AttemptRow)
                .where(AttemptRow.delivery_id.in_([row.id for row in claimed]), AttemptRow.outcome == SENDING)
                .values(outcome=INTERRUPTED, error=INTERRUPTED_ERROR)
            )
            await session.execute(
                insert(AttemptRow),
                [
                    {
                        "delivery_id": row.id,
                        "number": row.attempts,
                        "started_at": now,
                        "latency_ms": 0.0,
                        "status_code": None,
                        "outcome": SENDING,
                        "error": None,
                        "instance": owner,
                    }
                    for row in claimed
                ],
            )
    return claimed


INTERRUPTED_ERROR = "the alerter stopped before this attempt ended; the receiver may have got it"


async def defer_endpoint(db: Database, endpoint: Endpoint, *, until: float, now: float) -> int:
    """Moves an endpoint's due rows to ``until`` (its circuit is open), spending no attempt.

    Rows in flight (leased) are left alone. Returns how many rows moved.
    """
    subscription_id, channel = endpoint
    async with db.sessions() as session, session.begin():
        result = await session.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.subscription_id == subscription_id,
                DeliveryRow.channel == channel,
                DeliveryRow.status == PENDING,
                DeliveryRow.next_attempt_at < until,
                or_(DeliveryRow.lease_until.is_(None), DeliveryRow.lease_until < now),
            )
            .values(next_attempt_at=until)
        )
        return rows_affected(result)


async def next_due_at(
    db: Database, skip_subscriptions: Collection[str] = (), skip_endpoints: Collection[Endpoint] = ()
) -> float | None:
    """When the earliest pending delivery becomes due (its lease included), leaving out rows
    that are waiting for room (a finishing attempt wakes the dispatcher for those)."""
    async with db.sessions() as session:
        row = (
            await session.execute(
                select(DeliveryRow.next_attempt_at, DeliveryRow.lease_until)
                .where(DeliveryRow.status == PENDING, *_not_blocked(skip_subscriptions, skip_endpoints))
                .order_by(DeliveryRow.next_attempt_at)
                .limit(50)
            )
        ).all()
    times = [max(next_at or 0.0, lease or 0.0) for next_at, lease in row]
    return min(times) if times else None


async def record_attempt(
    db: Database,
    delivery: DeliveryRow,
    *,
    started_at: float,
    latency_ms: float,
    status_code: int | None,
    outcome: str,
    error: str | None,
    instance: str,
) -> None:
    """Settles the attempt opened by :func:`claim`; on success also the delivery and the
    endpoint's health.

    Written with plain statements rather than ORM loads: this runs once per attempt and
    is the alerter's hottest write.
    """
    finished = started_at + latency_ms / 1000
    values: dict[str, object] = {"last_status": status_code, "last_error": error}
    if outcome == DELIVERED:
        values.update(status=DELIVERED, finished_at=finished, lease_owner=None, lease_until=None)
    async with db.sessions() as session, session.begin():
        # The newest matching row: after a resend, older attempts can carry the same number.
        opened = await session.scalar(
            select(AttemptRow.id)
            .where(
                AttemptRow.delivery_id == delivery.id,
                AttemptRow.number == delivery.attempts,
                AttemptRow.instance == instance,
                AttemptRow.outcome.in_((SENDING, INTERRUPTED)),
            )
            .order_by(AttemptRow.id.desc())
            .limit(1)
        )
        if opened is not None:
            await session.execute(
                update(AttemptRow)
                .where(AttemptRow.id == opened)
                .values(
                    started_at=started_at, latency_ms=latency_ms, status_code=status_code, outcome=outcome, error=error
                )
            )
        else:  # no attempt was opened by a claim (a direct call): count and store it now
            values["attempts"] = DeliveryRow.attempts + 1
            await session.execute(
                insert(AttemptRow).values(
                    delivery_id=delivery.id,
                    number=delivery.attempts + 1,
                    started_at=started_at,
                    latency_ms=latency_ms,
                    status_code=status_code,
                    outcome=outcome,
                    error=error,
                    instance=instance,
                )
            )
        await session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery.id).values(**values))
        if outcome == DELIVERED:
            await session.execute(
                update(EndpointRow)
                .where(EndpointRow.subscription_id == delivery.subscription_id, EndpointRow.channel == delivery.channel)
                .values(failing_since=None, last_success_at=finished)
            )
        elif outcome != INTERRUPTED:
            endpoint = await _endpoint(session, delivery.subscription_id, delivery.channel)
            if endpoint.failing_since is None:
                endpoint.failing_since = started_at
    if opened is None:
        delivery.attempts += 1


async def endpoint_disabled(db: Database, subscription_id: str, channel: str) -> str | None:
    """The reason an endpoint is disabled, or None when it may be used."""
    async with db.sessions() as session:
        row = (
            await session.execute(
                select(EndpointRow.disabled, EndpointRow.disabled_reason).where(
                    EndpointRow.subscription_id == subscription_id, EndpointRow.channel == channel
                )
            )
        ).first()
    if row is None or not row[0]:
        return None
    return row[1] or "disabled"


async def schedule_retry(db: Database, delivery_id: str, at: float) -> None:
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id == delivery_id, DeliveryRow.status == PENDING)
            .values(next_attempt_at=at, lease_owner=None, lease_until=None)
        )


async def mark_dead(db: Database, delivery_id: str, reason: str, now: float) -> None:
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id == delivery_id)
            .values(
                status=DEAD,
                last_error=reason[:2000],
                finished_at=now,
                lease_owner=None,
                lease_until=None,
                next_attempt_at=None,
            )
        )


async def _endpoint(session: AsyncSession, subscription_id: str, channel: str) -> EndpointRow:
    endpoint = await session.get(EndpointRow, (subscription_id, channel))
    if endpoint is None:
        endpoint = EndpointRow(subscription_id=subscription_id, channel=channel, disabled=False)
        session.add(endpoint)
        await session.flush()
    return endpoint


async def endpoint_state(db: Database, subscription_id: str, channel: str) -> EndpointRow | None:
    async with db.sessions() as session:
        return await session.get(EndpointRow, (subscription_id, channel))


async def disable_endpoint(db: Database, subscription_id: str, channel: str, reason: str, now: float) -> None:
    async with db.sessions() as session, session.begin():
        endpoint = await _endpoint(session, subscription_id, channel)
        endpoint.disabled = True
        endpoint.disabled_at = now
        endpoint.disabled_reason = reason[:2000]


async def enable_endpoint(db: Database, subscription_id: str, channel: str) -> None:
    """Re-enables an endpoint (after its owner fixed it); resend or replay what it missed."""
    async with db.sessions() as session, session.begin():
        endpoint = await _endpoint(session, subscription_id, channel)
        endpoint.disabled = False
        endpoint.disabled_reason = None
        endpoint.failing_since = None


async def resend(db: Database, delivery_id: str, now: float) -> bool:
    """Queues one delivery again, whatever its state, keeping its ``webhook-id``.

    False when there is no such delivery. The retry schedule starts over.
    """
    async with db.sessions() as session, session.begin():
        result = await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id == delivery_id)
            .values(
                status=PENDING, next_attempt_at=now, attempts=0, lease_owner=None, lease_until=None, finished_at=None
            )
        )
        return rows_affected(result) == 1


async def replay_since(db: Database, subscription_id: str, since: float, now: float, channel: str | None = None) -> int:
    """Queues again every delivery of an endpoint recorded at or after ``since``.

    Silenced rows stay silenced: a replay repeats what was sent, not what was held back.
    Returns how many deliveries were queued.
    """
    conditions = [
        DeliveryRow.subscription_id == subscription_id,
        DeliveryRow.created_at >= since,
        DeliveryRow.status != SILENCED,
    ]
    if channel is not None:
        conditions.append(DeliveryRow.channel == channel)
    async with db.sessions() as session, session.begin():
        result = await session.execute(
            update(DeliveryRow)
            .where(*conditions)
            .values(
                status=PENDING, next_attempt_at=now, attempts=0, lease_owner=None, lease_until=None, finished_at=None
            )
        )
        return rows_affected(result)


async def deliveries(db: Database, subscription_id: str | None = None) -> Sequence[DeliveryRow]:
    """Outbox rows, oldest first (for the API and tests)."""
    async with db.sessions() as session:
        query = select(DeliveryRow).order_by(DeliveryRow.created_at, DeliveryRow.id)
        if subscription_id is not None:
            query = query.where(DeliveryRow.subscription_id == subscription_id)
        return list(await session.scalars(query))


async def attempts(db: Database, delivery_id: str) -> Sequence[AttemptRow]:
    async with db.sessions() as session:
        return list(
            await session.scalars(
                select(AttemptRow).where(AttemptRow.delivery_id == delivery_id).order_by(AttemptRow.id)
            )
        )
