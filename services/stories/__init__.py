"""Story building: grouping detections of one event and grading their corroboration.

Everything here is pure (no Kafka, no clock of its own) so the Faust agent merely wires it.
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
