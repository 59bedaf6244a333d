"""An alert: a signal matched to one subscription, ready to deliver."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models._base import WireModel, utcnow
from models.detection import Detection
from models.signal import DocumentRef


class Alert(WireModel):
    """What a subscriber receives. ``id`` is stable per (subscription, signal)."""

    id: str
    subscription_id: str
    tenant: str = "default"
    type: str = "alert.created"
    severity: str = "alert"
    detections: list[Detection] = Field(min_length=1)
    documents: list[DocumentRef] = Field(min_length=1)
    story_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
