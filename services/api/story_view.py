"""Stories as a desk reads them: one entry per story, whatever the number of subscriptions.

The alerter keeps one row per subscription and story (``alert_groups``), one per delivery
(``alert_deliveries``) and the stories service's decision per story
(``alert_story_decisions``). This module folds them into one card per story: the event,
its grade and why, the newest evidence, and where it went with each delivery's state.
Filtering and paging run in Python over at most ``MAX_SCANNED`` recent rows, which keeps
SQLite and PostgreSQL alike; time ranges are applied in SQL.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, select

from alerts.decisions import StoryGrade
from alerts.outbox import attempts
from alerts.payload import alert_id_for
from alerts.story import StoryState
from alerts.tables import DEAD, PENDING, DeliveryRow, StoryGroupRow
from models.names import fold
from services.api.alert_view import grades_for
from services.api.timeutil import iso
from services.platform.storage import Database

MAX_SCANNED = 5000
IN_CHUNK = 500
SEVERITY_RANK = {"alert": 0, "urgent": 1, "flash": 2}


def headline_of(actor: str | None, pattern: str | None, target: str | None) -> str:
    """``Russia · military buildup · Finland``: what happened, in the order an editor says it."""
    parts = [actor or "someone", (pattern or "event").replace("_", " ")]
    if target:
        parts.append(target)
    return " · ".join(parts)


@dataclass(frozen=True)
class StoryFilter:
    pattern: str | None = None
    country: str | None = None
    severity: str | None = None
    text: str | None = None
    since: float | None = None
    until: float | None = None

    def accepts(self, card: dict[str, Any], state: StoryState) -> bool:
        if self.pattern and self.pattern not in card["patterns"]:
            return False
        if self.country and self.country.upper() not in card["countries"]:
            return False
        if self.severity and SEVERITY_RANK.get(card["severity"], 0) < SEVERITY_RANK.get(self.severity, 0):
            return False
        if self.text:
            needle = fold(self.text)
            haystack = [
                card["headline"],
                *(d.get("sentence", "") for d in state.detections),
                *((d.get("title") or "") for d in state.documents.values()),
                *(o["name"] for o in card["outlets"]),
            ]
            if not any(needle in fold(part) for part in haystack):
                return False
        return True


def _delivery_state(row: DeliveryRow) -> str:
    if row.status == PENDING and row.attempts > 0 and row.last_error:
        return "retrying"
    return row.status


def _evidence(state: StoryState, grade: StoryGrade | None) -> list[dict[str, Any]]:
    """Every evidence sentence once, with its outlet, time and link when the decision names them."""
    by_sentence = {d.get("sentence", ""): d for d in state.detections}
    best = state.detections[0] if state.detections else {}
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for outlet in grade.outlets if grade else []:
        sentence = outlet.get("evidence")
        if not sentence:
            continue
        detection = by_sentence.get(sentence, best)
        found.append(
            {
                "sentence": sentence,
                "pattern": detection.get("pattern"),
                "triggers": detection.get("triggers", []),
                "actor": detection.get("actor"),
                "target": detection.get("target"),
                "countries": by_sentence.get(sentence, {}).get("countries", []),
                "outlet": outlet.get("name"),
                "url": outlet.get("url"),
                "seen_at": outlet.get("seen_at"),
            }
        )
        seen.add(sentence)
    documents = list(state.documents.values())
    for detection in state.detections:
        sentence = detection.get("sentence", "")
        if sentence in seen:
            continue
        seen.add(sentence)
        document = documents[0] if len(documents) == 1 else {}
        found.append(
            {
                "sentence": sentence,
                "pattern": detection.get("pattern"),
                "triggers": detection.get("triggers", []),
                "actor": detection.get("actor"),
                "target": detection.get("target"),
                "countries": detection.get("countries", []),
                "outlet": document.get("source_id"),
                "url": document.get("url"),
                "seen_at": document.get("published_at"),
            }
        )
    found.sort(key=lambda item: item.get("seen_at") or "", reverse=True)
    return found


def story_card(
    story_id: str, groups: list[StoryGroupRow], grade: StoryGrade | None, deliveries: list[DeliveryRow]
) -> tuple[dict[str, Any], StoryState]:
    """One story from its subscriptions' rows (newest first), its decision and its deliveries."""
    state = StoryState.loads(groups[0].state)
    for other in groups[1:]:  # a subscription with wider filters may have kept more evidence
        extra = StoryState.loads(other.state)
        known = {d.get("sentence") for d in state.detections}
        state.detections.extend(d for d in extra.detections if d.get("sentence") not in known)
        for key, document in extra.documents.items():
            state.documents.setdefault(key, document)
    first = state.detections[0] if state.detections else {}
    evidence = _evidence(state, grade)
    newest_delivery: dict[str, DeliveryRow] = {}
    for delivery in sorted(deliveries, key=lambda r: r.created_at):
        newest_delivery[delivery.subscription_id] = delivery
    subscriptions = []
    for group in sorted(groups, key=lambda g: g.subscription_id):
        row = newest_delivery.get(group.subscription_id)
        subscriptions.append(
            {
                "subscription_id": group.subscription_id,
                "alert_id": alert_id_for(group.group_key, group.subscription_id),
                "state": _delivery_state(row) if row else "pending",
                "channel": row.channel if row else None,
                "delivery_id": row.id if row else None,
                "attempts": row.attempts if row else 0,
                "last_error": row.last_error if row else None,
            }
        )
    outlets = (
        grade.outlets
        if grade
        else [
            {"name": s, "url": None, "independent": True, "counted_as": "origin", "copy_of": None, "wire": False}
            for s in state.sources
        ]
    )
    card = {
        "id": story_id,
        "headline": headline_of(first.get("actor"), first.get("pattern"), first.get("target")),
        "pattern": first.get("pattern"),
        "patterns": sorted({d["pattern"] for d in state.detections if d.get("pattern")}),
        "actor": first.get("actor"),
        "target": first.get("target"),
        "countries": state.countries(),
        "severity": grade.severity if grade else state.severity,
        "severity_reason": grade.reason if grade else f"{len(state.sources)} sources (not assessed)",
        "corroboration": grade.corroboration if grade else len(state.sources),
        "outlets": outlets,
        "newest": evidence[0] if evidence else None,
        "evidence": evidence,
        "first_seen_at": iso(min(g.first_seen_at for g in groups)),
        "updated_at": iso(max(g.last_notified_at or 0.0 for g in groups)),
        "subscriptions": subscriptions,
    }
    return card, state


