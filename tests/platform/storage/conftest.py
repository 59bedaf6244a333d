"""Every storage test runs on SQLite and, when TOCSIN_TEST_POSTGRES_URL is set, on PostgreSQL.

Each PostgreSQL test gets a scratch database (``tocsin_test_<random>``) created on the
server named by the URL and dropped afterwards, so these tests never see tables other
tests (or other people's runs) use.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

POSTGRES_ENV = "TOCSIN_TEST_POSTGRES_URL"
SKIP_REASON = f"{POSTGRES_ENV} is not set; the PostgreSQL variant of the storage suite is skipped"


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


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database: a fresh SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'storage.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(SKIP_REASON)
    name = f"tocsin_test_{secrets.token_hex(6)}"
    await _admin(base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
