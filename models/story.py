"""Stories: detections of one event, corroborated across outlets over time."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models._base import WireModel
from models.detection import Detection
from models.severity import Severity
from models.signal import CountedAs, DocumentRef


class DetectionEvent(WireModel):
    """One detection with the document it came from: the message on the detections topic."""

    id: str
    story_key: str
    document: DocumentRef
    detection: Detection
    outlet: str
    observed_at: datetime


class SourceRecord(WireModel):
    """One outlet that reported the story, and the evidence it used."""

    outlet: str
    document_id: str
    url: str | None = None
    evidence: str
    seen_at: datetime
    syndicated_from: str | None = None
    counted_as: CountedAs = "origin"


class Story(WireModel):
    """The state of one story, as kept in the stories table (and its changelog)."""

    id: str
    key: str
    pattern: str
    actor: str | None = None
    countries: list[str] = Field(default_factory=list)
    first_seen: datetime
    last_seen: datetime
    sources: list[SourceRecord] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    best: Detection
    best_document: DocumentRef
    max_confidence: float
    severity: Severity = "alert"
    event_ids: list[str] = Field(default_factory=list)

    @property
    def independent_outlets(self) -> list[str]:
        """Outlets counted as independent origins, once each: the story's corroboration."""
        found: list[str] = []
        for source in self.sources:
            if source.counted_as == "origin" and source.outlet not in found:
                found.append(source.outlet)
        return found
