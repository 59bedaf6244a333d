"""Silences as data: matchers on pattern, country, actor and subscription, with an expiry.

A silenced notification is still recorded in the outbox (status ``silenced``) so an
operator can see what was held back and resend it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from alerts.tables import SilenceRow
from models.names import fold
from services.platform.storage import Database


@dataclass(frozen=True)
class Silence:
    id: str
    starts_at: float
    ends_at: float
    subscription_id: str | None = None
    pattern: str | None = None
    country: str | None = None
    actor: str | None = None
    comment: str = ""
    created_by: str = ""

    def active(self, now: float) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, subscription_id: str, detections: list[dict[str, Any]]) -> bool:
        """Every set matcher must hold; a detection-level matcher holds if any detection fits."""
        if self.subscription_id is not None and self.subscription_id != subscription_id:
            return False
        for detection in detections or [{}]:
            if self.pattern is not None and detection.get("pattern") != self.pattern:
                continue
            if self.country is not None and self.country.upper() not in detection.get("countries", []):
                continue
            if self.actor is not None and fold(self.actor) not in (
                fold(detection.get("actor") or ""),
                fold(detection.get("target") or ""),
            ):
                continue
            return True
        return False


def _from_row(row: SilenceRow) -> Silence:
    return Silence(
        id=row.id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        subscription_id=row.subscription_id,
        pattern=row.pattern,
        country=row.country,
        actor=row.actor,
        comment=row.comment,
        created_by=row.created_by,
    )


async def add_silence(
    db: Database,
    *,
    starts_at: float,
    ends_at: float,
    subscription_id: str | None = None,
    pattern: str | None = None,
    country: str | None = None,
    actor: str | None = None,
    comment: str = "",
    created_by: str = "",
) -> Silence:
    """Stores a silence and returns it. A silence with no matcher at all is refused."""
    if not any((subscription_id, pattern, country, actor)):
        raise ValueError("a silence needs at least one matcher (subscription, pattern, country or actor)")
    if ends_at <= starts_at:
        raise ValueError("a silence must end after it starts")
    silence = Silence(
        id="sil_" + uuid.uuid4().hex,
        starts_at=starts_at,
        ends_at=ends_at,
        subscription_id=subscription_id,
        pattern=pattern,
        country=country.upper() if country else None,
        actor=actor,
        comment=comment,
        created_by=created_by,
    )
    async with db.sessions() as session, session.begin():
        session.add(SilenceRow(**silence.__dict__))
    return silence


async def expire_silence(db: Database, silence_id: str, now: float) -> bool:
    """Ends a silence now. False when there is no such silence."""
    async with db.sessions() as session, session.begin():
        row = await session.get(SilenceRow, silence_id)
        if row is None:
            return False
        row.ends_at = min(row.ends_at, now)
        return True


async def active_silences(session: AsyncSession, now: float) -> list[Silence]:
    rows = await session.scalars(select(SilenceRow).where(SilenceRow.starts_at <= now, SilenceRow.ends_at > now))
    return [_from_row(row) for row in rows]
