"""The notification body: a CloudEvents-style envelope, always valid JSON, under 20 kB.

The same bytes are stored in the outbox and sent on every attempt, so the signature of a
retry covers exactly what the first attempt carried (only the timestamp changes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from alerts.decisions import StoryGrade
from alerts.story import StoryState

MAX_PAYLOAD_BYTES = 20_000
EVENT_SOURCE = "urn:tocsin:alerter"
SPEC_VERSION = "1.0"
_SENTENCE_LIMITS = (2000, 600, 200, 80)
_ELLIPSIS = "…"


@dataclass(frozen=True)
class EventHeader:
    event_id: str
    event_type: str
    reason: str
    time: float
    subscription_id: str
    tenant: str
    story_id: str
    sequence: int
    alert_id: str | None = None
    """The alert this notifies (``GET /v1/alerts/{alert_id}``); the delivery id when absent."""
    console_url: str | None = None


def alert_id_for(group_key: str, subscription_id: str) -> str:
    """The API's id of one story as one subscription is told about it: ``<group key>.<subscription>``."""
    return f"{group_key}.{subscription_id}"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat().replace("+00:00", "Z")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _ELLIPSIS


def event_data(header: EventHeader, story: StoryState, grade: StoryGrade | None = None) -> dict[str, Any]:
    """The ``data`` member: everything a receiver needs without calling back.

    Severity, corroboration and outlets are the stories service's decision (``grade``);
    without one (a rule firing, a test event) every distinct source counts as an origin.
    """
    detections = story.detections
    first = detections[0] if detections else {}
    countries = story.countries()
    documents = story.document_summaries()
    if grade is None:
        grade = StoryGrade(
            severity=story.severity, corroboration=len(story.sources), reason="",
            outlets=[{"name": s, "url": None, "independent": True, "counted_as": "origin", "copy_of": None,
                      "wire": False} for s in story.sources],
        )
    return {
        "alert_id": header.alert_id or header.event_id,
        "console_url": header.console_url,
        "subscription_id": header.subscription_id,
        "tenant": header.tenant,
        "story_id": header.story_id,
        "sequence": header.sequence,
        "reason": header.reason,
        "severity": grade.severity,
        "severity_reason": grade.reason,
        "corroboration": grade.corroboration,
        "outlets": [dict(outlet) for outlet in grade.outlets],
        "patterns": sorted({item["pattern"] for item in detections}),
        "actor": first.get("actor"),
        "target": first.get("target"),
        "agency": next((item["agency"] for item in detections if item.get("agency")), None),
        "countries": countries,
        "confidence": max((item["confidence"] for item in detections), default=0.0),
        "evidence": [
            {
                "pattern": item["pattern"],
                "sentence": item["sentence"],
                "triggers": item.get("triggers", []),
                "actor": item.get("actor"),
                "target": item.get("target"),
                "agency": item.get("agency"),
                "countries": item.get("countries", []),
                "confidence": item["confidence"],
                "rule": item.get("rule"),
            }
            for item in detections
        ],
        "documents": documents,
        # One name per outlet (never an article's feed id beside its domain).
        "sources": [str(outlet["name"]) for outlet in grade.outlets],
        "rule": story.rule,
        "truncated": False,
    }


def encode(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_event(
    header: EventHeader, story: StoryState, grade: StoryGrade | None = None, limit: int = MAX_PAYLOAD_BYTES
) -> bytes:
    """The envelope as bytes, shrunk step by step until it fits ``limit``.

    Evidence sentences are shortened first, then the number of evidence items and
    documents; ``data.truncated`` says so. Shrinking works on the structure, never on the
    encoded bytes, so the result is always valid JSON.
    """
    envelope: dict[str, Any] = {
        "specversion": SPEC_VERSION,
        "type": header.event_type,
        "id": header.event_id,
        "source": EVENT_SOURCE,
        "subject": header.story_id,
        "time": _iso(header.time),
        "datacontenttype": "application/json",
        "data": event_data(header, story, grade),
    }
    body = encode(envelope)
    if len(body) <= limit:
        return body
    data = envelope["data"]
    data["truncated"] = True
    for sentence_limit in _SENTENCE_LIMITS:
        for item in data["evidence"]:
            item["sentence"] = _shorten(item["sentence"], sentence_limit)
            item["triggers"] = item["triggers"][:10]
        for outlet in data["outlets"]:
            if isinstance(outlet.get("evidence"), str):
                outlet["evidence"] = _shorten(outlet["evidence"], sentence_limit)
        for document in data["documents"]:
            document["title"] = _shorten(document.get("title") or "", 300)
            if document.get("url") and len(document["url"]) > 1000:
                document["url"] = None
        body = encode(envelope)
        if len(body) <= limit:
            return body
    while len(body) > limit and (len(data["evidence"]) > 1 or len(data["documents"]) > 1):
        if len(data["evidence"]) >= len(data["documents"]) and len(data["evidence"]) > 1:
            data["evidence"].pop()
        else:
            data["documents"].pop()
        body = encode(envelope)
    if len(body) > limit:
        data["sources"] = data["sources"][:10]
        data["outlets"] = data["outlets"][:20]
        for outlet in data["outlets"]:
            if isinstance(outlet.get("evidence"), str):
                outlet["evidence"] = _shorten(outlet["evidence"], 200)
        for key in ("actor", "target", "agency"):
            if isinstance(data[key], str):
                data[key] = _shorten(data[key], 200)
        for item in data["evidence"]:
            for key in ("actor", "target", "agency"):
                if isinstance(item.get(key), str):
                    item[key] = _shorten(item[key], 200)
        body = encode(envelope)
    return body