async def _groups(
    db: Database, subscription_ids: Sequence[str], since: float | None, until: float | None, story_id: str | None = None
) -> list[StoryGroupRow]:
    conditions: list[ColumnElement[bool]] = [
        StoryGroupRow.subscription_id.in_(list(subscription_ids)),
        StoryGroupRow.last_notified_at.is_not(None),
    ]
    if since is not None:
        conditions.append(StoryGroupRow.last_notified_at >= since)
    if until is not None:
        conditions.append(StoryGroupRow.last_notified_at < until)
    if story_id is not None:
        conditions.append(StoryGroupRow.story_id == story_id)
    async with db.sessions() as session:
        return list(
            await session.scalars(
                select(StoryGroupRow)
                .where(*conditions)
                .order_by(StoryGroupRow.last_notified_at.desc())
                .limit(MAX_SCANNED)
            )
        )


async def _deliveries(db: Database, subscription_ids: Sequence[str], story_ids: Sequence[str]) -> list[DeliveryRow]:
    wanted = sorted(set(story_ids))
    found: list[DeliveryRow] = []
    async with db.sessions() as session:
        for start in range(0, len(wanted), IN_CHUNK):
            found.extend(
                await session.scalars(
                    select(DeliveryRow).where(
                        DeliveryRow.story_id.in_(wanted[start : start + IN_CHUNK]),
                        DeliveryRow.subscription_id.in_(list(subscription_ids)),
                    )
                )
            )
    return found


async def story_cards(db: Database, subscription_ids: Sequence[str], query: StoryFilter) -> list[dict[str, Any]]:
    """Every story matching ``query``, newest first (by its latest notification)."""
    if not subscription_ids:
        return []
    groups = await _groups(db, subscription_ids, query.since, query.until)
    by_story: dict[str, list[StoryGroupRow]] = {}
    for group in groups:
        by_story.setdefault(group.story_id, []).append(group)
    grades: dict[str, StoryGrade] = {}
    ids = list(by_story)
    for start in range(0, len(ids), IN_CHUNK):
        grades.update(await grades_for(db, ids[start : start + IN_CHUNK]))
    deliveries: dict[str, list[DeliveryRow]] = {}
    for delivery in await _deliveries(db, subscription_ids, ids):
        deliveries.setdefault(delivery.story_id, []).append(delivery)
    cards = []
    for story_id, rows in by_story.items():
        card, state = story_card(story_id, rows, grades.get(story_id), deliveries.get(story_id, []))
        if query.accepts(card, state):
            cards.append(card)
    cards.sort(key=lambda c: (c["updated_at"] or "", c["id"]), reverse=True)
    return cards


