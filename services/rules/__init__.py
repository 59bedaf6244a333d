"""Windowed rules over detections (ElastAlert-style), defined as data.

``frequency``: at least N matching detections within a window. ``spike``: the current
window's count is at least ``factor`` times the previous window's (and at least a floor).
``new_actor``: an actor not seen for the pattern and country within the retention period.
A firing becomes a ``rule.fired`` signal that subscriptions can match like any other.

Rule specs are wire contracts (:mod:`models.rule`); the decisions here are pure, and
:mod:`~services.rules.agent` wires them into the stream's Faust app.
"""

from models.rule import RuleFilter, RuleSpec
from services.rules.decisions import frequency_fires, spike_fires, spike_threshold

__all__ = ["RuleFilter", "RuleSpec", "frequency_fires", "spike_fires", "spike_threshold"]
