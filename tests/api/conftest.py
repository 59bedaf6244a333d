"""A live API per test, on SQLite (and PostgreSQL for the storage-facing tests when configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.api.feed import POLL_EVERY  # noqa: F401 - the feed's cadence bounds the waits below
from tests.api.live import LiveApi, ServerRun, open_live


@pytest.fixture
async def live(tmp_path) -> AsyncIterator[LiveApi]:
    settings, db, app = await open_live(tmp_path)
    try:
        async with ServerRun(app) as base_url:
            yield LiveApi(base_url, settings, db)
    finally:
        await db.close()
