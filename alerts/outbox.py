"""The outbox as the dispatcher and operators see it: claim, settle, resend, replay.

A row is claimed with a lease (one conditional UPDATE, atomic on SQLite and PostgreSQL),
so several alerter instances never send the same delivery at the same time, and a crashed
instance's deliveries become due again once its lease runs out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, or_, select, update

from alerts.tables import DEAD, DELIVERED, PENDING, SILENCED, AttemptRow, DeliveryRow, EndpointRow
from services.platform.storage import Database


def _claimable(now: float):  # type: ignore[no-untyped-def]
    return (
        DeliveryRow.status == PENDING,
        DeliveryRow.next_attempt_at <= now,
        or_(DeliveryRow.lease_until.is_(None), DeliveryRow.lease_until < now),
    )


async def claim_due(db: Database, *, now: float, owner: str, lease: float, limit: int) -> list[DeliveryRow]:
    """Up to ``limit`` due deliveries, leased to ``owner`` until ``now + lease``."""
    if limit <= 0:
        return []
    async with db.sessions() as session:
        ids = list(
            await session.scalars(
                select(DeliveryRow.id).where(*_claimable(now)).order_by(DeliveryRow.next_attempt_at).limit(limit)
            )
        )
    if not ids:
        return []
    until = now + lease
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(ids), *_claimable(now))
            .values(lease_owner=owner, lease_until=until)
        )
    async with db.sessions() as session:
        # Rows another instance claimed between the select and the update keep its owner.
        return list(
            await session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.id.in_(ids), DeliveryRow.lease_owner == owner, DeliveryRow.lease_until == until)
                .order_by(DeliveryRow.next_attempt_at)
            )
        )


async def next_due_at(db: Database) -> float | None:
    """When the earliest pending delivery becomes due (its lease included)."""
    async with db.sessions() as session:
        row = (
            await session.execute(
                select(DeliveryRow.next_attempt_at, DeliveryRow.lease_until)
                .where(DeliveryRow.status == PENDING)
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
    """Stores one attempt; on success also settles the delivery and the endpoint's health.

    Written with plain statements rather than ORM loads: this runs once per attempt and
    is the alerter's hottest write.
    """
    number = delivery.attempts + 1
    finished = started_at + latency_ms / 1000
    values: dict[str, object] = {"attempts": DeliveryRow.attempts + 1, "last_status": status_code, "last_error": error}
    if outcome == DELIVERED:
        values.update(status=DELIVERED, finished_at=finished, lease_owner=None, lease_until=None)
    async with db.sessions() as session, session.begin():
        await session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery.id).values(**values))
        await session.execute(
            insert(AttemptRow).values(
                delivery_id=delivery.id, number=number, started_at=started_at, latency_ms=latency_ms,
                status_code=status_code, outcome=outcome, error=error, instance=instance,
            )
        )
        if outcome == DELIVERED:
            await session.execute(
                update(EndpointRow)
                .where(EndpointRow.subscription_id == delivery.subscription_id, EndpointRow.channel == delivery.channel)
                .values(failing_since=None, last_success_at=finished)
            )
        else:
            endpoint = await _endpoint(session, delivery.subscription_id, delivery.channel)
            if endpoint.failing_since is None:
                endpoint.failing_since = started_at
    delivery.attempts = number


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
            .values(status=DEAD, last_error=reason[:2000], finished_at=now, lease_owner=None, lease_until=None,
                    next_attempt_at=None)
        )


async def _endpoint(session, subscription_id: str, channel: str) -> EndpointRow:  # type: ignore[no-untyped-def]
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
            .values(status=PENDING, next_attempt_at=now, attempts=0, lease_owner=None, lease_until=None,
                    finished_at=None)
        )
        return result.rowcount == 1


async def replay_since(
    db: Database, subscription_id: str, since: float, now: float, channel: str | None = None
) -> int:
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
            .values(status=PENDING, next_attempt_at=now, attempts=0, lease_owner=None, lease_until=None,
                    finished_at=None)
        )
        return result.rowcount


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
