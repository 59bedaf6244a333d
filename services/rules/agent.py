"""The rules agents: detections re-keyed by rule id, then counted per tumbling window.

Wiring only: the decisions are the pure functions in :mod:`services.rules.decisions` and
:mod:`services.rules.actors`. Hits carry the detection's event time as their Kafka timestamp,
so Faust's windows follow when documents were seen, not when the worker processed them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import faust
import structlog

from models import DETECTION_EVENTS, SIGNALS, PayloadError, Signal
from models.dead_letter import DeadLetterSink
from models.rule import RuleSpec
from services.platform.config import Settings
from services.platform.metrics import SIGNALS_EMITTED
from services.rules.actors import actor_keys, is_new
from services.rules.decisions import frequency_fires, spike_fires
from services.rules.firing import fired_signal

log = structlog.get_logger(__name__)


def rule_hits_topic(settings: Settings) -> str:
    return settings.kafka.topic("rule-hits")


def wire_rules(
    app: faust.App,
    settings: Settings,
    detections: faust.TopicT,
    signals: faust.TopicT,
    dead_letter: DeadLetterSink,
    topic_options: Mapping[str, Any],
) -> None:
    """Registers the rule filter and evaluator agents on ``app`` (nothing without rules)."""
    rules: dict[str, RuleSpec] = {rule.id: rule for rule in settings.rules}
    if not rules:
        return
    rule_hits = app.topic(rule_hits_topic(settings), **topic_options)
    counters = {
        rule.id: app.Table(f"rule-{rule.id}", default=int).tumbling(rule.window, expires=rule.window * 3)
        for rule in rules.values()
        if rule.kind in ("frequency", "spike")
    }
    actors_seen = app.Table("rule-actors", default=None, key_type=str, value_type=str)

    @app.agent(detections, name="rule-filter")
    async def filter_hits(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            try:
                item = DETECTION_EVENTS.decode(event.value)
            except PayloadError:
                continue  # the stories agent already dead-letters undecodable detections
            for rule in rules.values():
                if rule.filter.matches(item.detection):
                    await rule_hits.send(
                        key=rule.id.encode(), value=event.value, timestamp=item.observed_at.timestamp()
                    )

    @app.agent(rule_hits, name="rules")
    async def evaluate(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            try:
                rule = rules.get(event.key.decode() if isinstance(event.key, bytes) else str(event.key))
                if rule is None:
                    continue  # a rule removed from config since the hit was produced
                item = DETECTION_EVENTS.decode(event.value)
                signal: Signal | None = None
                if rule.kind == "new_actor":
                    actor, keys = actor_keys(rule, item)
                    fresh = [key for key in keys if is_new(actors_seen.get(key), item.observed_at, rule.retention)]
                    for key in keys:
                        actors_seen[key] = item.observed_at.isoformat()
                    if fresh:
                        signal = fired_signal(rule, item, count=1, actor=actor)
                else:
                    counter = counters[rule.id]
                    counter[rule.id] += 1
                    current = counter[rule.id].current()
                    if rule.kind == "frequency" and frequency_fires(current, rule.threshold):
                        signal = fired_signal(rule, item, count=current)
                    elif rule.kind == "spike":
                        previous = counter[rule.id].delta(rule.window)
                        if spike_fires(current, previous, rule.factor, rule.floor):
                            signal = fired_signal(rule, item, count=current, previous=previous)
            except Exception as exc:  # never stall the rules partition
                await dead_letter(rule_hits.get_topic_name(), event.key, event.value, f"{type(exc).__name__}: {exc}")
                continue
            if signal is not None:
                SIGNALS_EMITTED.labels(signal.type).inc()
                log.info("rules.fired", rule=rule.id, kind=rule.kind, count=signal.rule.count if signal.rule else None)
                await signals.send(key=rule.id.encode(), value=SIGNALS.encode(signal))
