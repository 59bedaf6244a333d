"""Applying one detection to the stories kept under its key: open, corroborate, or ignore.

The function is pure: the Faust agent passes in the stories from its table and the event,
and gets back the new stories and, when something a subscriber cares about changed, the
signal to emit. Ids are derived from content, so a replayed detection lands on the same
story and re-emits a signal with the same id, which delivery deduplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from models.detection import Detection
from models.ids import stable_id
from models.signal import DocumentRef, Signal
from models.story import DetectionEvent, SourceRecord, Story
from services.stories.corroboration import StateMedia, assess, outlet_refs, reason
from services.stories.parties import acting_countries, with_own_countries
from services.stories.severity import SeverityPolicy

DEFAULT_WINDOW = 24 * 3600.0
MAX_SOURCES_KEPT = 200
MAX_DOCUMENTS_KEPT = 500

ChangeKind = Literal["opened", "updated", "unchanged", "replayed"]


@dataclass(frozen=True)
class StoryChange:
    kind: ChangeKind
    story: Story
    signal: Signal | None


def _countries_overlap(story: Story, event: DetectionEvent) -> bool:
    mine, theirs = set(story.countries), set(event.detection.countries)
    return (not mine and not theirs) or bool(mine & theirs)


def _in_window(story: Story, event: DetectionEvent, window: float) -> bool:
    span = timedelta(seconds=window)
    return story.first_seen - span <= event.observed_at <= story.last_seen + span


def _signal(
    story: Story, event: DetectionEvent, kind: Literal["story.opened", "story.updated"], policy: SeverityPolicy
) -> Signal:
    """The story's state for the alerter: its grade and the count behind it travel with it."""
    independent = story.independent_outlets
    return Signal(
        id=stable_id("sig_", story.id, kind, str(len(independent)), str(len(story.sources)), story.severity),
        type=kind,
        document=event.document,
        detections=[story.best],
        story_id=story.id,
        severity=story.severity,
        sources=[source.outlet for source in story.sources],
        story_documents=[
            DocumentRef(id=source.document_id, source_id=source.outlet, url=source.url) for source in story.sources
        ],
        corroboration=len(independent),
        outlets=outlet_refs(story.sources, policy.is_wire_agency),
        severity_reason=reason(story.sources, policy.is_wire_agency),
        created_at=event.observed_at,
    )


def _assessed(
    sources: list[SourceRecord], story_best: Detection, policy: SeverityPolicy, media: StateMedia | None
) -> list[SourceRecord]:
    return assess(sources, acting_countries(story_best), policy.is_wire_agency, media)


def _open(event: DetectionEvent, policy: SeverityPolicy, media: StateMedia | None = None) -> Story:
    source = SourceRecord(
        outlet=event.outlet,
        document_id=event.document.id,
        url=event.document.url,
        evidence=event.detection.sentence,
        seen_at=event.observed_at,
    )
    sources = _assessed([source], event.detection, policy, media)
    return Story(
        id=stable_id("story_", event.story_key, event.id),
        key=event.story_key,
        pattern=event.detection.pattern,
        actor=event.detection.actor,
        countries=list(event.detection.countries),
        first_seen=event.observed_at,
        last_seen=event.observed_at,
        sources=sources,
        documents=[event.document.id],
        best=event.detection,
        best_document=event.document,
        max_confidence=event.detection.confidence,
        severity=policy.grade(sources, event.observed_at),
        event_ids=[event.id],
    )


def _corroborate(story: Story, event: DetectionEvent, policy: SeverityPolicy, media: StateMedia | None = None) -> Story:
    sources = list(story.sources)
    if event.outlet not in {source.outlet for source in sources}:
        sources.append(
            SourceRecord(
                outlet=event.outlet,
                document_id=event.document.id,
                url=event.document.url,
                evidence=event.detection.sentence,
                seen_at=event.observed_at,
            )
        )
    better = event.detection.confidence > story.max_confidence
    sources = _assessed(sources[-MAX_SOURCES_KEPT:], event.detection if better else story.best, policy, media)
    documents = story.documents if event.document.id in story.documents else [*story.documents, event.document.id]
    return story.model_copy(
        update={
            "last_seen": max(story.last_seen, event.observed_at),
            "first_seen": min(story.first_seen, event.observed_at),
            "countries": sorted(set(story.countries) | set(event.detection.countries)),
            "sources": sources,
            "documents": documents[-MAX_DOCUMENTS_KEPT:],
            "best": event.detection if better else story.best,
            "best_document": event.document if better else story.best_document,
            "max_confidence": max(story.max_confidence, event.detection.confidence),
            "severity": policy.grade(sources, event.observed_at),
            "event_ids": [*story.event_ids, event.id][-MAX_DOCUMENTS_KEPT:],
        }
    )


def apply_detection(
    stories: list[Story],
    event: DetectionEvent,
    policy: SeverityPolicy,
    window: float = DEFAULT_WINDOW,
    state_media: StateMedia | None = None,
) -> tuple[list[Story], StoryChange]:
    """The stories under ``event.story_key`` after ``event``, and what changed.

    Stories whose last detection is older than ``window`` before this event are dropped,
    which bounds the state kept per key. The detection keeps only the countries its own
    evidence names (:mod:`services.stories.parties`) before anything is grouped or sent.
    A new outlet is a change worth a signal even when it is a copy: the desk sees how
    it was counted.
    """
    event = event.model_copy(update={"detection": with_own_countries(event.detection)})
    horizon = event.observed_at - timedelta(seconds=window)
    kept = [story for story in stories if story.last_seen >= horizon]
    for index, story in enumerate(kept):
        if event.id in story.event_ids:
            kind: Literal["story.opened", "story.updated"] = (
                "story.opened" if len(story.event_ids) == 1 else "story.updated"
            )
            return kept, StoryChange("replayed", story, _signal(story, event, kind, policy))
        if _countries_overlap(story, event) and _in_window(story, event, window):
            updated = _corroborate(story, event, policy, state_media)
            kept[index] = updated
            changed = (
                len(updated.independent_outlets) != len(story.independent_outlets)
                or len(updated.sources) != len(story.sources)
                or updated.severity != story.severity
            )
            if changed:
                return kept, StoryChange("updated", updated, _signal(updated, event, "story.updated", policy))
            return kept, StoryChange("unchanged", updated, None)
    opened = _open(event, policy, state_media)
    return [*kept, opened], StoryChange("opened", opened, _signal(opened, event, "story.opened", policy))
