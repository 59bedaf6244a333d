"""``/v1/silences``: hold back matching alerts until a time (they are recorded, not delivered).

A tenant's silence names one of its subscriptions: the alerter's silence rows carry no
tenant, so a silence without a subscription would mute every tenant. Only an admin may
create such a global silence, and only admins see them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, or_, select

from alerts.silences import Silence, add_silence, expire_silence
from alerts.tables import SilenceRow
from models.subscription import Duration
from services.api.auth import Principal
from services.api.contract import refuse_unknown_patterns
from services.api.deps import Caller, Ctx, not_found
from services.api.timeutil import iso, to_epoch

router = APIRouter(prefix="/v1/silences", tags=["silences"])

MAX_SILENCE = 366 * 86400.0


def _country(value: str | None) -> str | None:
    if value is not None and (len(value) != 2 or not value.isalpha()):
        raise ValueError("country must be an ISO 3166-1 alpha-2 code")
    return value.upper() if value else None


class SilenceIn(BaseModel):
    """Matchers (all given ones must hold) and how long. Give ``ends_at`` or ``duration``."""

    model_config = ConfigDict(extra="forbid")

    subscription_id: str | None = Field(None, max_length=100, description="required unless admin")
    pattern: str | None = Field(None, min_length=1, max_length=100)
    country: Annotated[str | None, AfterValidator(_country)] = None
    actor: str | None = Field(None, min_length=1, max_length=200)
    starts_at: datetime | None = Field(None, description="default: now")
    ends_at: datetime | None = None
    duration: Duration | None = Field(None, gt=0, le=MAX_SILENCE, description="seconds or '2h'")
    comment: str = Field("", max_length=1000)


class SilenceOut(BaseModel):
    id: str
    subscription_id: str | None
    pattern: str | None
    country: str | None
    actor: str | None
    starts_at: str | None
    ends_at: str | None
    active: bool
    comment: str
    created_by: str


def silence_out(silence: Silence | SilenceRow, now: float) -> SilenceOut:
    return SilenceOut(
        id=silence.id,
        subscription_id=silence.subscription_id,
        pattern=silence.pattern,
        country=silence.country,
        actor=silence.actor,
        starts_at=iso(silence.starts_at),
        ends_at=iso(silence.ends_at),
        active=silence.starts_at <= now < silence.ends_at,
        comment=silence.comment,
        created_by=silence.created_by,
    )


async def _visible_condition(ctx: Ctx, caller: Principal) -> ColumnElement[bool]:
    owned = SilenceRow.subscription_id.in_(await ctx.tenant_subscription_ids(caller.tenant))
    return or_(owned, SilenceRow.subscription_id.is_(None)) if caller.admin else owned


async def _window(ctx: Ctx, body: SilenceIn) -> tuple[float, float]:
    starts = to_epoch(body.starts_at) or ctx.clock()
    if body.ends_at is not None and body.duration is not None:
        raise HTTPException(
            422, [{"loc": ["body", "duration"], "msg": "give ends_at or duration, not both", "type": "value_error"}]
        )
    if body.ends_at is not None:
        ends = to_epoch(body.ends_at) or 0.0
    elif body.duration is not None:
        ends = starts + body.duration
    else:
        raise HTTPException(
            422, [{"loc": ["body", "ends_at"], "msg": "give ends_at or duration", "type": "value_error"}]
        )
    if ends <= starts:
        raise HTTPException(
            422, [{"loc": ["body", "ends_at"], "msg": "a silence must end after it starts", "type": "value_error"}]
        )
    if ends - starts > MAX_SILENCE:
        raise HTTPException(
            422, [{"loc": ["body", "ends_at"], "msg": "a silence lasts at most a year", "type": "value_error"}]
        )
    return starts, ends


async def _check_scope(ctx: Ctx, caller: Principal, body: SilenceIn) -> None:
    refuse_unknown_patterns(ctx.settings, [body.pattern], "pattern", listed=False)
    if body.subscription_id is None:
        if not caller.admin:
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", "subscription_id"],
                        "type": "value_error",
                        "msg": "name one of your subscriptions (only admins silence globally)",
                    }
                ],
            )
        if not any((body.pattern, body.country, body.actor)):
            raise HTTPException(
                422, [{"loc": ["body"], "type": "value_error", "msg": "a silence needs at least one matcher"}]
            )
    elif body.subscription_id not in await ctx.tenant_subscription_ids(caller.tenant):
        raise not_found("subscription")


@router.get("", response_model=list[SilenceOut])
async def list_silences(ctx: Ctx, caller: Caller, active: bool | None = Query(None)) -> list[SilenceOut]:
    now = ctx.clock()
    async with ctx.db.sessions() as session:
        rows = list(
            await session.scalars(
                select(SilenceRow).where(await _visible_condition(ctx, caller)).order_by(SilenceRow.starts_at)
            )
        )
    out = [silence_out(row, now) for row in rows]
    return out if active is None else [item for item in out if item.active == active]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SilenceOut)
async def create_silence(ctx: Ctx, caller: Caller, body: SilenceIn) -> SilenceOut:
    await _check_scope(ctx, caller, body)
    starts, ends = await _window(ctx, body)
    silence = await add_silence(
        ctx.db,
        starts_at=starts,
        ends_at=ends,
        subscription_id=body.subscription_id,
        pattern=body.pattern,
        country=body.country,
        actor=body.actor,
        comment=body.comment,
        created_by=caller.tenant,
    )
    return silence_out(silence, ctx.clock())


async def _owned(ctx: Ctx, caller: Principal, silence_id: str) -> SilenceRow:
    async with ctx.db.sessions() as session:
        row = (
            await session.scalars(
                select(SilenceRow).where(SilenceRow.id == silence_id, await _visible_condition(ctx, caller))
            )
        ).first()
    if row is None:
        raise not_found("silence")
    return row


@router.get("/{silence_id}", response_model=SilenceOut)
async def get_silence(ctx: Ctx, caller: Caller, silence_id: str) -> SilenceOut:
    return silence_out(await _owned(ctx, caller, silence_id), ctx.clock())


@router.put("/{silence_id}", response_model=SilenceOut)
async def replace_silence(ctx: Ctx, caller: Caller, silence_id: str, body: SilenceIn) -> SilenceOut:
    """Changes matchers and window in place (the id stays)."""
    await _owned(ctx, caller, silence_id)
    await _check_scope(ctx, caller, body)
    starts, ends = await _window(ctx, body)
    async with ctx.db.sessions() as session, session.begin():
        row = await session.get(SilenceRow, silence_id)
        if row is None:
            raise not_found("silence")
        row.subscription_id, row.pattern, row.country, row.actor = (
            body.subscription_id,
            body.pattern,
            body.country,
            body.actor,
        )
        row.starts_at, row.ends_at, row.comment = starts, ends, body.comment
    return silence_out(await _owned(ctx, caller, silence_id), ctx.clock())


@router.delete("/{silence_id}", status_code=status.HTTP_204_NO_CONTENT)
async def end_silence(ctx: Ctx, caller: Caller, silence_id: str) -> Response:
    """Ends the silence now; it stays listed as expired."""
    await _owned(ctx, caller, silence_id)
    await expire_silence(ctx.db, silence_id, ctx.clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
