"""Baseline: every table Tocsin had when migrations were introduced.

Revision: 0001
Revises:
Created: 2026-11-25

Databases made before migrations existed (by ``Base.metadata.create_all``) carry no
``alembic_version`` and already hold some of these tables; this revision creates only what
is missing, so such a database is adopted rather than refused. Later revisions must not
do this: they change a database whose shape they know.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_missing(table: str, *elements: SchemaItem, indexes: Sequence[tuple[str, list[str], bool]] = ()) -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(table):
        op.create_table(table, *elements)
        existing: set[str | None] = set()
    else:
        existing = {index["name"] for index in inspector.get_indexes(table)}
    for name, columns, unique in indexes:
        if name not in existing:
            op.create_index(name, table, columns, unique=unique)


def upgrade() -> None:
    _create_missing(
        "alert_deliveries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("subscription_id", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("story_id", sa.String(length=80), nullable=False),
        sa.Column("group_key", sa.String(length=80), nullable=False),
        sa.Column("signal_id", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("next_attempt_at", sa.Float(), nullable=True),
        sa.Column("lease_owner", sa.String(length=80), nullable=True),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.Column("finished_at", sa.Float(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        indexes=[
            ("ix_alert_deliveries_due", ["status", "next_attempt_at"], False),
            ("ix_alert_deliveries_subscription_id", ["subscription_id"], False),
        ],
    )
    _create_missing(
        "alert_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("instance", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["alert_deliveries.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_alert_attempts_delivery_id", ["delivery_id"], False)],
    )
    _create_missing(
        "alert_endpoints",
        sa.Column("subscription_id", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_at", sa.Float(), nullable=True),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.Column("failing_since", sa.Float(), nullable=True),
        sa.Column("last_success_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("subscription_id", "channel"),
    )
    _create_missing(
        "alert_groups",
        sa.Column("subscription_id", sa.String(length=100), nullable=False),
        sa.Column("group_key", sa.String(length=80), nullable=False),
        sa.Column("story_id", sa.String(length=80), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.Float(), nullable=False),
        sa.Column("last_notified_at", sa.Float(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("flush_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("subscription_id", "group_key"),
        indexes=[
            ("ix_alert_groups_flush_at", ["flush_at"], False),
            ("ix_api_alert_groups_notified", ["last_notified_at"], False),
        ],
    )
    _create_missing(
        "alert_silences",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("subscription_id", sa.String(length=100), nullable=True),
        sa.Column("pattern", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("starts_at", sa.Float(), nullable=False),
        sa.Column("ends_at", sa.Float(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_missing(
        "api_catalog_revisions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    _create_missing(
        "api_sources",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_missing(
        "api_subscriptions",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=[("ix_api_subscriptions_tenant", ["tenant"], False)],
    )
    _create_missing(
        "auth_tokens",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("admin", sa.Boolean(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        indexes=[
            ("ix_auth_tokens_digest", ["digest"], True),
            ("ix_auth_tokens_tenant", ["tenant"], False),
        ],
    )
    _create_missing(
        "ingest_seen",
        sa.Column("document_id", sa.String(length=200), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document_id"),
        indexes=[
            ("ix_ingest_seen_seen_at", ["seen_at"], False),
            ("ix_ingest_seen_source_time", ["source_id", "seen_at"], False),
        ],
    )
    _create_missing(
        "ingest_source_status",
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("last_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_new_item_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.Column("watchdog", sa.String(length=40), nullable=True),
        sa.Column("cursor", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("source_id"),
    )


def downgrade() -> None:
    for table in (
        "alert_attempts", "alert_deliveries", "alert_endpoints", "alert_groups", "alert_silences",
        "api_catalog_revisions", "api_sources", "api_subscriptions", "auth_tokens", "ingest_seen",
        "ingest_source_status",
    ):
        op.drop_table(table)
