"""Database fixtures: every outbox test runs on SQLite, and on PostgreSQL when it is configured."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.engine import make_url

from services.platform.storage import Database, open_database

POSTGRES_ENV = "TOCSIN_TEST_POSTGRES_URL"
_databases = itertools.count()


async def _fresh_postgres_database(base_url: str) -> str:
    """A new, empty database on the test server, so parallel runs never share tables."""
    import asyncpg

    url = make_url(base_url)
    name = f"tocsin_alerts_{os.getpid()}_{next(_databases)}"
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def _drop_postgres_database(database_url: str) -> None:
    import asyncpg

    url = make_url(database_url)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database="postgres"
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    finally:
        await connection.close()


@asynccontextmanager
async def scratch_postgres(skipped: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards; skips the test (saying
    ``skipped``) when ``POSTGRES_ENV`` is not set."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set; {skipped}")
    url = await _fresh_postgres_database(base)
    try:
        yield url
    finally:
        await _drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'alerts.db'}"
        return
    async with scratch_postgres("PostgreSQL variant skipped") as url:
        yield url


@pytest.fixture
async def db(database_url) -> AsyncIterator[Database]:
    database = open_database(database_url)
    await database.create_schema()
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def kafka_settings_free():
    """Kafka settings for tests that build Settings but never talk to Kafka."""
    from services.platform.config import KafkaSettings

    return KafkaSettings(bootstrap="127.0.0.1:9")
