"""A detect worker for benchmarks: the real topology with either the real engine or a
fixed-cost detector, so the stream's own overhead can be measured apart from spaCy's; or
``floor``, the same two hops and table with no Tocsin code at all (what Faust itself costs).

Usage: python bench/stream_worker.py (real|fixed|floor) [EVERY]   (Kafka settings from TOCSIN_* env)
EVERY (fixed only, default 1): one document in EVERY describes an event, by the number that
ends its actor's name (``Actor<tag>-<n>``), the others none, as most news does.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import faust

from models import Detection
from services.platform.config import Settings, load_settings
from services.platform.log import configure_logging


class FixedDetector:
    """One detection per event document, with a per-document actor so each opens its own story."""

    def __init__(self, every: int = 1) -> None:
        self.every = every

    def detect(self, text: str, context: str | None = None) -> list[Detection]:
        head = text[:60]
        actor = text.split(" ", 1)[0]
        number = actor.rpartition("-")[2]
        if self.every > 1 and number.isdigit() and int(number) % self.every:
            return []
        return [
            Detection(
                pattern="military_buildup",
                sentence=head,
                start=0,
                end=len(head),
                actor=actor,
                countries=["VE"],
                confidence=0.9,
                rule="bench",
            )
        ]

    def reload_if_changed(self) -> bool:
        return False


def main() -> int:
    from services.platform.kafka import ensure_topics
    from services.stream.app import build_app, required_topics

    mode = sys.argv[1]
    settings = load_settings(None)
    configure_logging("json", "WARNING")
    if mode == "floor":
        return run_worker(floor_app(settings))
    if mode == "real":
        from services.detector.engine import DetectionEngine

        detector = DetectionEngine.from_settings(settings)
    else:
        detector = FixedDetector(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    kafka = settings.kafka
    loop.run_until_complete(ensure_topics(kafka, required_topics(settings)))
    return run_worker(build_app(settings, detector, datadir=None), loop)


def floor_app(settings: Settings) -> faust.App:
    """Faust alone on the topology's shape: documents -> detections -> table -> signals, each
    record passed on as it came, with the app settings Tocsin uses. What is left between this
    and the real topology is Tocsin's own work (decoding, stories, encoding)."""
    from services.stream.app import RAW_TOPIC, new_faust_app

    kafka = settings.kafka
    app = new_faust_app(settings, Path("faust-floor"), name="floor")
    raw = RAW_TOPIC
    documents = app.topic(kafka.documents_topic, **raw)
    detections = app.topic(kafka.detections_topic, **raw)
    signals = app.topic(kafka.signals_topic, **raw)
    table = app.Table("floor", default=None, key_type=str, value_type=str)

    @app.agent(documents, name="detect")
    async def detect(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await detections.send(key=event.key, value=event.value)

    @app.agent(detections, name="stories")
    async def stories(stream: faust.StreamT) -> None:
        async for event in stream.events():
            table[event.key.decode()] = event.value.decode()
            await signals.send(key=event.key, value=event.value)

    return app


def run_worker(app: faust.App, loop: asyncio.AbstractEventLoop | None = None) -> int:
    if loop is None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    worker = faust.Worker(
        app, loop=loop, loglevel=logging.WARNING, override_logging=False, quiet=True, redirect_stdouts=False
    )
    worker.spinner = None
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
