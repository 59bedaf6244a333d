"""``/v1/sources`` (admin only): what ingest polls, and how each source is doing.

Sources from the config file are listed read-only (``origin: config``); sources added here
live in the database and reach a running ingest service through
``services.ingest.catalogue`` (see its module docstring), and with ``ingest.sharded``
through the Kafka sources topic as well (``services.ingest.source_topic``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.api.contract import refuse_invalid_source
from services.api.deps import Admin, Ctx, not_found
from services.ingest import catalogue as store
from services.ingest.kinds import KINDS, InvalidSource, build_spec
from services.ingest.reachability import looks_unreachable
from services.ingest.source_topic import SourceTopicUnavailable, propagate
from services.ingest.status import SourceStatus, StatusBoard
from services.platform.config.settings import MIN_POLL_INTERVAL, SourceSettings

router = APIRouter(prefix="/v1/sources", tags=["sources"])

SOURCE_ID = r"^[A-Za-z0-9_.:-]+$"


class SourceBody(BaseModel):
    """A source; kind-specific options (``query``, ``handle``, ``full_text``, ...) ride along."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(min_length=1, max_length=40, description=f"one of: {', '.join(sorted(KINDS))}")
    url: str | None = Field(None, max_length=2000)
    interval: float | str = Field(60.0, description=f"seconds or a duration like '5m'; at least {MIN_POLL_INTERVAL:g}s")
    enabled: bool = True


class SourceIn(SourceBody):
    id: str = Field(min_length=1, max_length=100, pattern=SOURCE_ID)


class SourceStatusOut(BaseModel):
    health: Literal["ok", "failing", "unreachable", "silent", "unknown"] = Field(
        description="unreachable: the host could not be reached (DNS, connect, timeout), as when offline"
    )
    error: str | None = Field(None, description="why the source is not ok now; null when it is ok")
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    next_poll_at: datetime | None = None
    consecutive_failures: int = 0
    items_total: int = 0
    items_last_hour: int = 0


class SourceOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    kind: str
    url: str | None
    interval: float
    enabled: bool
    origin: Literal["config", "api"]
    status: SourceStatusOut


def status_out(found: SourceStatus | None) -> SourceStatusOut:
    if found is None:
        return SourceStatusOut(health="unknown")
    if found.consecutive_failures:
        # Failing now: say whether the host was reached at all, so an offline machine reads as such.
        health = "unreachable" if looks_unreachable(found.last_error or "") else "failing"
    elif found.watchdog in ("failing", "silent"):
        health = found.watchdog
    elif found.last_success_at is not None:
        health = "ok"
    else:
        health = "unknown"
    # ``last_error`` is history; ``error`` is only set while the source is not ok, so no page
    # shows "ok" beside an error that was fixed since.
    current_error = found.last_error if health in ("failing", "unreachable") else None
    if health == "silent":
        current_error = "no new items for longer than expected_update"
    return SourceStatusOut(
        health=health,
        error=current_error,
        last_poll_at=found.last_poll_at,
        last_success_at=found.last_success_at,
        last_error_at=found.last_error_at,
        last_error=found.last_error,
        next_poll_at=found.next_poll_at,
        consecutive_failures=found.consecutive_failures,
        items_total=found.items_total,
        items_last_hour=found.items_last_hour,
    )


def source_out(source: SourceSettings, origin: str, found: SourceStatus | None) -> SourceOut:
    return SourceOut(**source.model_dump(mode="json"), origin=origin, status=status_out(found))


def validated(data: dict[str, Any]) -> SourceSettings:
    """The source as ingest will see it, with the kind's own options checked, else 422."""
    try:
        source = SourceSettings.model_validate(data)
        refuse_invalid_source(source)  # unknown kind or option: 422 naming the field
        build_spec(source)
    except ValidationError as exc:
        raise HTTPException(
            422,
            [
                {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                for e in exc.errors(include_url=False, include_context=False)
            ],
        ) from None
    except InvalidSource as exc:
        raise HTTPException(422, [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]) from None
    return source


async def _propagate(ctx: Ctx, source: SourceSettings | None, source_id: str) -> None:
    try:
        await propagate(ctx.settings, source, source_id)
    except SourceTopicUnavailable as exc:
        raise HTTPException(503, f"{exc}; nothing was changed") from None


async def _statuses(ctx: Ctx) -> dict[str, SourceStatus]:
    return {found.source_id: found for found in await StatusBoard(ctx.db).all()}


@router.get("", response_model=list[SourceOut])
async def list_sources(ctx: Ctx, _: Admin) -> list[SourceOut]:
    statuses = await _statuses(ctx)
    configured = {source.id for source in ctx.settings.sources}
    return [
        source_out(source, "config" if source.id in configured else "api", statuses.get(source.id))
        for source in await store.effective_sources(ctx.db, ctx.settings.sources)
    ]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SourceOut)
async def create_source(ctx: Ctx, _: Admin, body: SourceIn) -> SourceOut:
    """Adds a source; a running ingest service starts polling it without a restart."""
    source = validated(body.model_dump())
    if any(s.id == source.id for s in ctx.settings.sources) or await store.get_source(ctx.db, source.id):
        raise HTTPException(409, f"source {source.id!r} already exists")
    await _propagate(ctx, source, source.id)
    await store.save_source(ctx.db, source)
    return source_out(source, "api", None)


async def _find(ctx: Ctx, source_id: str) -> tuple[SourceSettings, str]:
    for source in ctx.settings.sources:
        if source.id == source_id:
            return source, "config"
    stored = await store.get_source(ctx.db, source_id)
    if stored is None:
        raise not_found("source")
    return stored, "api"


@router.get("/{source_id}", response_model=SourceOut)
async def get_source(ctx: Ctx, _: Admin, source_id: str) -> SourceOut:
    source, origin = await _find(ctx, source_id)
    return source_out(source, origin, (await _statuses(ctx)).get(source_id))


@router.get("/{source_id}/status", response_model=SourceStatusOut)
async def get_source_status(ctx: Ctx, _: Admin, source_id: str) -> SourceStatusOut:
    """Health of one source: last success, last error and its message, items in the last hour, next poll."""
    await _find(ctx, source_id)
    return status_out((await _statuses(ctx)).get(source_id))


@router.put("/{source_id}", response_model=SourceOut)
async def replace_source(ctx: Ctx, _: Admin, source_id: str, body: SourceBody) -> SourceOut:
    _existing, origin = await _find(ctx, source_id)
    if origin == "config":
        raise HTTPException(409, "this source comes from the config file; change it there")
    source = validated({**body.model_dump(), "id": source_id})
    await _propagate(ctx, source, source_id)
    await store.save_source(ctx.db, source)
    return source_out(source, "api", (await _statuses(ctx)).get(source_id))


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_source(ctx: Ctx, _: Admin, source_id: str) -> Response:
    _existing, origin = await _find(ctx, source_id)
    if origin == "config":
        raise HTTPException(409, "this source comes from the config file; remove it there")
    await _propagate(ctx, None, source_id)
    await store.delete_source(ctx.db, source_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
