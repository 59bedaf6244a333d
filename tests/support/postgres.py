"""Scratch PostgreSQL databases for tests, one per test, so no two tests share tables.

A test asking for PostgreSQL gets a database created for it on the server named by
``TOCSIN_TEST_POSTGRES_URL`` and dropped afterwards (``WITH (FORCE)``, so a connection the
code under test left open cannot keep it alive). Names are random, so parallel test workers
and other people's runs on the same server never meet. Without the variable the test is
skipped, saying why.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.engine import make_url

POSTGRES_ENV = "TOCSIN_TEST_POSTGRES_URL"


def postgres_base_url() -> str | None:
    """The server the PostgreSQL variants run on, or ``None`` when none is configured."""
    return os.environ.get(POSTGRES_ENV) or None


async def _admin(base_url: str, statement: str) -> None:
    import asyncpg

    url = make_url(base_url)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@asynccontextmanager
async def scratch_postgres(skipped: str, prefix: str = "tocsin_test") -> AsyncIterator[str]:
    """The URL of a fresh, empty database, dropped on exit; skips the test with
    "<variable> is not set; ``skipped``" when no server is configured."""
    base = postgres_base_url()
    if base is None:
        pytest.skip(f"{POSTGRES_ENV} is not set; {skipped}")
    name = f"{prefix}_{secrets.token_hex(6)}"
    await _admin(base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
