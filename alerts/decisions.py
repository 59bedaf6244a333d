"""The stories service's decision on a story, kept by the alerter so it never grades again.

A story signal carries its grade (``severity``), ``corroboration``, the reason and how each
outlet was counted. The alerter stores the latest of these per story (``StoryDecisionRow``)
and uses it for the subscription's severity filter, the outbox row and the payload, also
when a grouped notification goes out after the signal itself has gone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from alerts.tables import StoryDecisionRow
from models import Signal


@dataclass(frozen=True)
class StoryGrade:
    severity: str
    corroboration: int
    reason: str = ""
    outlets: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of_row(cls, row: StoryDecisionRow) -> "StoryGrade":
        return cls(row.severity, row.corroboration, row.reason, json.loads(row.outlets or "[]"))


def grade_of_signal(signal: Signal) -> StoryGrade | None:
    """The decision a story signal carries; None for signals without one (rules, old workers)."""
    if signal.corroboration is None:
        return None
    return StoryGrade(
        severity=signal.severity,
        corroboration=signal.corroboration,
        reason=signal.severity_reason,
        outlets=[outlet.model_dump(mode="json") for outlet in signal.outlets],
    )


async def remember(session: AsyncSession, story_id: str, grade: StoryGrade, now: float) -> None:
    """Stores ``grade`` as the story's latest decision (one row per story, updated in place).

    A story only gains outlets, so a decision naming fewer outlets than the stored one is an
    older signal arriving late (a replay after a restart) and does not overwrite it. Signal
    times cannot say this: a signal carries the time its triggering article was fetched,
    and articles are not processed in fetch order.
    """
    row = await session.get(StoryDecisionRow, story_id)
    outlets = json.dumps(grade.outlets, ensure_ascii=False, separators=(",", ":"))
    if row is None:
        session.add(
            StoryDecisionRow(
                story_id=story_id,
                severity=grade.severity,
                corroboration=grade.corroboration,
                reason=grade.reason,
                outlets=outlets,
                updated_at=now,
            )
        )
        await session.flush()
        return
    if len(grade.outlets) < len(json.loads(row.outlets or "[]")):
        return
    row.severity, row.corroboration, row.reason, row.outlets, row.updated_at = (
        grade.severity,
        grade.corroboration,
        grade.reason,
        outlets,
        now,
    )


async def recall(session: AsyncSession, story_id: str) -> StoryGrade | None:
    row = await session.get(StoryDecisionRow, story_id)
    return None if row is None else StoryGrade.of_row(row)
