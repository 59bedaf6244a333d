"""Sources added through the API, and the merged list the ingest service polls.

Ingest reads ``settings.sources`` at start-up. To pick up API edits without a restart it
polls the ``sources`` revision (one indexed row) and, when it moved, reloads the merged
list and reconciles its per-source loops. :func:`watch_sources` does exactly that::

    await watch_sources(database, settings.sources, roster.reconcile, stop)

A config-file source wins over an API source with the same id (the API refuses such ids).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from sqlalchemy import Boolean, Float, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from services.platform.config.settings import SourceSettings
from services.platform.storage import Base, Database, revisions

log = structlog.get_logger(__name__)

WATCH_EVERY = 2.0


def dump(source: SourceSettings) -> str:
    return json.dumps(source.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def load(text: str) -> SourceSettings:
    return SourceSettings.model_validate_json(text)


async def stored_sources(db: Database) -> list[SourceSettings]:
    async with db.sessions() as session:
        rows = await session.scalars(select(SourceRow).order_by(SourceRow.created_at, SourceRow.id))
        return [load(row.spec) for row in rows]


async def get_source(db: Database, source_id: str) -> SourceSettings | None:
    async with db.sessions() as session:
        row = await session.get(SourceRow, source_id)
    return load(row.spec) if row is not None else None


async def save_source(db: Database, source: SourceSettings) -> None:
    now = time.time()
    async with db.sessions() as session, session.begin():
        row = await session.get(SourceRow, source.id)
        if row is None:
            session.add(
                SourceRow(
                    id=source.id,
                    kind=source.kind,
                    spec=dump(source),
                    enabled=source.enabled,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            row.kind = source.kind
            row.spec = dump(source)
            row.enabled = source.enabled
            row.updated_at = now
        await revisions.bump(session, revisions.SOURCES)


async def delete_source(db: Database, source_id: str) -> bool:
    async with db.sessions() as session, session.begin():
        row = await session.get(SourceRow, source_id)
        if row is None:
            return False
        await session.delete(row)
        await revisions.bump(session, revisions.SOURCES)
        return True


async def sources_revision(db: Database) -> int:
    """Moves whenever an API call adds, changes or removes a source."""
    return await revisions.current(db, revisions.SOURCES)


async def effective_sources(db: Database, configured: Sequence[SourceSettings]) -> list[SourceSettings]:
    """Every source to poll: the config file's, then the API's (enabled or not; check ``enabled``)."""
    ids = {source.id for source in configured}
    return [*configured, *(source for source in await stored_sources(db) if source.id not in ids)]


async def enabled_specs_from(db: Database, configured: Sequence[SourceSettings]) -> dict[str, Any]:
    """``{id: SourceSpec}`` of every enabled source; a source that no longer validates is skipped
    (and logged) rather than stopping the others."""
    from services.ingest.kinds import InvalidSource, build_spec

    specs: dict[str, Any] = {}
    for source in await effective_sources(db, configured):
        if not source.enabled:
            continue
        try:
            specs[source.id] = build_spec(source)
        except InvalidSource as exc:
            log.warning("sources.invalid", source_id=source.id, error=str(exc))
    return specs


async def watch_sources(
    db: Database,
    configured: Sequence[SourceSettings],
    apply: Callable[[dict[str, Any]], Awaitable[None]],
    stop: asyncio.Event,
    every: float = WATCH_EVERY,
) -> None:
    """Calls ``apply(specs)`` now and again whenever an API edit moves the revision, until ``stop``.

    For ingest (unsharded): ``await watch_sources(database, settings.sources, roster.reconcile, stop)``
    in place of reconciling once with the config's specs and waiting for ``stop``.
    """
    seen: int | None = None
    while not stop.is_set():
        try:
            revision = await sources_revision(db)
            if revision != seen:
                await apply(await enabled_specs_from(db, configured))
                seen = revision
        except Exception as exc:  # the database may blip; the running loops keep going meanwhile
            log.warning("sources.watch_failed", error=str(exc))
        try:
            async with asyncio.timeout(every):
                await stop.wait()
        except TimeoutError:
            pass


class SourceRow(Base):
    """A source added through the API. ``spec`` is the ``SourceSettings`` JSON."""

    __tablename__ = "api_sources"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    spec: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
