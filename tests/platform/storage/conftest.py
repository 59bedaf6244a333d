"""Every storage test runs on SQLite and, when TOCSIN_TEST_POSTGRES_URL is set, on PostgreSQL.

Each PostgreSQL test gets a scratch database (``tocsin_test_<random>``) created on the
server named by the URL and dropped afterwards, so these tests never see tables other
tests (or other people's runs) use.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.postgres import scratch_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database: a fresh SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'storage.db'}"
        return
    async with scratch_postgres("the PostgreSQL variant of the storage suite is skipped") as url:
        yield url
