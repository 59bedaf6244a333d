"""Database fixtures: every outbox test runs on SQLite, and on PostgreSQL when it is configured."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.platform.storage import Database, open_database
from tests.support.postgres import scratch_postgres


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'alerts.db'}"
        return
    async with scratch_postgres("PostgreSQL variant skipped", prefix="tocsin_alerts") as url:
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
