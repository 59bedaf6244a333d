"""Bringing a database's schema to the revision this code expects (Alembic's ``head``).

Every service calls this on start through :meth:`Database.create_schema`, so it must be
idempotent, safe when replicas start together (see :mod:`services.platform.storage.schema_lock`),
and must refuse a database migrated by a newer Tocsin rather than run against it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from services.platform.storage.database import Database
from services.platform.storage.errors import SchemaTooNew
from services.platform.storage.schema_lock import schema_lock

log = structlog.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class _QuietContext(logging.Filter):
    """Drops the lines Alembic logs each time it merely looks at a database; keeps the
    "Running upgrade" lines that say what changed."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(("Context impl", "Will assume"))


logging.getLogger("alembic.runtime.migration").addFilter(_QuietContext())


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: its recorded revisions against the code's newest one."""

    revisions: tuple[str, ...]
    head: str | None
    unknown: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.revisions

    @property
    def at_head(self) -> bool:
        return self.revisions == ((self.head,) if self.head else ())

    def describe(self) -> str:
        """One line for operators: the revision and what it means."""
        if self.empty:
            return f"no schema revision (empty or pre-migration database); head is {self.head}"
        found = ", ".join(self.revisions)
        if self.unknown:
            return f"{found} (unknown to this Tocsin, whose head is {self.head}: migrated by a newer version)"
        if self.at_head:
            return f"{found} (head)"
        return f"{found} (behind head {self.head}: run `tocsin db upgrade`)"


def alembic_config(connection: Connection | None = None) -> Config:
    """An in-memory Alembic config pointing at the packaged migrations (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def migration_scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str | None:
    """The newest revision this code knows (None only before the first one is written)."""
    return migration_scripts().get_current_head()


def _state(connection: Connection) -> SchemaState:
    revisions = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    known = {script.revision for script in migration_scripts().walk_revisions()}
    return SchemaState(revisions, head_revision(), tuple(rev for rev in revisions if rev not in known))


async def schema_state(db: Database) -> SchemaState:
    """The database's revision as recorded in ``alembic_version``; changes nothing."""
    async with db.engine.connect() as connection:
        return await connection.run_sync(_state)


async def upgrade_schema(db: Database) -> SchemaState:
    """Migrates ``db`` to head under the migration lock; a no-op when it already is there.

    Raises :class:`SchemaTooNew` when the database carries a revision this code does not know.
    """
    async with db.engine.connect() as connection:
        async with schema_lock(connection):
            before = await connection.run_sync(_state)
            if before.unknown:
                await connection.rollback()
                refused = SchemaTooNew(before.revisions, before.head or "none")
                log.error("storage.schema_too_new", reason=str(refused))
                raise refused
            if before.at_head:
                await connection.rollback()
                return before
            await connection.run_sync(_run_upgrade)
            after = await connection.run_sync(_state)
            await connection.commit()
    log.info(
        "storage.schema_upgraded",
        dialect=db.engine.dialect.name,
        before=list(before.revisions),
        after=list(after.revisions),
    )
    return after


def _run_upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
