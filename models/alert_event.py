"""The webhook body as a pydantic model: the one source of the published JSON Schema.

``alerts/schema/alert-event.v1.json`` is generated from :class:`AlertEvent`
(``python -m models.alert_event > alerts/schema/alert-event.v1.json``) and a test keeps the
two equal, so the schema a receiver validates against is the shape the alerter builds,
test events included.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.signal import CountedAs

SCHEMA_ID = "https://tocsin.example/schema/alert-event.v1.json"
Country = str
_COUNTRY = Field(pattern="^[A-Z]{2}$")


class _Open(BaseModel):
    """Receivers must ignore members they do not know; the schema says so too."""

    model_config = ConfigDict(extra="allow")


class EvidenceItem(_Open):
    pattern: str
    sentence: str
    triggers: list[str] = Field(default_factory=list)
    actor: str | None = None
    target: str | None = None
    agency: str | None = Field(default=None, description="the agency the sentence cites (a denial's subject)")
    countries: list[Country] = Field(default_factory=list, description="the parties this sentence names")
    confidence: float = Field(ge=0, le=1)
    rule: str | None = None


class DocumentItem(_Open):
    id: str
    url: str | None = None
    title: str | None = None
    source_id: str
    published_at: str | None = None


class OutletItem(_Open):
    name: str = Field(description="registrable domain, social account or source id")
    url: str | None = None
    independent: bool
    counted_as: CountedAs = Field(description="origin: independent; copy: syndicated, counts toward copy_of; "
                                              "state_media: the acting government's own outlet")
    copy_of: str | None = None
    wire: bool = False
    evidence: str | None = Field(default=None, description="the sentence this outlet published")
    seen_at: str | None = None


class RuleItem(_Open):
    id: str
    kind: str
    description: str = ""
    count: int = 0
    previous: int | None = None
    window_start: str | None = None
    window_end: str | None = None
    actor: str | None = None


class AlertData(_Open):
    alert_id: str = Field(description="resolves with GET /v1/alerts/{alert_id}")
    console_url: str | None = Field(default=None, description="the story's page in the Tocsin console")
    subscription_id: str
    tenant: str
    story_id: str
    sequence: int = Field(ge=1, description="1 for the first notification of the story, then 2, 3, ...")
    reason: Literal["new", "update", "repeat", "test"]
    severity: Literal["alert", "urgent", "flash"]
    severity_reason: str = Field(default="", description="why: '2 independent outlets (1 wire); not counted: 1 copy'")
    corroboration: int = Field(ge=0, description="number of independent outlets")
    outlets: list[OutletItem] = Field(description="every outlet of the story and how it was counted")
    patterns: list[str] = Field(min_length=1)
    actor: str | None = None
    target: str | None = None
    agency: str | None = None
    countries: list[Country] = Field(description="the parties the evidence sentences name")
    confidence: float = Field(ge=0, le=1)
    evidence: list[EvidenceItem] = Field(min_length=1)
    documents: list[DocumentItem] = Field(min_length=1)
    sources: list[str]
    rule: RuleItem | None = None
    truncated: bool


class AlertEvent(_Open):
    """Body of every Tocsin webhook: a CloudEvents-style envelope around one alert.

    Always under 20 kB; ``data.truncated`` says when evidence was shortened to fit.
    """

    model_config = ConfigDict(
        extra="allow", title="Tocsin alert event",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID},
    )

    specversion: Literal["1.0"]
    type: Literal["alert.created", "alert.updated", "alert.test"] = Field(
        description="alert.created for the first notification of a story, alert.updated for corroboration and "
                    "repeats, alert.test for POST /v1/subscriptions/{id}/test")
    id: str = Field(pattern="^msg_[0-9a-f]{32}$",
                    description="equal to the webhook-id header; stable across retries, the receiver's idempotency key")
    source: str
    subject: str | None = Field(default=None, description="the story id")
    time: str = Field(json_schema_extra={"format": "date-time"})
    datacontenttype: Literal["application/json"] = "application/json"
    data: AlertData


def _patch_countries(schema: dict[str, Any]) -> dict[str, Any]:
    """Country codes are ISO alpha-2 upper case; pydantic cannot say so of ``list[str]`` items."""
    defs = schema.get("$defs", {})
    for name in ("AlertData", "EvidenceItem"):
        countries = defs.get(name, {}).get("properties", {}).get("countries")
        if countries is not None:
            countries["items"] = {"type": "string", "pattern": "^[A-Z]{2}$"}
    return schema


def published_schema() -> dict[str, Any]:
    """The JSON Schema served to receivers, as committed under alerts/schema/."""
    return _patch_countries(AlertEvent.model_json_schema())


def published_schema_text() -> str:
    return json.dumps(published_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(published_schema_text(), end="")
