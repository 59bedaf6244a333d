"""A live API per test on SQLite; ``any_live`` also runs on PostgreSQL when it is configured."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.api.live import LiveApi, ServerRun, open_live

POSTGRES_ENV = "TOCSIN_TEST_POSTGRES_URL"
_databases = itertools.count()


async def _admin_execute(base_url: str, statement: str) -> None:
    import asyncpg

    url = make_url(base_url)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _serve(tmp_path: Path, database_url: str | None) -> AsyncIterator[LiveApi]:
    settings, db, app = await open_live(tmp_path, database_url)
    try:
        async with ServerRun(app) as base_url:
            yield LiveApi(base_url, settings, db)
    finally:
        await db.close()


@pytest.fixture
async def live(tmp_path) -> AsyncIterator[LiveApi]:
    async for api in _serve(tmp_path, None):
        yield api


@pytest.fixture(params=["sqlite", "postgres"])
async def any_live(request, tmp_path) -> AsyncIterator[LiveApi]:
    """The live API on SQLite, and again on a fresh PostgreSQL database when configured."""
    if request.param == "sqlite":
        async for api in _serve(tmp_path, None):
            yield api
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set; PostgreSQL variant skipped")
    name = f"tocsin_api_{os.getpid()}_{next(_databases)}"
    await _admin_execute(base, f'DROP DATABASE IF EXISTS "{name}"')
    await _admin_execute(base, f'CREATE DATABASE "{name}"')
    try:
        async for api in _serve(tmp_path, make_url(base).set(database=name).render_as_string(hide_password=False)):
            yield api
    finally:
        await _admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
