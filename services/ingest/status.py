"""Per-source health, persisted so ``tocsin sources`` and restarts can read it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from services.ingest.seen import SeenDocument
from services.platform.storage import Base, Database

MAX_ERROR_CHARS = 500


class SourceStatusRow(Base):
    __tablename__ = "ingest_source_status"

    source_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    last_poll_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_new_item_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_poll_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    polls: Mapped[int] = mapped_column(Integer, default=0)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    watchdog: Mapped[str | None] = mapped_column(String(40), nullable=True)
    cursor: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@dataclass(frozen=True)
class SourceStatus:
    """A source's health at one moment; updated with ``replace()`` after each poll."""

    source_id: str
    kind: str
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str | None = None
    last_new_item_at: datetime | None = None
    next_poll_at: datetime | None = None
    consecutive_failures: int = 0
    polls: int = 0
    items_total: int = 0
    watchdog: str | None = None
    cursor: dict[str, Any] = field(default_factory=dict)
    items_last_hour: int = 0

    def succeeded(self, now: datetime, new_items: int, cursor: dict[str, Any]) -> "SourceStatus":
        return replace(
            self,
            last_poll_at=now,
            last_success_at=now,
            consecutive_failures=0,
            polls=self.polls + 1,
            items_total=self.items_total + new_items,
            last_new_item_at=now if new_items else self.last_new_item_at,
            cursor=cursor,
        )

    def failed(self, now: datetime, error: str) -> "SourceStatus":
        return replace(
            self,
            last_poll_at=now,
            last_error_at=now,
            last_error=error[:MAX_ERROR_CHARS],
            consecutive_failures=self.consecutive_failures + 1,
            polls=self.polls + 1,
        )


_FIELDS = (
    "kind",
    "last_poll_at",
    "last_success_at",
    "last_error_at",
    "last_error",
    "last_new_item_at",
    "next_poll_at",
    "consecutive_failures",
    "polls",
    "items_total",
    "watchdog",
    "cursor",
)


class StatusBoard:
    """Reads and writes :class:`SourceStatus` rows."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def load(self, source_id: str, kind: str) -> SourceStatus:
        async with self.database.sessions() as session:
            row = await session.get(SourceStatusRow, source_id)
        if row is None:
            return SourceStatus(source_id=source_id, kind=kind)
        return _from_row(row)

    async def save(self, status: SourceStatus) -> None:
        async with self.database.sessions.begin() as session:
            row = await session.get(SourceStatusRow, status.source_id)
            if row is None:
                row = SourceStatusRow(source_id=status.source_id)
                session.add(row)
            for name in _FIELDS:
                setattr(row, name, getattr(status, name))

    async def all(self, now: datetime | None = None) -> list[SourceStatus]:
        """Every known source's status, with ``items_last_hour`` counted from the seen-set."""
        since = (now or datetime.now(timezone.utc)) - timedelta(hours=1)
        async with self.database.sessions() as session:
            rows = list(await session.scalars(select(SourceStatusRow).order_by(SourceStatusRow.source_id)))
            counts = dict(
                (
                    await session.execute(
                        select(SeenDocument.source_id, func.count())
                        .where(SeenDocument.seen_at >= since)
                        .group_by(SeenDocument.source_id)
                    )
                ).all()
            )
        return [replace(_from_row(row), items_last_hour=int(counts.get(row.source_id, 0))) for row in rows]


def _from_row(row: SourceStatusRow) -> SourceStatus:
    values = {name: getattr(row, name) for name in _FIELDS}
    for name, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            values[name] = value.replace(tzinfo=timezone.utc)  # SQLite drops the zone
    values["cursor"] = dict(values["cursor"] or {})
    values["consecutive_failures"] = values["consecutive_failures"] or 0
    values["polls"] = values["polls"] or 0
    values["items_total"] = values["items_total"] or 0
    return SourceStatus(source_id=row.source_id, **values)
