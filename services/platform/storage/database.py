"""The one place that knows how to open the database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack, cast

import structlog
from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

log = structlog.get_logger(__name__)

SCHEMA_TRIES = 5
# How long an embedded-SQLite writer waits for another's lock before failing. Ingest, the
# alerter and the API share one file; on a loaded two-core machine a poll cycle's write waited
# past 5 s and the cycle crashed (the document it had produced was then produced again).
SQLITE_BUSY_TIMEOUT_MS = 30_000


class Base(DeclarativeBase):
    """Declarative base for every Tocsin table."""


@dataclass(frozen=True)
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def create_schema(self) -> None:
        """Brings the schema to the code's Alembic head (the name predates migrations).

        Idempotent and safe when several processes call it at once; raises
        :class:`~services.platform.storage.errors.SchemaTooNew` on a database migrated by a newer Tocsin.
        """
        from services.platform.storage.schema import upgrade_schema  # imports every table module

        await upgrade_schema(self)

    async def close(self) -> None:
        await self.engine.dispose()


def open_database(url: str) -> Database:
    """An engine for ``url``; for SQLite, the parent folder is created and WAL is on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: SQLAlchemy's echo and its error messages would otherwise print the
    # bound values, webhook secrets and channel URLs among them.
    engine = create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return Database(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))


def rows_affected(result: Result[Unpack[tuple[Any, ...]]]) -> int:
    """How many rows an UPDATE or DELETE matched, 0 when the driver does not say.

    ``AsyncSession.execute`` is typed as returning ``Result``; for DML it returns a
    ``CursorResult``, the class that carries ``rowcount``.
    """
    return int(cast("CursorResult[Unpack[tuple[Any, ...]]]", result).rowcount or 0)


async def ensure_schema(db: Database) -> None:
    """Creates the tables; tolerates another instance creating them at the same moment."""
    for attempt in range(1, SCHEMA_TRIES + 1):
        try:
            await db.create_schema()
            return
        except DBAPIError as exc:  # "already exists" from a racing instance
            if attempt == SCHEMA_TRIES:
                raise
            log.info("storage.schema_retry", attempt=attempt, error=type(exc.orig).__name__)
            await asyncio.sleep(0.1 * attempt)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()
