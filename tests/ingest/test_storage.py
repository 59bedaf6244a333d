"""The seen-set and the status board, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete

from services.ingest.seen import SeenDocument, SeenSet
from services.ingest.status import SourceStatus, SourceStatusRow, StatusBoard
from services.platform.storage import Database, open_database

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = open_database(database_url)
    await db.create_schema()
    yield db
    await db.close()


@pytest.fixture
def source_id(database: Database) -> str:
    """A source id unique to this test, so runs sharing one PostgreSQL database never collide."""
    return f"src-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
async def _cleanup(database: Database, source_id: str) -> AsyncIterator[None]:
    yield
    async with database.sessions.begin() as session:
        await session.execute(delete(SeenDocument).where(SeenDocument.source_id == source_id))
        await session.execute(delete(SourceStatusRow).where(SourceStatusRow.source_id == source_id))


class TestSeenSet:
    async def test_marking_is_idempotent_and_unseen_filters(self, database: Database, source_id: str) -> None:
        seen = SeenSet(database)
        ids = [f"doc_{source_id}_{n}" for n in range(3)]
        assert await seen.unseen(ids) == set(ids)
        await seen.mark(source_id, ids[:2], T0)
        await seen.mark(source_id, ids[:2], T0)  # a retry after a partial failure
        assert await seen.unseen(ids) == {ids[2]}

    async def test_retention_forgets_old_entries_only(self, database: Database, source_id: str) -> None:
        seen = SeenSet(database, retention=timedelta(days=30))
        old, new = f"doc_{source_id}_old", f"doc_{source_id}_new"
        await seen.mark(source_id, [old], T0 - timedelta(days=31))
        await seen.mark(source_id, [new], T0 - timedelta(days=1))
        assert await seen.purge(T0) >= 1
        assert await seen.unseen([old, new]) == {old}

    async def test_large_batches_are_chunked(self, database: Database, source_id: str) -> None:
        seen = SeenSet(database)
        ids = [f"doc_{source_id}_{n}" for n in range(1200)]
        await seen.mark(source_id, ids[:700], T0)
        assert await seen.unseen(ids) == set(ids[700:])


class TestStatusBoard:
    async def test_round_trip_with_cursor_and_hourly_count(self, database: Database, source_id: str) -> None:
        board = StatusBoard(database)
        status = SourceStatus(source_id, "mastodon").succeeded(T0, 2, {"since_id": "42", "etag": None})
        status = status.failed(T0 + timedelta(seconds=60), "FetchError: HTTP 500")
        await board.save(status)
        await SeenSet(database).mark(source_id, [f"doc_{source_id}_a", f"doc_{source_id}_b"], T0)
        (loaded,) = [s for s in await board.all(now=T0 + timedelta(minutes=30)) if s.source_id == source_id]
        assert loaded.cursor == {"since_id": "42", "etag": None}
        assert loaded.last_success_at == T0 and loaded.last_error == "FetchError: HTTP 500"
        assert loaded.consecutive_failures == 1 and loaded.polls == 2 and loaded.items_total == 2
        assert loaded.items_last_hour == 2
        (later,) = [s for s in await board.all(now=T0 + timedelta(hours=2)) if s.source_id == source_id]
        assert later.items_last_hour == 0
        assert (await board.load(source_id, "mastodon")).polls == 2
