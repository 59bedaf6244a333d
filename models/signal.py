"""Signals: what the stream processor tells the alerter."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from models._base import WireModel, utcnow
from models.detection import Detection
from models.severity import Severity


class DocumentRef(WireModel):
    """Enough of a document to cite it in an alert without shipping its text."""

    id: str
    source_id: str
    url: str | None = None
    title: str = ""
    published_at: datetime | None = None
    language: str | None = None


class RuleFiring(WireModel):
    """Why a windowed rule fired: the rule, the window and the counts it saw."""

    id: str
    kind: str
    description: str = ""
    count: int = 0
    previous: int | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    actor: str | None = None


SignalType = Literal["detection", "story.opened", "story.updated", "rule.fired"]


class Signal(WireModel):
    """Detections from one document (or one story change) that may deserve an alert.

    ``id`` is deterministic for a given document and pattern set so a replayed message
    produces the same signal, which keeps downstream delivery idempotent.
    """

    id: str
    type: SignalType = "detection"
    document: DocumentRef
    detections: list[Detection] = Field(min_length=1)
    story_id: str | None = None
    severity: Severity = "alert"
    sources: list[str] = Field(default_factory=list)
    story_documents: list[DocumentRef] = Field(
        default_factory=list, description="every outlet's document in the story, for source links"
    )
    rule: RuleFiring | None = None
    created_at: datetime = Field(default_factory=utcnow)
