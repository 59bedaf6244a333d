"""What the console's desk views read: stories (not deliveries), their evidence, outlets and
where they were delivered. Response schemas of ``/v1/stories`` and ``/v1/deliveries``."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DeskOutlet(BaseModel):
    name: str
    url: str | None = None
    independent: bool
    counted_as: str = Field(description="origin, copy (counts toward copy_of) or state_media")
    copy_of: str | None = None
    wire: bool = False
    seen_at: str | None = None


class DeskEvidence(BaseModel):
    """One evidence sentence with the outlet that published it, for highlighting in place."""

    sentence: str
    pattern: str | None = None
    triggers: list[str] = Field(default_factory=list)
    actor: str | None = None
    target: str | None = None
    countries: list[str] = Field(default_factory=list)
    outlet: str | None = None
    url: str | None = None
    seen_at: str | None = None


class SubscriptionDelivery(BaseModel):
    """Where the story went: one subscription, and the state of its newest delivery."""

    subscription_id: str
    alert_id: str
    state: str = Field(description="delivered, pending, retrying, dead or silenced")
    channel: str | None = None
    delivery_id: str | None = None
    attempts: int = 0
    last_error: str | None = None


class StoryCard(BaseModel):
    id: str
    headline: str = Field(description="actor · pattern · target")
    pattern: str | None
    patterns: list[str]
    actor: str | None
    target: str | None
    countries: list[str]
    severity: str
    severity_reason: str
    corroboration: int
    outlets: list[DeskOutlet]
    newest: DeskEvidence | None
    first_seen_at: str | None
    updated_at: str | None
    subscriptions: list[SubscriptionDelivery]


class StoryPage(BaseModel):
    items: list[StoryCard]
    total: int = Field(description="stories matching the filters (up to the scan limit)")
    next_cursor: str | None = Field(description="pass back as `cursor` for the next page; null at the end")


class DeskAttempt(BaseModel):
    number: int
    started_at: str | None
    latency_ms: float
    status_code: int | None
    outcome: str
    error: str | None


class DeskDelivery(BaseModel):
    id: str
    story_id: str
    subscription_id: str
    channel: str
    event_type: str
    status: str
    attempts: int
    created_at: str | None
    next_attempt_at: str | None
    last_status: int | None
    last_error: str | None
    headline: str | None = None
    attempt_log: list[DeskAttempt] = Field(default_factory=list)


class StoryDetail(StoryCard):
    evidence: list[DeskEvidence]
    deliveries: list[DeskDelivery]


class TimelinePoint(BaseModel):
    day: str = Field(description="YYYY-MM-DD (UTC)")
    pattern: str
    stories: int


class Timeline(BaseModel):
    country: str | None
    days: list[str]
    patterns: list[str]
    points: list[TimelinePoint]


class CountryCount(BaseModel):
    country: str
    stories: int


class StoryMap(BaseModel):
    since: str | None
    until: str | None
    countries: list[CountryCount]
