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
    event_id="msg_" + "0" * 32, event_type="alert.created", reason="new", time=1_700_000_000.0,
    subscription_id="desk", tenant="default", story_id="story_1", sequence=1,
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
        "Silence", "add_silence", "enable_endpoint", "expire_silence", "generate_webhook_secret", "replay_since", "resend", "run_alerter",
        "sign", "webhook_headers",
    }
    for name in alerts.__all__:
        assert getattr(alerts, name)


def test_the_published_schema_is_generated_from_the_event_model():
    """Regenerate with ``make schema`` after changing ``models/alert.py``."""
    from models.alert import alert_event_schema

    assert SCHEMA == alert_event_schema()
