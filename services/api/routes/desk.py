"""``/v1/stories`` and ``GET /v1/deliveries``: what the console's desk views read.

Stories, not deliveries: one entry per story with its grade and why, its evidence, and the
subscriptions it went to with each delivery's state. The timeline and map count stories
per day and per country; the deliveries list shows what failed and why.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Literal

from fastapi import APIRouter, HTTPException, Query

from models.desk import CountryCount, DeskDelivery, StoryCard, StoryDetail, StoryMap, StoryPage, Timeline
from services.api.deps import Caller, Ctx, not_found
from services.api.story_view import (
    StoryFilter,
    by_country,
    decode_cursor,
    page_of,
    story_cards,
    story_detail,
    timeline,
    troubled_deliveries,
)
from services.api.timeutil import iso, to_epoch

router = APIRouter(tags=["stories"])
Severity = Literal["alert", "urgent", "flash"]


def _filter(
    pattern: str | None,
    country: str | None,
    severity: str | None,
    q: str | None,
    since: datetime | None,
    until: datetime | None,
) -> StoryFilter:
    return StoryFilter(
        pattern=pattern or None,
        country=country or None,
        severity=severity or None,
        text=q or None,
        since=to_epoch(since),
        until=to_epoch(until),
    )


@router.get("/v1/stories", response_model=StoryPage)
async def list_stories(
    ctx: Ctx,
    caller: Caller,
    pattern: str | None = Query(None, max_length=100),
    country: str | None = Query(None, pattern="^[A-Za-z]{2}$"),
    severity: Severity | None = Query(None, description="this grade or higher"),
    q: str | None = Query(None, max_length=200, description="text in the headline, evidence, titles or outlets"),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, max_length=1000),
) -> StoryPage:
    """One card per story, newest first; ``next_cursor`` pages on past any number of stories."""
    position = decode_cursor(cursor) if cursor else None
    if cursor and position is None:
        raise HTTPException(
            422, [{"loc": ["query", "cursor"], "msg": "not a cursor from this API", "type": "value_error"}]
        )
    ids = await ctx.tenant_subscription_ids(caller.tenant)
    cards = await story_cards(ctx.db, ids, _filter(pattern, country, severity, q, since, until))
    page, next_cursor = page_of(cards, limit, position)
    return StoryPage(items=[StoryCard(**card) for card in page], total=len(cards), next_cursor=next_cursor)


@router.get("/v1/stories/timeline", response_model=Timeline)
async def story_timeline(
    ctx: Ctx,
    caller: Caller,
    country: str | None = Query(None, pattern="^[A-Za-z]{2}$"),
    days: int = Query(30, ge=1, le=90),
    pattern: str | None = Query(None, max_length=100),
) -> Timeline:
    """Stories per day per pattern (by the day first seen), the last ``days`` days."""
    now = datetime.fromtimestamp(ctx.clock(), timezone.utc)
    since = now - timedelta(days=days)
    cards = await story_cards(
        ctx.db,
        await ctx.tenant_subscription_ids(caller.tenant),
        StoryFilter(pattern=pattern or None, since=since.timestamp()),
    )
    return Timeline(**timeline(cards, country, days, now))


@router.get("/v1/stories/map", response_model=StoryMap)
async def story_map(
    ctx: Ctx,
    caller: Caller,
    pattern: str | None = Query(None, max_length=100),
    severity: Severity | None = None,
    q: str | None = Query(None, max_length=200),
    since: datetime | None = None,
    until: datetime | None = None,
) -> StoryMap:
    """How many stories name each country in the range: what the console's map shades."""
    cards = await story_cards(
        ctx.db, await ctx.tenant_subscription_ids(caller.tenant), _filter(pattern, None, severity, q, since, until)
    )
    return StoryMap(
        since=iso(to_epoch(since)),
        until=iso(to_epoch(until)),
        countries=[CountryCount(**count) for count in by_country(cards)],
    )


@router.get("/v1/stories/{story_id}", response_model=StoryDetail)
async def get_story(ctx: Ctx, caller: Caller, story_id: str) -> StoryDetail:
    """The story page: every evidence sentence, the outlets and how each counted, every delivery and attempt."""
    detail = await story_detail(ctx.db, await ctx.tenant_subscription_ids(caller.tenant), story_id)
    if detail is None:
        raise not_found("story")
    return StoryDetail(**detail)


@router.get("/v1/deliveries", response_model=list[DeskDelivery])
async def failed_deliveries(ctx: Ctx, caller: Caller, limit: int = Query(100, ge=1, le=500)) -> list[DeskDelivery]:
    """Deliveries that failed and are not through: retrying (with the last error) or dead-lettered."""
    rows = await troubled_deliveries(ctx.db, await ctx.tenant_subscription_ids(caller.tenant), limit)
    return [DeskDelivery(**row) for row in rows]
