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

CountedAs = Literal["origin", "copy", "state_media"]
"""How an outlet was counted: an ``origin`` is independent; a ``copy`` (syndicated text) counts
toward its origin; ``state_media`` of the acting government do not confirm its act."""


class OutletRef(WireModel):
    """One outlet of a story and how the stories service counted it (the stories stage decides; this only carries it)."""

    name: str = Field(description="registrable domain, social account or source id")
    url: str | None = Field(default=None, description="the outlet's first article in the story")
    independent: bool
    counted_as: CountedAs
    copy_of: str | None = Field(default=None, description="for a copy: the origin outlet it counts toward")
    wire: bool = Field(default=False, description="a wire agency")
    evidence: str | None = Field(default=None, description="the sentence this outlet published, for the story page")
    seen_at: datetime | None = None


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
    corroboration: int | None = Field(
        default=None, description="independent outlets, as the stories service counted them; None for non-story signals"
    )
    outlets: list[OutletRef] = Field(default_factory=list, description="every outlet of the story and how it counted")
    severity_reason: str = Field(default="", description="why the severity: '2 independent outlets, 1 wire'")
    created_at: datetime = Field(default_factory=utcnow)
