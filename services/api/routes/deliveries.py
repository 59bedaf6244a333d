"""``/v1/deliveries/{id}/resend`` and ``/v1/endpoints/{id}/recover``: the alerter's operator tools."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from alerts.channels.keys import channel_keys
from alerts.outbox import enable_endpoint, replay_since, resend
from alerts.tables import DeliveryRow
from services.api.deps import Caller, Ctx, not_found
from services.api.routes.alerts import DeliveryOut, delivery_out
from services.api.timeutil import to_epoch

router = APIRouter(tags=["deliveries"])


@router.get("/v1/deliveries/{delivery_id}", response_model=DeliveryOut)
async def get_delivery(ctx: Ctx, caller: Caller, delivery_id: str) -> DeliveryOut:
    row = await _owned(ctx, caller.tenant, delivery_id)
    return await delivery_out(ctx, row)


@router.post("/v1/deliveries/{delivery_id}/resend", response_model=DeliveryOut)
async def resend_delivery(ctx: Ctx, caller: Caller, delivery_id: str) -> DeliveryOut:
    """Queues the delivery again with the same ``webhook-id``; the retry schedule starts over."""
    await _owned(ctx, caller.tenant, delivery_id)
    await resend(ctx.db, delivery_id, ctx.clock())
    return await delivery_out(ctx, await _owned(ctx, caller.tenant, delivery_id))


class Recovery(BaseModel):
    endpoint: str
    channels: list[str]
    queued: int


@router.post("/v1/endpoints/{subscription_id}/recover", response_model=Recovery)
async def recover_endpoint(
    ctx: Ctx,
    caller: Caller,
    subscription_id: str,
    since: datetime = Query(description="replay deliveries recorded at or after this time"),
    channel: str | None = Query(None, max_length=80, description="one channel key (default: all)"),
) -> Recovery:
    """Re-enables a subscription's endpoint(s) and queues again every delivery since ``since``.

    An endpoint is a subscription's channel; the id is the subscription id.
    """
    subscription = next((s for s in ctx.catalog.current() if s.id == subscription_id), None)
    if subscription_id not in await ctx.tenant_subscription_ids(caller.tenant) or subscription is None:
        raise not_found("endpoint")
    keys = channel_keys(subscription)
    if channel is not None:
        if channel not in keys:
            raise not_found("channel")
        keys = [channel]
    for key in keys:
        await enable_endpoint(ctx.db, subscription_id, key)
    queued = 0
    since_epoch = to_epoch(since) or 0.0
    for key in keys:
        queued += await replay_since(ctx.db, subscription_id, since_epoch, ctx.clock(), channel=key)
    return Recovery(endpoint=subscription_id, channels=keys, queued=queued)


async def _owned(ctx: Ctx, tenant: str, delivery_id: str) -> DeliveryRow:
    async with ctx.db.sessions() as session:
        row = await session.get(DeliveryRow, delivery_id)
    if row is None or row.subscription_id not in await ctx.tenant_subscription_ids(tenant):
        raise not_found("delivery")
    return row
