"""Alerts as the API shows them: one story as one subscription was told about it.

The alerter keeps, per subscription and story, a row with everything seen so far
(``alerts.tables.StoryGroupRow``). An alert is such a row once notified at least once; its
id joins the group key and the subscription id, so it names exactly one tenant's view.
Search runs in SQL on time and subscription, then in Python on the story JSON (pattern,
country, actor, text), which both SQLite and PostgreSQL store as plain text.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from alerts.decisions import StoryGrade
from alerts.story import StoryState
from alerts.tables import DeliveryRow, StoryDecisionRow, StoryGroupRow
from models.names import fold
from services.platform.storage import Database

SCAN_BATCH = 200
MAX_SCANNED = 5000


def alert_id(group_key: str, subscription_id: str) -> str:
    return f"{group_key}.{subscription_id}"


def split_alert_id(ident: str) -> tuple[str, str] | None:
    group_key, dot, subscription_id = ident.partition(".")
    if not dot or not group_key.startswith("grp_") or not subscription_id:
        return None
    return group_key, subscription_id


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat().replace("+00:00", "Z")


async def grades_for(db: Database, story_ids: Sequence[str]) -> dict[str, StoryGrade]:
    """The stories service's decisions on ``story_ids`` (severity, corroboration, outlets), in one query."""
    wanted = sorted(set(story_ids))
    if not wanted:
        return {}
    async with db.sessions() as session:
        rows = await session.scalars(select(StoryDecisionRow).where(StoryDecisionRow.story_id.in_(wanted)))
        return {row.story_id: StoryGrade.of_row(row) for row in rows}


def alert_json(row: StoryGroupRow, grade: StoryGrade | None = None) -> dict[str, Any]:
    """The public shape of one alert (documented in the README, "Tocsin HTTP API").

    Severity and corroboration are the stories service's decision when the alerter kept one
    (``grade``); otherwise every distinct source counts, as before decisions were kept.
    """
    story = StoryState.loads(row.state)
    detections = story.detections
    first = detections[0] if detections else {}
    countries = story.countries()
    documents = story.document_summaries()
    headline = next((d["title"] for d in documents if d.get("title")), first.get("sentence", ""))
    return {
        "id": alert_id(row.group_key, row.subscription_id),
        "subscription_id": row.subscription_id,
        "story_id": row.story_id,
        "sequence": row.sequence,
        "severity": grade.severity if grade else story.severity,
        "severity_reason": grade.reason if grade else "",
        "pattern": first.get("pattern"),
        "patterns": sorted({item["pattern"] for item in detections}),
        "headline": headline,
        "actor": first.get("actor"),
        "target": first.get("target"),
        "agency": next((item["agency"] for item in detections if item.get("agency")), None),
        "countries": countries,
        "confidence": max((item.get("confidence", 0.0) for item in detections), default=0.0),
        "evidence": [
            {
                "pattern": item.get("pattern"),
                "sentence": item.get("sentence", ""),
                "triggers": item.get("triggers", []),
                "actor": item.get("actor"),
                "target": item.get("target"),
                "countries": item.get("countries", []),
                "confidence": item.get("confidence", 0.0),
            }
            for item in detections
        ],
        "documents": documents,
        "sources": [o["name"] for o in grade.outlets] if grade else list(story.sources),
        "corroboration": grade.corroboration if grade else len(story.sources),
        "outlets": grade.outlets
        if grade
        else [
            {"name": s, "url": None, "independent": True, "counted_as": "origin", "copy_of": None, "wire": False}
            for s in story.sources
        ],
        "first_seen_at": _iso(row.first_seen_at),
        "updated_at": _iso(row.last_notified_at),
    }


@dataclass(frozen=True)
class AlertQuery:
    """Search terms; all given ones must hold."""

    pattern: str | None = None
    country: str | None = None
    actor: str | None = None
    text: str | None = None
    since: float | None = None
    until: float | None = None

    def accepts(self, alert: dict[str, Any]) -> bool:
        if self.pattern and self.pattern not in alert["patterns"]:
            return False
        if self.country and self.country.upper() not in alert["countries"]:
            return False
        if self.actor:
            wanted = fold(self.actor)
            names = {fold(e.get(role) or "") for e in alert["evidence"] for role in ("actor", "target")}
            if not any(wanted and wanted in name for name in names):
                return False
        if self.text:
            needle = self.text.casefold()
            haystack = [
                alert["headline"] or "",
                *(e["sentence"] for e in alert["evidence"]),
                *((d.get("title") or "") for d in alert["documents"]),
            ]
            if not any(needle in part.casefold() for part in haystack):
                return False
        return True


