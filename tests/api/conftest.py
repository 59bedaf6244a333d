"""A live API per test on SQLite; ``any_live`` also runs on PostgreSQL when it is configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.api.live import LiveApi, ServerRun, open_live
from tests.support.postgres import scratch_postgres


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
    async with scratch_postgres("PostgreSQL variant skipped", prefix="tocsin_api") as url:
        async for api in _serve(tmp_path, url):
            yield api
