"""``/v1/alerts``: search, one alert, and its deliveries with every attempt."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy import select

from alerts.outbox import attempts
from alerts.tables import DeliveryRow
from services.api.alert_view import AlertQuery, decode_cursor, get_alert, resolve_alert_id, search_alerts
from services.api.deps import Caller, Ctx, not_found
from services.api.models import AlertOut, AlertPage
from services.api.timeutil import iso, to_epoch

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])


@router.get("", response_model=AlertPage)
async def search(
    ctx: Ctx,
    caller: Caller,
    pattern: str | None = Query(None, max_length=100),
    country: str | None = Query(None, min_length=2, max_length=2, pattern="^[A-Za-z]{2}$"),
    actor: str | None = Query(None, max_length=200),
    q: str | None = Query(None, max_length=200, description="text in the headline or evidence"),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, max_length=1000),
) -> AlertPage:
    """Newest first (by last notification). Pass ``next_cursor`` back as ``cursor`` for the next page."""
    position = None
    if cursor:
        position = decode_cursor(cursor)
        if position is None:
            raise HTTPException(
                422, [{"loc": ["query", "cursor"], "msg": "not a cursor from this API", "type": "value_error"}]
            )
    query = AlertQuery(
        pattern=pattern, country=country, actor=actor, text=q, since=to_epoch(since), until=to_epoch(until)
    )
    ids = await ctx.tenant_subscription_ids(caller.tenant)
    items, next_cursor = await search_alerts(ctx.db, ids, query, limit, position)
    return AlertPage(items=[AlertOut(**item) for item in items], next_cursor=next_cursor)


@router.get("/{alert_id}", response_model=AlertOut)
async def get_one(ctx: Ctx, caller: Caller, alert_id: str) -> AlertOut:
    """One alert with all its evidence, documents and sources."""
    alert = await get_alert(ctx.db, alert_id, await ctx.tenant_subscription_ids(caller.tenant))
    if alert is None:
        raise not_found("alert")
    return AlertOut(**alert)


class AttemptOut(BaseModel):
    number: int
    started_at: str | None
    latency_ms: float
    status_code: int | None
    outcome: str
    error: str | None


class DeliveryOut(BaseModel):
    id: str
    subscription_id: str
    channel: str
    event_type: str
    status: str
    attempts: int
    created_at: str | None
    next_attempt_at: str | None
    finished_at: str | None
    last_status: int | None
    last_error: str | None
    attempt_log: list[AttemptOut]


async def delivery_out(ctx: Ctx, row: DeliveryRow) -> DeliveryOut:
    tries = await attempts(ctx.db, row.id)
    return DeliveryOut(
        id=row.id,
        subscription_id=row.subscription_id,
        channel=row.channel,
        event_type=row.event_type,
        status=row.status,
        attempts=row.attempts,
        created_at=iso(row.created_at),
        next_attempt_at=iso(row.next_attempt_at),
        finished_at=iso(row.finished_at),
        last_status=row.last_status,
        last_error=row.last_error,
        attempt_log=[
            AttemptOut(
                number=a.number,
                started_at=iso(a.started_at),
                latency_ms=a.latency_ms,
                status_code=a.status_code,
                outcome=a.outcome,
                error=a.error,
            )
            for a in tries
        ],
    )


@router.get("/{alert_id}/deliveries", response_model=list[DeliveryOut])
async def deliveries_of(ctx: Ctx, caller: Caller, alert_id: str) -> list[DeliveryOut]:
    """Every notification of this alert to every channel, each with every attempt."""
    ids = await ctx.tenant_subscription_ids(caller.tenant)
    if await get_alert(ctx.db, alert_id, ids) is None:
        raise not_found("alert")
    group_key, subscription_id = await resolve_alert_id(ctx.db, alert_id)  # type: ignore[misc]
    async with ctx.db.sessions() as session:
        rows = list(
            await session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.subscription_id == subscription_id, DeliveryRow.group_key == group_key)
                .order_by(DeliveryRow.created_at, DeliveryRow.id)
            )
        )
    return [await delivery_out(ctx, row) for row in rows]
