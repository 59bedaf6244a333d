"""The outbound alert event: the body of every webhook, and the published JSON Schema.

The alerter builds each notification as an :class:`AlertEvent`; the schema receivers
validate against (``alerts/schema/alert-event.v1.json``) is generated from these models by
:func:`alert_event_schema`, and a test fails when the committed file and the models differ.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from models._base import WireModel
from models.severity import Severity
from models.signal import OutletRef, RuleFiring

SCHEMA_ID = "https://tocsin.example/schema/alert-event.v1.json"
EVENT_SOURCE = "urn:tocsin:alerter"
SPEC_VERSION: Literal["1.0"] = "1.0"

EventType = Literal["alert.created", "alert.updated", "alert.test"]
Reason = Literal["new", "update", "repeat", "test"]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class AlertEvidence(WireModel):
    """One evidence sentence with what the detector read from it."""

    pattern: str
    sentence: str
    triggers: list[str] = Field(default_factory=list)
    actor: str | None = None
    target: str | None = None
    agency: str | None = Field(default=None, description="A news agency the evidence cites, if any")
    countries: list[CountryCode] = Field(default_factory=list)
    confidence: Probability
    rule: str | None = None


class AlertDocument(WireModel):
    """A document that reported the story, cited without its text."""

    id: str
    source_id: str
    url: str | None = None
    title: str | None = None
    published_at: str | None = None


class AlertData(WireModel):
    """The alert itself: everything a receiver needs without calling back."""

    alert_id: str = Field(description="Resolves with GET /v1/alerts/{alert_id}")
    console_url: str | None = Field(default=None, description="The story's page in the Tocsin console")
    subscription_id: str
    tenant: str
    story_id: str
    sequence: int = Field(ge=1, description="1 for the first notification of the story, then 2, 3, ...")
    reason: Reason
    severity: Severity
    severity_reason: str = Field(default="", description="Why: '2 independent outlets (1 wire); not counted: 1 copy'")
    corroboration: int = Field(
        ge=0, description="The number of independent outlets, as the stories service counted them"
    )
    outlets: list[OutletRef] = Field(description="Every outlet of the story and how it was counted")
    patterns: list[str] = Field(min_length=1)
    actor: str | None = None
    target: str | None = None
    agency: str | None = Field(default=None, description="A news agency the evidence cites, if any")
    countries: list[CountryCode] = Field(description="The parties the evidence sentences name")
    confidence: Probability
    evidence: list[AlertEvidence] = Field(min_length=1)
    documents: list[AlertDocument] = Field(min_length=1)
    sources: list[str]
    rule: RuleFiring | None = Field(
        default=None,
        description="Set when a windowed rule fired (a surge, a new actor): which rule, which window, what counts",
    )
    truncated: bool = Field(description="True when evidence was shortened to keep the event under 20 kB")


class AlertEvent(WireModel):
    """A CloudEvents-style envelope around one alert. Always under 20 kB."""

    specversion: Literal["1.0"] = SPEC_VERSION
    type: EventType = Field(
        description="alert.created for the first notification of a story, alert.updated for corroboration "
        "and repeats, alert.test for a test sent from the API or console",
    )
    id: str = Field(
        pattern=r"^msg_[0-9a-f]{32}$",
        description="Equal to the webhook-id header; stable across retries, the receiver's idempotency key",
    )
    source: str = EVENT_SOURCE
    subject: str | None = Field(default=None, description="The story id")
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    data: AlertData


def alert_event_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of :class:`AlertEvent`."""
    generated = AlertEvent.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **generated,
        "title": "Tocsin alert event",
    }


def alert_event_schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(alert_event_schema(), indent=2, ensure_ascii=False) + "\n"
