"""Severity is decided once, by the stories service; the alerter shows the same grade.

The reproduction from the reshape review: four syndicated copies of one wire sentence plus
one independent rewrite. Before, the stories service graded the story ``alert`` while the
alerter, counting source ids and outlets with its own wire list, re-graded it ``flash``.
"""

from __future__ import annotations

from alerts.story import StoryState
from services.stories import apply_detection, load_severity_policy
from tests.stories.test_story_book import REWRITES, WIRE, event

COPIES = ["dailyherald.example", "courier.example", "gazette.example", "tribune.example"]


def test_the_alerter_grades_a_story_as_the_stories_service_did() -> None:
    policy = load_severity_policy()
    events = [event(outlet, WIRE, minutes=index) for index, outlet in enumerate(COPIES)]
    events.append(event("independent.example", REWRITES[0], minutes=10))
    stories: list = []
    state = StoryState()
    for item in events:
        stories, change = apply_detection(stories, item, policy)
        if change.signal is not None:
            state.merge(change.signal, change.signal.detections)
    (story,) = stories
    assert len(story.independent_outlets) == 2  # the wire copy's origin and the rewrite
    assert story.severity == "alert"
    assert state.severity == story.severity
    assert len(state.sources) == 5  # every outlet is still cited, just not counted twice


def test_the_alerter_keeps_the_highest_grade_it_was_given() -> None:
    policy = load_severity_policy()
    outlets = ["a.example", "b.example", "c.example"]
    stories: list = []
    state = StoryState()
    for index, outlet in enumerate(outlets):
        stories, change = apply_detection(stories, event(outlet, REWRITES[index], minutes=index), policy)
        assert change.signal is not None
        state.merge(change.signal, change.signal.detections)
    assert stories[0].severity == "urgent"  # three independent outlets
    assert state.severity == "urgent"
