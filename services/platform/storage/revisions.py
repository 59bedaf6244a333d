"""Change counters that let another process notice an API edit with one cheap query."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.platform.storage import Base, Database

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


class CatalogRevisionRow(Base):
    """One counter per catalog (``sources``, ``subscriptions``), bumped on every change.

    Readers in other processes poll this single row and reload only when it moved.
    """

    __tablename__ = "api_catalog_revisions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
