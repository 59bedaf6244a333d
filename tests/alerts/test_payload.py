from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import alerts
from alerts.payload import MAX_PAYLOAD_BYTES, EventHeader, build_event
from alerts.story import StoryState
from tests.alerts.factories import detection, signal

SCHEMA = json.loads((Path(alerts.__file__).parent / "schema" / "alert-event.v1.json").read_text())
HEADER = EventHeader(
    event_id="msg_" + "0" * 32,
    event_type="alert.created",
    reason="new",
    time=1_700_000_000.0,
    subscription_id="desk",
    tenant="default",
    story_id="story_1",
    sequence=1,
)


def story_of(*signals) -> StoryState:
    story = StoryState()
    for sig in signals:
        story.merge(sig, sig.detections)
    return story


class TestBuildEvent:
    def test_small_event_is_complete_and_valid(self):
        body = build_event(HEADER, story_of(signal(detection(agency="AFP"))))
        event = json.loads(body)
        jsonschema.validate(event, SCHEMA)
        assert event["time"] == "2023-11-14T22:13:20Z"
        assert event["data"]["truncated"] is False
        assert event["data"]["agency"] == "AFP"

    @pytest.mark.parametrize("sentence_length", [30_000, 300_000])
    def test_huge_evidence_is_truncated_to_valid_json_under_the_limit(self, sentence_length):
        sentence = "Ультиматум «" + "é" * sentence_length + "» 🚨"
        signals = [signal(detection(sentence=sentence + str(i)), title="t" * 5000) for i in range(30)]
        body = build_event(HEADER, story_of(*signals))
        assert len(body) <= MAX_PAYLOAD_BYTES
        event = json.loads(body)
        jsonschema.validate(event, SCHEMA)
        assert event["data"]["truncated"] is True
        assert event["data"]["evidence"][0]["sentence"].endswith("…")

    def test_schema_rejects_a_malformed_event(self):
        event = json.loads(build_event(HEADER, story_of(signal(detection()))))
        event["data"]["severity"] = "catastrophic"
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(event, SCHEMA)


def test_exported_members():
    assert set(alerts.__all__) == {
        "Silence",
        "add_silence",
        "enable_endpoint",
        "expire_silence",
        "generate_webhook_secret",
        "replay_since",
        "resend",
        "run_alerter",
        "sign",
        "webhook_headers",
    }
    for name in alerts.__all__:
        assert getattr(alerts, name)


def test_the_published_schema_is_generated_from_the_event_model():
    """Regenerate with ``make schema`` after changing ``models/alert.py``."""
    from models.alert import alert_event_schema

    assert SCHEMA == alert_event_schema()


class TestStoryDecision:
    """The stories service's decision is what the payload says; the alerter does not grade again."""

    def test_grade_corroboration_and_outlets_come_from_the_decision(self):
        from alerts.decisions import StoryGrade
        from models.alert import alert_event_schema

        story = story_of(signal(detection(agency="Reuters")), signal(detection(), source_id="other-feed"))
        grade = StoryGrade(
            severity="alert",
            corroboration=1,
            reason="1 independent outlet",
            outlets=[
                {
                    "name": "someblog.example",
                    "url": None,
                    "independent": True,
                    "counted_as": "origin",
                    "copy_of": None,
                    "wire": False,
                }
            ],
        )
        event = json.loads(build_event(HEADER, story, grade))
        jsonschema.validate(event, alert_event_schema())
        assert event["data"]["severity"] == "alert"  # naming Reuters does not make it urgent
        assert event["data"]["corroboration"] == 1
        assert [o["counted_as"] for o in event["data"]["outlets"]] == ["origin"]
        assert event["data"]["sources"] == ["someblog.example"]  # not the feed ids of the two articles

    def test_many_long_outlets_still_fit(self):
        from alerts.decisions import StoryGrade
        from models.alert import alert_event_schema

        outlets = [
            {
                "name": f"o{i}.example",
                "url": "https://o.example/" + "x" * 500,
                "independent": i % 2 == 0,
                "counted_as": "origin" if i % 2 == 0 else "copy",
                "copy_of": None if i % 2 == 0 else "o0.example",
                "wire": False,
                "evidence": "é" * 3000,
                "seen_at": None,
            }
            for i in range(60)
        ]
        grade = StoryGrade(severity="flash", corroboration=30, reason="30 independent outlets", outlets=outlets)
        body = build_event(HEADER, story_of(signal(detection())), grade)
        assert len(body) <= MAX_PAYLOAD_BYTES
        jsonschema.validate(json.loads(body), alert_event_schema())
