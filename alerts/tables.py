"""The alerter's tables. Times are epoch seconds (floats) so SQLite and PostgreSQL compare
them the same way and the injected clock needs no time-zone handling."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.platform.storage import Base

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"
SILENCED = "silenced"
STATUSES = (PENDING, DELIVERED, DEAD, SILENCED)


class DeliveryRow(Base):
    """One notification to one channel of one subscription: the outbox entry.

    ``id`` is the ``webhook-id``: derived from the subscription, channel, story and the
    story's notification sequence, so recording the same thing twice is a no-op and every
    retry, restart or resend carries the same id.
    """

    __tablename__ = "alert_deliveries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(100), index=True)
    channel: Mapped[str] = mapped_column(String(80))
    event_type: Mapped[str] = mapped_column(String(40))
    story_id: Mapped[str] = mapped_column(String(80))
    group_key: Mapped[str] = mapped_column(String(80))
    signal_id: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(10))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[float] = mapped_column(Float)
    next_attempt_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(80), nullable=True)
    lease_until: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_alert_deliveries_due", "status", "next_attempt_at"),)


class AttemptRow(Base):
    """One try at sending a delivery: when, how long, what came back."""

    __tablename__ = "alert_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("alert_deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[float] = mapped_column(Float)
    latency_ms: Mapped[float] = mapped_column(Float)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str] = mapped_column(String(12))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    instance: Mapped[str] = mapped_column(String(80))


class EndpointRow(Base):
    """Health of one channel of one subscription: failing since when, disabled or not."""

    __tablename__ = "alert_endpoints"

    subscription_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    channel: Mapped[str] = mapped_column(String(80), primary_key=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    failing_since: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_success_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class StoryGroupRow(Base):
    """What one subscription has been told about one story, for grouping and dedup."""

    __tablename__ = "alert_groups"

    subscription_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[float] = mapped_column(Float)
    last_notified_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    flush_at: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)


class SilenceRow(Base):
    """A matcher-based silence with an expiry. Empty matchers match anything."""

    __tablename__ = "alert_silences"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscription_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    pattern: Mapped[str | None] = mapped_column(String(100), nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    actor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    starts_at: Mapped[float] = mapped_column(Float)
    ends_at: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")


# The live feed and alert search read story rows by notification time; this index keeps
# those reads off a full scan.
NOTIFIED_INDEX = Index("ix_api_alert_groups_notified", StoryGroupRow.last_notified_at)


class SubscriptionRow(Base):
    """A subscription made through the API. ``spec`` is the ``models.Subscription`` JSON.

    The webhook secret is inside ``spec`` in plain text: the alerter must sign with it, so it
    cannot be hashed (see the README, "Tocsin HTTP API" for the limits of this).
    """

    __tablename__ = "api_subscriptions"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    spec: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class OpsEventRow(Base):
    """An ops event (a dead letter, a disabled endpoint) waiting to reach the ops topic.

    Written where the event happens and deleted once the broker has it
    (:class:`alerts.ops.OpsRelay`), so a broker freeze or an alerter restart delays an ops
    event instead of losing it, as it did before (issue 19: ten lost in one freeze).
    """

    __tablename__ = "alert_ops_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class StoryDecisionRow(Base):
    """The stories service's latest decision on one story, as its signal carried it.

    Why a table: a grouped notification is sent after its signal has gone, and the console
    shows stories, not deliveries. Both read the grade, the corroboration and how each
    outlet was counted from here instead of grading again.
    """

    __tablename__ = "alert_story_decisions"

    story_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    severity: Mapped[str] = mapped_column(String(10))
    corroboration: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    outlets: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[float] = mapped_column(Float, index=True)
