"""Story building: grouping detections of one event and grading their corroboration.

This package is the one home of story identity (:mod:`~services.stories.keys`) and of the
severity policy (:mod:`~services.stories.severity`); the alerter takes the grade a signal
carries. Everything but :mod:`~services.stories.agent` is pure (no Kafka, no clock of its
own), and the agent merely wires it into the stream's Faust app.
"""

from services.stories.keys import normalise_actor, story_key
from services.stories.severity import SeverityPolicy, load_severity_policy
from services.stories.story_book import StoryChange, apply_detection

__all__ = [
    "SeverityPolicy",
    "StoryChange",
    "apply_detection",
    "load_severity_policy",
    "normalise_actor",
    "story_key",
]
