"""Response shapes shared by several routes (they document the API in /openapi.json)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EvidenceOut(BaseModel):
    pattern: str | None
    sentence: str
    triggers: list[str] = Field(description="the matched words, for highlighting")
    actor: str | None
    target: str | None
    countries: list[str]
    confidence: float


class OutletOut(BaseModel):
    name: str
    url: str | None = None
    independent: bool
    counted_as: str = Field(description="origin, copy (counts toward copy_of) or state_media")
    copy_of: str | None = None
    wire: bool = False


class DocumentOut(BaseModel):
    id: str | None
    url: str | None
    title: str | None
    source_id: str | None
    published_at: str | None


class AlertOut(BaseModel):
    """One story as one subscription was told about it; see the README, "Tocsin HTTP API"."""

    id: str = Field(description="<group key>.<subscription id>")
    subscription_id: str
    story_id: str
    sequence: int = Field(description="how many notifications of this story so far")
    severity: str
    pattern: str | None
    patterns: list[str]
    headline: str
    actor: str | None
    target: str | None
    agency: str | None
    countries: list[str]
    confidence: float
    evidence: list[EvidenceOut]
    documents: list[DocumentOut]
    sources: list[str]
    corroboration: int = Field(
        description="number of independent outlets (copies and the acting government's state media not counted)"
    )
    outlets: list[OutletOut] = Field(default_factory=list, description="every outlet and how it was counted")
    severity_reason: str = Field(default="", description="why the severity, in words")
    first_seen_at: str | None
    updated_at: str | None


class AlertPage(BaseModel):
    items: list[AlertOut]
    next_cursor: str | None = Field(description="pass back as `cursor` for the next page; null at the end")
