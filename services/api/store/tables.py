"""Tables the API owns. Specs are stored as JSON text so they round-trip through pydantic."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alerts.tables import StoryGroupRow
from services.storage import Base

# The live feed and alert search read the alerter's story rows by notification time; this
# index (on the alerter's table, created by the API) keeps those reads off a full scan.
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


class SourceRow(Base):
    """A source added through the API. ``spec`` is the ``SourceSettings`` JSON."""

    __tablename__ = "api_sources"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    spec: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class CatalogRevisionRow(Base):
    """One counter per catalog (``sources``, ``subscriptions``), bumped on every change.

    Readers in other processes poll this single row and reload only when it moved.
    """

    __tablename__ = "api_catalog_revisions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
