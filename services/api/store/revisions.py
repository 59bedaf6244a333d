"""Change counters that let another process notice an API edit with one cheap query."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.api.store.tables import CatalogRevisionRow
from services.storage import Database

SOURCES = "sources"
SUBSCRIPTIONS = "subscriptions"


async def bump(session: AsyncSession, name: str) -> None:
    """Call inside the transaction that changed the catalog."""
    row = await session.get(CatalogRevisionRow, name)
    if row is None:
        session.add(CatalogRevisionRow(name=name, revision=1))
    else:
        row.revision = (row.revision or 0) + 1


async def current(db: Database, name: str) -> int:
    async with db.sessions() as session:
        row = await session.get(CatalogRevisionRow, name)
        return row.revision if row is not None else 0
