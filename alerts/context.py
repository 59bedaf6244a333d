"""What travels between stages: a frozen context and frozen items, updated with ``replace()``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from alerts.decisions import StoryGrade
from alerts.dedup import Decision
from alerts.errors import DeliveryError
from alerts.story import StoryState
from alerts.tables import DeliveryRow, StoryGroupRow
from models import Detection, Signal, Subscription


@dataclass(frozen=True)
class IntakeContext:
    """One signal (or one due flush) being turned into outbox rows, in one transaction."""

    now: float
    session: AsyncSession
    signal: Signal | None = None


@dataclass(frozen=True)
class Candidate:
    """A possible notification of one story to one subscription."""

    subscription: Subscription
    signal: Signal | None = None
    detections: tuple[Detection, ...] = ()
    group_key: str = ""
    story_id: str = ""
    group: StoryGroupRow | None = None
    story: StoryState | None = None
    decision: Decision | None = None
    silenced_by: str | None = None
    grade: StoryGrade | None = None
    """The stories service's decision on the story (severity, corroboration, outlets)."""

    @property
    def severity(self) -> str:
        """The story's grade: the stories service's when known, else the story state's own."""
        if self.grade is not None:
            return self.grade.severity
        assert self.story is not None
        return self.story.severity


@dataclass(frozen=True)
class DeliveryContext:
    now: float
    instance: str


@dataclass(frozen=True)
class Outgoing:
    """One claimed outbox row on its way out, and what went wrong if anything did."""

    delivery: DeliveryRow
    subscription: Subscription | None
    error: DeliveryError | None = None
    latency_ms: float = 0.0
