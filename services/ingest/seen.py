"""The persisted seen-set: which documents Kafka has already acknowledged.

An id enters the set only after the broker acknowledged the document, so a crash between
fetch and acknowledgement re-produces the item instead of losing it. Entries older than the
retention bound are purged; the set stays small while covering any feed's window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Index, String, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from models import Document
from services.ingest import archive
from services.platform.storage import Base, Database, rows_affected

DEFAULT_RETENTION = timedelta(days=30)
_QUERY_CHUNK = 500


class SeenDocument(Base):
    __tablename__ = "ingest_seen"
    __table_args__ = (Index("ix_ingest_seen_source_time", "source_id", "seen_at"),)

    document_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(100))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SeenSet:
    """Dedup across polls, restarts and sources, backed by the ``ingest_seen`` table."""

    def __init__(
        self,
        database: Database,
        retention: timedelta = DEFAULT_RETENTION,
        keep_documents: bool = False,
        await_detection: bool = False,
    ) -> None:
        """``keep_documents``: also archive what is marked (see :mod:`services.ingest.archive`);
        ``await_detection``: archived documents stay unconfirmed until the detect stage says so."""
        self.database = database
        self.retention = retention
        self.keep_documents = keep_documents
        self.await_detection = await_detection

    async def unseen(self, document_ids: Iterable[str]) -> set[str]:
        """The ids among ``document_ids`` that were never acknowledged."""
        wanted = list(dict.fromkeys(document_ids))
        known: set[str] = set()
        async with self.database.sessions() as session:
            for start in range(0, len(wanted), _QUERY_CHUNK):
                chunk = wanted[start : start + _QUERY_CHUNK]
                rows = await session.scalars(
                    select(SeenDocument.document_id).where(SeenDocument.document_id.in_(chunk))
                )
                known.update(rows)
        return set(wanted) - known

    async def mark(
        self, source_id: str, document_ids: Iterable[str], now: datetime, documents: Sequence[Document] = ()
    ) -> None:
        """Marks ids seen; with ``keep_documents``, archives those of ``documents`` among them in
        the same transaction, so no document is ever seen without being recoverable."""
        ids = list(dict.fromkeys(document_ids))
        rows = [{"document_id": doc_id, "source_id": source_id, "seen_at": now} for doc_id in ids]
        if not rows:
            return
        dialect = postgresql if self.database.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(SeenDocument).on_conflict_do_nothing(index_elements=["document_id"])
        marked = set(ids)
        async with self.database.sessions.begin() as session:
            await session.execute(statement, rows)
            if self.keep_documents:
                kept = [doc for doc in documents if doc.id in marked]
                await archive.keep(session, self.database, kept, now, confirmed=not self.await_detection)

    async def purge(self, now: datetime) -> int:
        """Forgets entries older than the retention bound; returns how many."""
        async with self.database.sessions.begin() as session:
            result = await session.execute(delete(SeenDocument).where(SeenDocument.seen_at < now - self.retention))
            return rows_affected(result)
