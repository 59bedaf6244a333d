"""Story decisions: the stories service's grade, corroboration and outlets per story.

Revision: 0004
Revises: 0003
Created: 2026-12-06

The alerter stores the decision each story signal carries, so grouped notifications and
the console show the corroboration the stories service counted (see alerts/tables.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_story_decisions",
        sa.Column("story_id", sa.String(length=80), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("corroboration", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("outlets", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("story_id"),
    )
    op.create_index("ix_alert_story_decisions_updated_at", "alert_story_decisions", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_alert_story_decisions_updated_at", table_name="alert_story_decisions")
    op.drop_table("alert_story_decisions")
