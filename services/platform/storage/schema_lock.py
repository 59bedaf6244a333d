"""One migrator at a time: several services (and replicas) bring the schema up on start.

PostgreSQL: a transaction-scoped advisory lock, taken on the very connection that then runs
the migrations, so it is released by the commit (or by the server if the process dies).
SQLite: an exclusive ``flock`` on a file beside the database, which the kernel releases if
the process dies. An in-memory SQLite database belongs to one process and needs no lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
from collections.abc import AsyncIterator
from pathlib import Path

import structlog
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.storage.errors import SchemaLockTimeout

log = structlog.get_logger(__name__)

# int.from_bytes(b"tocsin", "big"): any process migrating Tocsin's schema takes this key.
ADVISORY_LOCK_KEY = 0x746F6373696E
LOCK_TIMEOUT_SECONDS = 120.0
FILE_LOCK_POLL_SECONDS = 0.05


@contextlib.asynccontextmanager
async def schema_lock(connection: AsyncConnection, timeout: float = LOCK_TIMEOUT_SECONDS) -> AsyncIterator[None]:
    """Holds the migration lock for ``connection``'s database while the body runs.

    On PostgreSQL the lock lives as long as the connection's current transaction: the body
    must commit or roll back that transaction (the caller does, after migrating).
    """
    dialect = connection.dialect.name
    if dialect == "postgresql":
        await _advisory_lock(connection, timeout)
        yield
    elif dialect == "sqlite" and (path := _sqlite_file(connection)) is not None:
        async with _file_lock(path.with_name(path.name + ".migrate-lock"), timeout):
            yield
    else:
        yield


async def _advisory_lock(connection: AsyncConnection, timeout: float) -> None:
    # lock_timeout also bounds the DDL that follows: a migration stuck behind a long
    # transaction fails rather than queueing every other query behind its own lock.
    await connection.execute(text(f"SET LOCAL lock_timeout = '{int(timeout * 1000)}ms'"))
    try:
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    except DBAPIError as exc:
        raise SchemaLockTimeout(f"another process held the schema migration lock for more than {timeout:g} s") from exc


def _sqlite_file(connection: AsyncConnection) -> Path | None:
    database = connection.engine.url.database
    if database in (None, "", ":memory:") or database.startswith("file::memory:"):
        return None
    return Path(database)


@contextlib.asynccontextmanager
async def _file_lock(path: Path, timeout: float) -> AsyncIterator[None]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        waited = False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if loop.time() >= deadline:
                    raise SchemaLockTimeout(
                        f"another process held the schema migration lock {path} for more than {timeout:g} s"
                    ) from None
                if not waited:
                    log.info("storage.schema_lock_wait", lock=str(path))
                    waited = True
                await asyncio.sleep(FILE_LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
