"""Sources added through the API, and the merged list the ingest service polls.

Ingest reads ``settings.sources`` at start-up. To pick up API edits without a restart it
polls the ``sources`` revision (one indexed row) and, when it moved, reloads the merged
list and reconciles its per-source loops::

    revision = await sources_revision(db)            # cheap; call every few seconds
    wanted = await effective_sources(db, settings.sources)   # config first, then API rows
    # start loops for new ids, cancel loops for ids gone or disabled, restart changed specs

A config-file source wins over an API source with the same id (the API refuses such ids).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from sqlalchemy import select

from services.api.store import revisions
from services.api.store.tables import SourceRow
from services.config.settings import SourceSettings
from services.storage import Database


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
                SourceRow(id=source.id, kind=source.kind, spec=dump(source), enabled=source.enabled, created_at=now,
                          updated_at=now)
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
