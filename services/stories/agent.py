"""The stories agent: detection events in, story changes out as signals.

Wiring only: the story logic is the pure :func:`services.stories.apply_detection`; the stories
under one key live in a changelogged Faust table, keyed like the detections topic, so every
candidate story for an event is on the partition that receives it.
"""

from __future__ import annotations

import faust
import structlog
from pydantic import TypeAdapter

from models import DETECTION_EVENTS, SIGNALS
from models.dead_letter import DeadLetterSink
from models.story import Story
from services.platform.metrics import SIGNALS_EMITTED
from services.stories.severity import SeverityPolicy
from services.stories.story_book import apply_detection

log = structlog.get_logger(__name__)

STORY_LIST = TypeAdapter(list[Story])
"""The stories under one key, as the table keeps them: a JSON array, parsed in one pass."""


def load_stories(raw: str | None) -> list[Story]:
    if not raw:
        return []
    return STORY_LIST.validate_json(raw)


def dump_stories(stories: list[Story]) -> str:
    return STORY_LIST.dump_json(stories).decode()


def wire_stories(
    app: faust.App,
    detections: faust.TopicT,
    signals: faust.TopicT,
    policy: SeverityPolicy,
    window: float,
    dead_letter: DeadLetterSink,
) -> None:
    """Registers the stories agent and its table on ``app``."""
    stories = app.Table("stories", default=None, key_type=str, value_type=str)
    detections_topic = detections.get_topic_name()

    @app.agent(detections, name="stories")
    async def build_stories(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            try:
                item = DETECTION_EVENTS.decode(event.value)
                current = load_stories(stories.get(item.story_key))
                kept, change = apply_detection(current, item, policy, window)
            except Exception as exc:  # poison state or payload: never stall the partition
                await dead_letter(detections_topic, event.key, event.value, f"{type(exc).__name__}: {exc}")
                continue
            stories[item.story_key] = dump_stories(kept)
            log.info("stories.change", kind=change.kind, story=change.story.id, severity=change.story.severity)
            if change.signal is not None:
                SIGNALS_EMITTED.labels(change.signal.type).inc()
                await signals.send(key=change.story.id.encode(), value=SIGNALS.encode(change.signal))
