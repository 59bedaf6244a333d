"""Document archive: produced documents kept until detected, then for the retention window.

Revision: 0002
Revises: 0001
Created: 2026-12-06

``ingest_archive`` holds every document ingest marked seen, as its ``tocsin.document``
envelope (see services/ingest/archive.py). ``confirmed_at`` is set by the detect stage;
unconfirmed rows are what an embedded start replays, so both timestamps are indexed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingest_archive",
        sa.Column("document_id", sa.String(length=200), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_index("ix_ingest_archive_archived_at", "ingest_archive", ["archived_at"], unique=False)
    op.create_index("ix_ingest_archive_confirmed_at", "ingest_archive", ["confirmed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ingest_archive_confirmed_at", table_name="ingest_archive")
    op.drop_index("ix_ingest_archive_archived_at", table_name="ingest_archive")
    op.drop_table("ingest_archive")
