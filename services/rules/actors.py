"""``new_actor``: has this actor been seen for the pattern and country within the retention?"""

from __future__ import annotations

from datetime import datetime, timedelta

from models.rule import RuleSpec
from models.story import DetectionEvent
from services.stories.keys import normalise_actor


def actor_keys(rule: RuleSpec, event: DetectionEvent) -> tuple[str | None, list[str]]:
    """The normalised actor and one memory key per country (or ``*`` when none)."""
    actor = normalise_actor(event.detection.actor)
    if actor is None:
        return None, []
    countries = event.detection.countries or ["*"]
    return actor, [f"{rule.id}|{event.detection.pattern}|{country}|{actor}" for country in countries]


def is_new(last_seen: str | None, now: datetime, retention: float) -> bool:
    """True when never seen, or last seen longer ago than ``retention`` seconds."""
    if last_seen is None:
        return True
    return now - datetime.fromisoformat(last_seen) > timedelta(seconds=retention)
