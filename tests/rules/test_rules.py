"""Windowed rules as data: schema, decisions, actor memory and the fired signal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from models import Detection, DocumentRef
from models.story import DetectionEvent
from services.rules import RuleSpec, frequency_fires, spike_fires, spike_threshold
from services.rules.actors import actor_keys, is_new
from services.rules.decisions import window_start
from services.rules.firing import fired_signal

T0 = datetime(2025, 1, 1, 10, 0, tzinfo=timezone.utc)


def make_event(actor: str | None = "US", countries=("VE",), minutes: float = 0) -> DetectionEvent:
    detection = Detection(
        pattern="military_buildup",
        sentence="US troops massed.",
        start=0,
        end=17,
        actor=actor,
        countries=list(countries),
        confidence=0.9,
        rule="r",
    )
    return DetectionEvent(
        id=f"det-{minutes}",
        story_key="k",
        document=DocumentRef(id="d", source_id="s"),
        detection=detection,
        outlet="o.example",
        observed_at=T0 + timedelta(minutes=minutes),
    )


class TestSchema:
    def test_a_rule_reads_like_the_config_file(self) -> None:
        rule = RuleSpec.model_validate(
            {
                "id": "ve-buildup",
                "kind": "frequency",
                "window": "2h",
                "threshold": 4,
                "filter": {"patterns": ["military_buildup"], "countries": ["ve"]},
            }
        )
        assert rule.window == 7200 and rule.filter.countries == ["VE"]
        assert rule.filter.matches(make_event().detection)
        assert not rule.filter.matches(make_event(countries=("IR",)).detection)

    @pytest.mark.parametrize(
        "bad",
        [
            {"id": "x", "kind": "sometimes"},
            {"id": "x", "kind": "spike", "factor": 1},
            {"id": "a:b", "kind": "frequency"},
            {"id": "x", "kind": "frequency", "treshold": 3},
        ],
    )
    def test_mistakes_are_refused(self, bad: dict) -> None:
        with pytest.raises(ValidationError):
            RuleSpec.model_validate(bad)


class TestDecisions:
    def test_frequency_fires_once_when_the_count_reaches_the_threshold(self) -> None:
        assert [frequency_fires(count, 3) for count in range(1, 6)] == [False, False, True, False, False]

    def test_spike_needs_the_factor_and_the_floor(self) -> None:
        assert spike_threshold(previous=0, factor=3, floor=5) == 5
        assert spike_threshold(previous=4, factor=3, floor=5) == 12
        fired = [count for count in range(1, 20) if spike_fires(count, 4, 3.0, 5)]
        assert fired == [12]

    def test_windows_are_tumbling(self) -> None:
        assert window_start(T0.timestamp() + 3599, 3600) == T0.timestamp()
        assert window_start(T0.timestamp() + 3600, 3600) == T0.timestamp() + 3600


class TestNewActor:
    def test_keys_per_country_with_aliases_folded(self) -> None:
        rule = RuleSpec(id="n", kind="new_actor")
        actor, keys = actor_keys(rule, make_event(actor="Washington", countries=("VE", "CO")))
        assert actor == "united states"
        assert keys == ["n|military_buildup|VE|united states", "n|military_buildup|CO|united states"]
        assert actor_keys(rule, make_event(actor=None)) == (None, [])

    def test_an_actor_is_new_again_after_the_retention(self) -> None:
        assert is_new(None, T0, 3600)
        assert not is_new(T0.isoformat(), T0 + timedelta(minutes=30), 3600)
        assert is_new(T0.isoformat(), T0 + timedelta(hours=2), 3600)


class TestFiredSignal:
    def test_one_signal_id_per_rule_and_window(self) -> None:
        rule = RuleSpec(id="f", kind="frequency", window=3600, threshold=2)
        first = fired_signal(rule, make_event(minutes=5), count=2)
        same_window = fired_signal(rule, make_event(minutes=50), count=2)
        next_window = fired_signal(rule, make_event(minutes=65), count=2)
        assert first.type == "rule.fired" and first.rule.kind == "frequency"
        assert first.id == same_window.id != next_window.id
        assert first.rule.window_start == T0 and first.rule.window_end == T0 + timedelta(hours=1)