def encode_cursor(row: StoryGroupRow) -> str:
    raw = json.dumps([row.last_notified_at, row.subscription_id, row.group_key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _position(row: StoryGroupRow) -> tuple[float, str, str]:
    """Where the scan goes on after ``row``, which it found by a non-null ``last_notified_at``."""
    if row.last_notified_at is None:  # not reached: the scan's conditions exclude such rows
        raise ValueError(f"alert {row.subscription_id}/{row.group_key} was never notified")
    return row.last_notified_at, row.subscription_id, row.group_key


def decode_cursor(cursor: str) -> tuple[float, str, str] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
        at, subscription_id, group_key = value
        return float(at), str(subscription_id), str(group_key)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None


async def search_alerts(
    db: Database, subscription_ids: Sequence[str], query: AlertQuery, limit: int, cursor: tuple[float, str, str] | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; returns a page and the cursor of the next page (None at the end)."""
    if not subscription_ids:
        return [], None
    found: list[dict[str, Any]] = []
    scanned = 0
    position = cursor
    last_row: StoryGroupRow | None = None
    while len(found) < limit and scanned < MAX_SCANNED:
        conditions: list[ColumnElement[bool]] = [
            StoryGroupRow.subscription_id.in_(list(subscription_ids)),
            StoryGroupRow.last_notified_at.is_not(None),
        ]
        if query.since is not None:
            conditions.append(StoryGroupRow.last_notified_at >= query.since)
        if query.until is not None:
            conditions.append(StoryGroupRow.last_notified_at < query.until)
        if position is not None:
            at, sub, key = position
            conditions.append(
                or_(
                    StoryGroupRow.last_notified_at < at,
                    and_(StoryGroupRow.last_notified_at == at, StoryGroupRow.subscription_id > sub),
                    and_(
                        StoryGroupRow.last_notified_at == at,
                        StoryGroupRow.subscription_id == sub,
                        StoryGroupRow.group_key > key,
                    ),
                )
            )
        async with db.sessions() as session:
            rows = list(
                await session.scalars(
                    select(StoryGroupRow)
                    .where(*conditions)
                    .order_by(
                        StoryGroupRow.last_notified_at.desc(), StoryGroupRow.subscription_id, StoryGroupRow.group_key
                    )
                    .limit(SCAN_BATCH)
                )
            )
        if not rows:
            return found, None
        grades = await grades_for(db, [row.story_id for row in rows])
        for row in rows:
            scanned += 1
            last_row = row
            alert = alert_json(row, grades.get(row.story_id))
            if query.accepts(alert):
                found.append(alert)
                if len(found) == limit:
                    return found, encode_cursor(row)
        position = _position(rows[-1])
        if len(rows) < SCAN_BATCH:
            return found, None
    return found, encode_cursor(last_row) if last_row is not None else None


async def resolve_alert_id(db: Database, ident: str) -> tuple[str, str] | None:
    """``(group key, subscription id)`` of an alert id, or of a delivery id (``msg_…``, the webhook-id)."""
    parts = split_alert_id(ident)
    if parts is not None or not ident.startswith("msg_"):
        return parts
    async with db.sessions() as session:
        delivery = await session.get(DeliveryRow, ident)
    return None if delivery is None else (delivery.group_key, delivery.subscription_id)


async def get_alert(db: Database, ident: str, subscription_ids: Sequence[str]) -> dict[str, Any] | None:
    """One alert by its id or by the id of any of its deliveries; None when not the caller's."""
    parts = await resolve_alert_id(db, ident)
    if parts is None or parts[1] not in subscription_ids:
        return None
    async with db.sessions() as session:
        row = await session.get(StoryGroupRow, (parts[1], parts[0]))
    if row is None or row.last_notified_at is None:
        return None
    return alert_json(row, (await grades_for(db, [row.story_id])).get(row.story_id))


async def notified_since(db: Database, since: float, limit: int = 500) -> list[StoryGroupRow]:
    """Rows notified at or after ``since``, oldest first: what the live feed broadcasts."""
    async with db.sessions() as session:
        return list(
            await session.scalars(
                select(StoryGroupRow)
                .where(StoryGroupRow.last_notified_at.is_not(None), StoryGroupRow.last_notified_at >= since)
                .order_by(StoryGroupRow.last_notified_at)
                .limit(limit)
            )
        )