def encode_cursor(card: dict[str, Any]) -> str:
    raw = json.dumps([card["updated_at"], card["id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str] | None:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        updated_at, story_id = value
        return str(updated_at), str(story_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None


def page_of(
    cards: list[dict[str, Any]], limit: int, cursor: tuple[str, str] | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Cards after ``cursor`` (newest first), at most ``limit``, and the next cursor."""
    if cursor is not None:
        cards = [c for c in cards if (c["updated_at"] or "", c["id"]) < cursor]
    page = cards[:limit]
    return page, encode_cursor(page[-1]) if len(cards) > limit else None


async def story_detail(db: Database, subscription_ids: Sequence[str], story_id: str) -> dict[str, Any] | None:
    """One story with all its evidence and every delivery with every attempt."""
    if not subscription_ids:
        return None
    groups = await _groups(db, subscription_ids, None, None, story_id=story_id)
    if not groups:
        return None
    rows = await _deliveries(db, subscription_ids, [story_id])
    grade = (await grades_for(db, [story_id])).get(story_id)
    card, _ = story_card(story_id, groups, grade, rows)
    card["deliveries"] = [
        await delivery_json(db, row, card["headline"], with_attempts=True)
        for row in sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    ]
    return card


async def delivery_json(db: Database, row: DeliveryRow, headline: str | None, with_attempts: bool) -> dict[str, Any]:
    tries = await attempts(db, row.id) if with_attempts else []
    return {
        "id": row.id,
        "story_id": row.story_id,
        "subscription_id": row.subscription_id,
        "channel": row.channel,
        "event_type": row.event_type,
        "status": _delivery_state(row),
        "attempts": row.attempts,
        "created_at": iso(row.created_at),
        "next_attempt_at": iso(row.next_attempt_at),
        "last_status": row.last_status,
        "last_error": row.last_error,
        "headline": headline,
        "attempt_log": [
            {
                "number": a.number,
                "started_at": iso(a.started_at),
                "latency_ms": a.latency_ms,
                "status_code": a.status_code,
                "outcome": a.outcome,
                "error": a.error,
            }
            for a in tries
        ],
    }


async def troubled_deliveries(db: Database, subscription_ids: Sequence[str], limit: int) -> list[dict[str, Any]]:
    """Deliveries that failed at least once and are not delivered: retrying or dead-lettered, newest first."""
    if not subscription_ids:
        return []
    async with db.sessions() as session:
        rows = list(
            await session.scalars(
                select(DeliveryRow)
                .where(
                    DeliveryRow.subscription_id.in_(list(subscription_ids)),
                    DeliveryRow.status.in_([PENDING, DEAD]),
                    DeliveryRow.last_error.is_not(None),
                )
                .order_by(DeliveryRow.created_at.desc())
                .limit(limit)
            )
        )
    out = []
    for row in rows:
        headline = None
        try:
            data = json.loads(row.payload).get("data", {})
            headline = headline_of(data.get("actor"), (data.get("patterns") or [None])[0], data.get("target"))
        except (ValueError, AttributeError):
            pass
        out.append(await delivery_json(db, row, headline, with_attempts=True))
    return out


def day_of(iso_time: str | None) -> str | None:
    return iso_time[:10] if iso_time else None


def timeline(cards: list[dict[str, Any]], country: str | None, days: int, now: datetime) -> dict[str, Any]:
    """Stories per day per pattern, by the day each story was first seen, oldest day first."""
    today = now.astimezone(timezone.utc).date()
    day_list = [(today - timedelta(days=offset)).isoformat() for offset in range(days - 1, -1, -1)]
    counts: dict[tuple[str, str], int] = {}
    for card in cards:
        if country and country.upper() not in card["countries"]:
            continue
        day = day_of(card["first_seen_at"])
        if day not in day_list:
            continue
        key = (day, card["pattern"] or "event")
        counts[key] = counts.get(key, 0) + 1
    patterns = sorted({pattern for _, pattern in counts})
    points = [{"day": d, "pattern": p, "stories": n} for (d, p), n in sorted(counts.items())]
    return {"country": country.upper() if country else None, "days": day_list, "patterns": patterns, "points": points}


def by_country(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for card in cards:
        for code in card["countries"]:
            counts[code] = counts.get(code, 0) + 1
    return [{"country": code, "stories": n} for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
