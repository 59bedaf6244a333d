"""A story as one subscription sees it: the documents and detections grouped under one key.

Which detections are "the same story", and how severe a story is, are the stories
service's decisions (:mod:`services.stories`): a signal carries its ``story_id`` and its
``severity``, and this state only accumulates them. The state is plain JSON so it
round-trips through the database unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from models import Detection, DocumentRef, Signal
from models.ids import stable_id
from models.severity import Severity, rank
from services.stories.keys import story_key

DOCUMENT_SUMMARY_KEYS = ("id", "url", "title", "source_id", "published_at")
MAX_DETECTIONS = 20
MAX_DOCUMENTS = 50


def group_key(detection: Detection) -> str:
    """The story of a detection that reached the alerter without one: the stories service's key,
    split by countries as the stories service splits the stories under one key."""
    countries = ",".join(sorted(detection.countries))
    return _key(["key", story_key(detection.pattern, detection.actor, detection.countries), countries])


def group_key_for(signal: Signal, detection: Detection) -> str:
    """The story a detection of ``signal`` belongs to.

    The stories service already groups with actor aliases and country overlap, so its
    ``story_id`` wins when present; a windowed rule firing is its own story per rule and
    window (or actor); anything else falls back to pattern, countries and actor.
    """
    if signal.rule is not None:
        rule = signal.rule
        scope = rule.window_start.isoformat() if rule.window_start else (rule.actor or signal.id)
        return _key(["rule", rule.id, scope])
    if signal.story_id:
        return _key(["story", signal.story_id])
    return group_key(detection)


def _key(parts: list[str]) -> str:
    return stable_id("grp_", *parts)


def story_id_for(signal: Signal | None, key: str) -> str:
    """The detector's story id when it gave one, else one derived from the group key."""
    if signal is not None and signal.story_id:
        return signal.story_id[:80]
    return "story_" + key.removeprefix("grp_")


@dataclass
class StoryState:
    """What has been seen and what has been told. Mutable: the group stage merges into it."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    detections: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    severity_floor: Severity = "alert"  # the highest grade the stories service gave; the key predates that
    signal_ids: list[str] = field(default_factory=list)
    notified_documents: list[str] = field(default_factory=list)
    notified_severity: str | None = None
    rule: dict[str, Any] | None = None

    @classmethod
    def loads(cls, text: str | None) -> "StoryState":
        if not text:
            return cls()
        known = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in json.loads(text).items() if key in known})

    def countries(self) -> list[str]:
        """Every country the detections name, once each, in the order first seen."""
        found: list[str] = []
        for item in self.detections:
            found.extend(code for code in item.get("countries", []) if code not in found)
        return found

    def document_summaries(self) -> list[dict[str, Any]]:
        """The documents as receivers and the API show them: no text, just what cites them."""
        return [{key: document.get(key) for key in DOCUMENT_SUMMARY_KEYS} for document in self.documents.values()]

    def dumps(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def merge(self, signal: Signal, detections: list[Detection]) -> None:
        """Adds one signal's matching detections and its document to the story."""
        if signal.id not in self.signal_ids:
            self.signal_ids = [*self.signal_ids, signal.id][-MAX_DOCUMENTS:]
        document: DocumentRef = signal.document
        for ref in [document, *signal.story_documents]:
            if ref.id not in self.documents and len(self.documents) < MAX_DOCUMENTS:
                self.documents[ref.id] = ref.model_dump(mode="json")
        for source in [document.source_id, *signal.sources, *(ref.source_id for ref in signal.story_documents)]:
            if source and source not in self.sources:
                self.sources.append(source)
        known = {(item["sentence"], item["pattern"]) for item in self.detections}
        for detection in detections:
            if (detection.sentence, detection.pattern) not in known and len(self.detections) < MAX_DETECTIONS:
                self.detections.append(detection.model_dump(mode="json"))
                known.add((detection.sentence, detection.pattern))
        if signal.rule is not None:
            self.rule = signal.rule.model_dump(mode="json")
        if rank(signal.severity) > rank(self.severity_floor):
            self.severity_floor = signal.severity

    @property
    def severity(self) -> Severity:
        """The stories service's grade: the alerter never re-grades a story."""
        return self.severity_floor

    @property
    def changed(self) -> bool:
        """New documents, or a higher severity, since the last notification."""
        if set(self.documents) - set(self.notified_documents):
            return True
        return self.notified_severity is not None and rank(self.severity) > rank(self.notified_severity)

    def mark_notified(self) -> None:
        self.notified_documents = list(self.documents)
        self.notified_severity = self.severity
