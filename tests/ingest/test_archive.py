"""The document archive: kept with the seen mark, confirmed by detect, replayed, pruned.

Runs on SQLite and (when configured) PostgreSQL. Rows are scoped by a per-test source id,
because the PostgreSQL variant shares one database with other runs.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select

from models import Document
from services.ingest import archive as archive_module
from services.ingest.archive import ArchivedDocument, DocumentArchive
from services.ingest.seen import SeenDocument, SeenSet
from services.platform.storage import Database, open_database

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = open_database(database_url)
    await db.create_schema()
    yield db
    await db.close()


@pytest.fixture
async def source_id(database: Database) -> AsyncIterator[str]:
    source = f"src-{uuid.uuid4().hex[:12]}"
    yield source
    async with database.sessions.begin() as session:
        await session.execute(delete(SeenDocument).where(SeenDocument.source_id == source))
        await session.execute(delete(ArchivedDocument).where(ArchivedDocument.source_id == source))


def documents(source_id: str, count: int) -> list[Document]:
    return [
        Document(
            id=f"doc_{source_id}_{n:04d}",
            source_id=source_id,
            title=f"Item {n}",
            text=f"Body {n} \u00e9\u6f22",
            fetched_at=T0,
        )
        for n in range(count)
    ]


async def rows(database: Database, source_id: str) -> dict[str, datetime | None]:
    async with database.sessions() as session:
        found = await session.execute(
            select(ArchivedDocument.document_id, ArchivedDocument.confirmed_at).where(
                ArchivedDocument.source_id == source_id
            )
        )
        return {row.document_id: _utc(row.confirmed_at) for row in found}


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


async def unconfirmed_of(archive: DocumentArchive, source_id: str, page: int = 500) -> list[str]:
    return [doc.id async for batch in archive.unconfirmed(page) for doc in batch if doc.source_id == source_id]


class TestKeptWithTheSeenMark:
    async def test_marked_documents_are_archived_unconfirmed_and_whole(
        self, database: Database, source_id: str
    ) -> None:
        seen = SeenSet(database, keep_documents=True, await_detection=True)
        docs = documents(source_id, 3)
        await seen.mark(source_id, [docs[0].id, docs[1].id], T0, docs)  # docs[2] was not acknowledged
        assert await rows(database, source_id) == {docs[0].id: None, docs[1].id: None}
        archive = DocumentArchive(database)
        replayed = [doc async for batch in archive.unconfirmed() for doc in batch if doc.source_id == source_id]
        assert replayed == docs[:2]  # the same document, text and all, as was produced

    async def test_a_document_seen_again_keeps_its_first_row(self, database: Database, source_id: str) -> None:
        seen = SeenSet(database, keep_documents=True, await_detection=True)
        [doc] = documents(source_id, 1)
        await seen.mark(source_id, [doc.id], T0, [doc])
        await DocumentArchive(database).confirm([doc.id], T0 + timedelta(minutes=1))
        await seen.mark(source_id, [doc.id], T0 + timedelta(minutes=2), [doc])
        assert await rows(database, source_id) == {doc.id: T0 + timedelta(minutes=1)}

    async def test_without_detection_tracking_documents_count_as_confirmed(
        self, database: Database, source_id: str
    ) -> None:
        seen = SeenSet(database, keep_documents=True, await_detection=False)
        docs = documents(source_id, 2)
        await seen.mark(source_id, [doc.id for doc in docs], T0, docs)
        assert await rows(database, source_id) == {doc.id: T0 for doc in docs}
        assert await unconfirmed_of(DocumentArchive(database), source_id) == []

    async def test_archive_disabled_keeps_nothing(self, database: Database, source_id: str) -> None:
        seen = SeenSet(database)
        docs = documents(source_id, 2)
        await seen.mark(source_id, [doc.id for doc in docs], T0, docs)
        assert await rows(database, source_id) == {}

    async def test_a_failed_archive_write_leaves_the_documents_unseen(
        self, database: Database, source_id: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Seen and archived in one transaction: never seen without being recoverable."""

        async def broken(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(archive_module, "keep", broken)
        seen = SeenSet(database, keep_documents=True, await_detection=True)
        docs = documents(source_id, 2)
        with pytest.raises(RuntimeError):
            await seen.mark(source_id, [doc.id for doc in docs], T0, docs)
        assert await seen.unseen(doc.id for doc in docs) == {doc.id for doc in docs}


class TestConfirmAndReplay:
    async def test_only_unconfirmed_documents_are_replayed_in_order_across_pages(
        self, database: Database, source_id: str
    ) -> None:
        seen = SeenSet(database, keep_documents=True, await_detection=True)
        docs = documents(source_id, 7)
        for n, doc in enumerate(docs):  # archived one second apart, two share a second
            await seen.mark(source_id, [doc.id], T0 + timedelta(seconds=min(n, 5)), [doc])
        archive = DocumentArchive(database)
        missing = await archive.confirm([docs[1].id, docs[4].id, "doc_never_archived"], T0 + timedelta(minutes=1))
        assert missing == {"doc_never_archived"}
        assert await archive.confirm([docs[1].id], T0 + timedelta(minutes=2)) == set()  # already confirmed: kept
        assert (await rows(database, source_id))[docs[1].id] == T0 + timedelta(minutes=1)
        left = [doc.id for n, doc in enumerate(docs) if n not in (1, 4)]
        assert await unconfirmed_of(archive, source_id, page=2) == left

    async def test_since_returns_the_window_newest_first_and_bounded(self, database: Database, source_id: str) -> None:
        seen = SeenSet(database, keep_documents=True)
        docs = documents(source_id, 5)
        for n, doc in enumerate(docs):
            await seen.mark(source_id, [doc.id], T0 + timedelta(hours=n), [doc])
        archive = DocumentArchive(database)
        found = [
            doc.id for doc in await archive.since(T0 + timedelta(hours=2), limit=1000) if doc.source_id == source_id
        ]
        assert found == [docs[4].id, docs[3].id, docs[2].id]
        assert len(await archive.since(T0 + timedelta(hours=2), limit=2)) == 2


class TestRetention:
    async def test_confirmed_go_after_the_window_unconfirmed_after_the_seen_retention(
        self, database: Database, source_id: str
    ) -> None:
        seen = SeenSet(database, keep_documents=True, await_detection=True)
        old_confirmed, old_pending, ancient_pending, recent = documents(source_id, 4)
        await seen.mark(
            source_id, [old_confirmed.id, old_pending.id], T0 - timedelta(days=8), [old_confirmed, old_pending]
        )
        await seen.mark(source_id, [ancient_pending.id], T0 - timedelta(days=31), [ancient_pending])
        await seen.mark(source_id, [recent.id], T0 - timedelta(days=1), [recent])
        archive = DocumentArchive(database, retention=timedelta(days=7))
        await archive.confirm([old_confirmed.id, recent.id], T0 - timedelta(days=1))
        assert await archive.purge(T0, unconfirmed_after=timedelta(days=30)) >= 2
        assert set(await rows(database, source_id)) == {old_pending.id, recent.id}
