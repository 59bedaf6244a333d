"""Turning a rule decision into a ``rule.fired`` signal with a deterministic id."""

from __future__ import annotations

from datetime import datetime, timezone

from models.ids import stable_id
from models.rule import RuleSpec
from models.signal import RuleFiring, Signal
from models.story import DetectionEvent
from services.rules.decisions import window_start


def fired_signal(
    rule: RuleSpec, event: DetectionEvent, count: int, previous: int | None = None, actor: str | None = None
) -> Signal:
    """The signal for ``rule`` firing on ``event``; one id per rule and window (or actor)."""
    moment = event.observed_at.timestamp()
    start = window_start(moment, rule.window)
    firing = RuleFiring(
        id=rule.id,
        kind=rule.kind,
        description=rule.description,
        count=count,
        previous=previous,
        window_start=None if rule.kind == "new_actor" else datetime.fromtimestamp(start, timezone.utc),
        window_end=None if rule.kind == "new_actor" else datetime.fromtimestamp(start + rule.window, timezone.utc),
        actor=actor,
    )
    scope = f"actor:{actor}:{event.id}" if rule.kind == "new_actor" else f"window:{start:.0f}"
    return Signal(
        id=stable_id("sig_", "rule", rule.id, scope),
        type="rule.fired",
        document=event.document,
        detections=[event.detection],
        sources=[event.outlet],
        rule=firing,
        created_at=event.observed_at,
    )
