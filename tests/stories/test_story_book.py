"""Story building as a pure function: grouping, syndication, severity, replay."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from models import Detection, DocumentRef
from models.ids import stable_id
from models.story import DetectionEvent
from services.stories import apply_detection, load_severity_policy, normalise_actor, story_key
from services.stories.similarity import is_near_duplicate, resemblance

T0 = datetime(2025, 12, 22, 12, 0, tzinfo=timezone.utc)
WIRE = (
    "Trump again confirmed the US assembled a naval force that's by far the biggest we ever had "
    "in South America off Venezuela's coast."
)
REWRITES = [
    "Washington has massed warships and thousands of troops near the Venezuelan coast, officials said.",
    "The Pentagon has sent an aircraft carrier group toward Venezuela as pressure on Maduro grows.",
    "US forces continue to build up in the southern Caribbean, within striking distance of Venezuela.",
    "American destroyers and marines were deployed off Venezuela in the largest buildup in decades.",
]


@pytest.fixture(scope="module")
def policy():
    return load_severity_policy()


def event(
    outlet: str, sentence: str, minutes: float = 0, actor: str = "US", countries=("VE",), pattern="military_buildup"
):
    detection = Detection(
        pattern=pattern,
        sentence=sentence,
        start=0,
        end=len(sentence),
        actor=actor,
        countries=list(countries),
        confidence=0.8,
        rule="test",
    )
    document = DocumentRef(id=stable_id("doc_", outlet, sentence), source_id=outlet, url=f"https://{outlet}/a")
    key = story_key(pattern, actor, list(countries))
    return DetectionEvent(
        id=stable_id("det_", document.id, pattern),
        story_key=key,
        document=document,
        detection=detection,
        outlet=outlet,
        observed_at=T0 + timedelta(minutes=minutes),
    )


def run(events, policy):
    stories, changes = [], []
    for item in events:
        stories, change = apply_detection(stories, item, policy)
        changes.append(change)
    return stories, changes


class TestActorNormalisation:
    def test_aliases_and_accents_fold_to_one_name(self) -> None:
        assert normalise_actor("US") == normalise_actor("Washington") == normalise_actor("the United States")
        assert normalise_actor("Nicolás Maduro") == normalise_actor("maduro") == "nicolas maduro"
        assert normalise_actor("Some New Actor") == "some new actor"
        assert normalise_actor("Earlier Homeland Security Secretary Kristi Noem") == "kristi noem"
        assert normalise_actor("Venezuelan President Nicolás Maduro") == "nicolas maduro"
        assert normalise_actor("allies of the US") == "allies of the us"  # too short to trust as a suffix
        assert normalise_actor(None) is None

    def test_key_uses_countries_when_the_actor_is_unknown(self) -> None:
        assert story_key("ultimatum", None, ["VE", "US"]) == story_key("ultimatum", None, ["US", "VE"])
        assert story_key("ultimatum", None, ["VE"]) != story_key("ultimatum", None, ["IR"])


class TestSimilarity:
    def test_verbatim_copy_is_a_near_duplicate_and_a_rewrite_is_not(self) -> None:
        assert is_near_duplicate(WIRE, WIRE)
        assert is_near_duplicate(WIRE, "UPDATE: " + WIRE.replace("coast.", "coast, AP said."))
        assert not is_near_duplicate(WIRE, REWRITES[0])
        assert 0.0 <= resemblance(WIRE, REWRITES[1]) < 0.2


class TestSeedArticleByFiveOutlets:
    def test_three_copies_and_two_rewrites_make_one_story_with_three_sources(self, policy) -> None:
        events = [
            event("outlet-a.example", WIRE, 0),
            event("outlet-b.example", WIRE, 5),
            event("outlet-c.example", WIRE, 10),
            event("outlet-d.example", REWRITES[0], 20),
            event("outlet-e.example", REWRITES[1], 30),
        ]
        stories, changes = run(events, policy)
        assert len(stories) == 1
        story = stories[0]
        # Each new outlet is a change the desk sees, copies included (counted toward their origin).
        assert [c.kind for c in changes] == ["opened", "updated", "updated", "updated", "updated"]
        assert [c.signal.corroboration for c in changes] == [1, 1, 1, 2, 3]
        assert story.independent_outlets == ["outlet-a.example", "outlet-d.example", "outlet-e.example"]
        assert [s.syndicated_from for s in story.sources[1:3]] == ["outlet-a.example", "outlet-a.example"]
        assert [s.counted_as for s in story.sources] == ["origin", "copy", "copy", "origin", "origin"]
        assert [c.story.severity for c in changes] == ["alert", "alert", "alert", "alert", "urgent"]
        assert changes[0].signal.type == "story.opened"
        assert changes[-1].signal.type == "story.updated"
        assert changes[-1].signal.severity == "urgent"
        assert len(story.documents) == 5

    def test_a_wire_agency_makes_it_urgent_at_once(self, policy) -> None:
        _, changes = run([event("apnews.com", WIRE)], policy)
        assert changes[0].story.severity == "urgent"

    def test_five_independent_outlets_within_an_hour_is_flash(self, policy) -> None:
        events = [event("first.example", WIRE, 0)] + [
            event(f"o{i}.example", text, 10 * (i + 1)) for i, text in enumerate(REWRITES)
        ]
        _, changes = run(events, policy)
        assert changes[-1].story.severity == "flash"

    def test_five_outlets_spread_over_a_day_stay_urgent(self, policy) -> None:
        events = [event("first.example", WIRE, 0)] + [
            event(f"o{i}.example", text, 120 * (i + 1)) for i, text in enumerate(REWRITES)
        ]
        _, changes = run(events, policy)
        assert changes[-1].story.severity == "urgent"


class TestGrouping:
    def test_aliases_of_the_actor_join_the_same_story(self, policy) -> None:
        a = event("a.example", REWRITES[0], actor="Washington")
        b = event("b.example", REWRITES[1], 5, actor="the United States")
        assert a.story_key == b.story_key
        stories, _ = run([a, b], policy)
        assert len(stories) == 1

    def test_disjoint_countries_open_separate_stories(self, policy) -> None:
        stories, changes = run(
            [event("a.example", REWRITES[0]), event("b.example", REWRITES[1], 5, countries=("IR",))], policy
        )
        assert [c.kind for c in changes] == ["opened", "opened"]
        assert len(stories) == 2

    def test_outside_the_window_a_new_story_opens_and_the_old_one_expires(self, policy) -> None:
        stories, changes = run([event("a.example", REWRITES[0]), event("b.example", REWRITES[1], 60 * 25)], policy)
        assert [c.kind for c in changes] == ["opened", "opened"]
        assert len(stories) == 1

    def test_story_ids_are_deterministic(self, policy) -> None:
        first, _ = run([event("a.example", WIRE), event("b.example", REWRITES[0], 3)], policy)
        second, _ = run([event("a.example", WIRE), event("b.example", REWRITES[0], 3)], policy)
        assert first[0].id == second[0].id


class TestReplay:
    def test_a_replayed_detection_changes_nothing_and_repeats_the_same_signal_id(self, policy) -> None:
        opening = event("a.example", WIRE)
        stories, first = apply_detection([], opening, policy)
        again, replay = apply_detection(stories, opening, policy)
        assert replay.kind == "replayed"
        assert again == stories
        assert replay.signal.id == first.signal.id
