"""The document archive: every produced document, kept in the database until detected and after.

Why: the embedded broker keeps topics in memory, so a restart of ``tocsin run`` used to lose
every document already marked seen but not yet detected (the seen-set stops ingest from
fetching them again). Ingest now writes each document it marks seen into ``ingest_archive``
in the same transaction, the detect stage records ``confirmed_at`` once it has finished the
document (:mod:`services.stream.confirmations`), and an embedded start re-produces what was
never confirmed (:mod:`services.ingest.replay`). Confirmed documents stay for
``archive.retention`` so that ``tocsin patterns backtest`` can replay recent news through a
draft pattern; unconfirmed ones stay as long as their seen entry, since past that ingest may
fetch them again anyway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import DateTime, String, Text, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models import DOCUMENTS, Document, PayloadError
from services.platform.storage import Base, Database, rows_affected

log = structlog.get_logger(__name__)

DEFAULT_RETENTION = timedelta(days=7)
PAGE = 500
"""Rows read per query when streaming the archive: bounds memory on a large backlog."""
_UPDATE_CHUNK = 500


class ArchivedDocument(Base):
    __tablename__ = "ingest_archive"

    document_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(200))
    archived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    payload: Mapped[str] = mapped_column(Text)
    """The document as its ``tocsin.document`` envelope, exactly what went to Kafka."""


@dataclass(frozen=True)
class ArchiveCounts:
    total: int
    unconfirmed: int


def _insert(database: Database):  # type: ignore[no-untyped-def]
    dialect = postgresql if database.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert


async def keep(
    session: AsyncSession, database: Database, documents: Sequence[Document], now: datetime, confirmed: bool
) -> None:
    """Adds ``documents`` inside the caller's transaction (the one marking them seen).

    ``confirmed``: the broker keeps what it acknowledged (a real cluster), so the document
    needs no replay and counts as confirmed at once. A document archived before (the same
    article from a second source, or a re-fetch after its seen entry expired) keeps its
    first row, confirmation included.
    """
    rows = [
        {
            "document_id": doc.id,
            "source_id": doc.source_id,
            "archived_at": now,
            "confirmed_at": now if confirmed else None,
            "payload": DOCUMENTS.encode(doc).decode("utf-8"),
        }
        for doc in {doc.id: doc for doc in documents}.values()
    ]
    if rows:
        statement = _insert(database)(ArchivedDocument).on_conflict_do_nothing(index_elements=["document_id"])
        await session.execute(statement, rows)


class DocumentArchive:
    """Reads and maintains ``ingest_archive``; ingest writes it through :func:`keep`."""

    def __init__(self, database: Database, retention: timedelta = DEFAULT_RETENTION) -> None:
        self.database = database
        self.retention = retention

    async def confirm(self, document_ids: Iterable[str], now: datetime) -> set[str]:
        """Marks documents as detected; returns the ids not (yet) archived, which nothing changed.

        Detect can finish a document before ingest's transaction archiving it commits (the
        broker acknowledges first); the caller retries those ids for a while.
        """
        wanted = list(dict.fromkeys(document_ids))
        missing: set[str] = set()
        async with self.database.sessions.begin() as session:
            for start in range(0, len(wanted), _UPDATE_CHUNK):
                chunk = wanted[start : start + _UPDATE_CHUNK]
                await session.execute(
                    update(ArchivedDocument)
                    .where(ArchivedDocument.document_id.in_(chunk), ArchivedDocument.confirmed_at.is_(None))
                    .values(confirmed_at=now)
                )
                known = await session.scalars(
                    select(ArchivedDocument.document_id).where(ArchivedDocument.document_id.in_(chunk))
                )
                missing.update(set(chunk) - set(known))
        return missing

    async def unconfirmed(self, page: int = PAGE) -> AsyncIterator[list[Document]]:
        """Every document never confirmed, oldest first, ``page`` at a time.

        Keyset paging on ``(archived_at, document_id)``: each page is its own short read, so a
        large backlog never holds a transaction (or SQLite's write lock) open while it is sent.
        """
        after: tuple[datetime, str] | None = None
        while True:
            query = select(ArchivedDocument.archived_at, ArchivedDocument.document_id, ArchivedDocument.payload).where(
                ArchivedDocument.confirmed_at.is_(None)
            )
            if after is not None:
                at, doc_id = after
                query = query.where(
                    or_(
                        ArchivedDocument.archived_at > at,
                        and_(ArchivedDocument.archived_at == at, ArchivedDocument.document_id > doc_id),
                    )
                )
            query = query.order_by(ArchivedDocument.archived_at, ArchivedDocument.document_id).limit(page)
            async with self.database.sessions() as session:
                rows = (await session.execute(query)).all()
            if not rows:
                return
            after = (rows[-1].archived_at, rows[-1].document_id)
            yield _decoded(rows)

    async def since(self, start: datetime, limit: int) -> list[Document]:
        """Up to ``limit`` documents archived at or after ``start``, newest first (for backtests)."""
        query = (
            select(ArchivedDocument.document_id, ArchivedDocument.payload)
            .where(ArchivedDocument.archived_at >= start)
            .order_by(ArchivedDocument.archived_at.desc(), ArchivedDocument.document_id)
            .limit(limit)
        )
        async with self.database.sessions() as session:
            rows = (await session.execute(query)).all()
        return _decoded(rows)

    async def counts(self) -> ArchiveCounts:
        async with self.database.sessions() as session:
            total = await session.scalar(select(func.count()).select_from(ArchivedDocument))
            pending = await session.scalar(
                select(func.count()).select_from(ArchivedDocument).where(ArchivedDocument.confirmed_at.is_(None))
            )
        return ArchiveCounts(int(total or 0), int(pending or 0))

    async def purge(self, now: datetime, unconfirmed_after: timedelta) -> int:
        """Forgets confirmed documents older than the retention window, and unconfirmed ones
        older than ``unconfirmed_after`` (the seen-set's retention); returns how many."""
        async with self.database.sessions.begin() as session:
            result = await session.execute(
                delete(ArchivedDocument).where(
                    or_(
                        and_(
                            ArchivedDocument.confirmed_at.is_not(None),
                            ArchivedDocument.archived_at < now - self.retention,
                        ),
                        ArchivedDocument.archived_at < now - max(unconfirmed_after, self.retention),
                    )
                )
            )
            return rows_affected(result)


def _decoded(rows: Sequence) -> list[Document]:  # type: ignore[type-arg]
    """The archived documents that still decode; one this version cannot read is logged and skipped."""
    documents: list[Document] = []
    for row in rows:
        try:
            documents.append(DOCUMENTS.decode(row.payload))
        except PayloadError as exc:
            log.warning("archive.undecodable", document_id=row.document_id, error=str(exc))
    return documents
