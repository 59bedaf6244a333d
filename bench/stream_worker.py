"""A detect worker for benchmarks: the real topology with either the real engine or a
fixed-cost detector, so the stream's own overhead can be measured apart from spaCy's.

Usage: python bench/stream_worker.py (real|fixed)   (Kafka settings come from TOCSIN_* env)
"""

from __future__ import annotations

import logging
import sys

import faust

from models import Detection
from services.config import load_settings
from services.logging import configure_logging


class FixedDetector:
    """One detection per document, with a per-document actor so each opens its own story."""

    def detect(self, text: str, context: str | None = None) -> list[Detection]:
        head = text[:60]
        return [
            Detection(pattern="military_buildup", sentence=head, start=0, end=len(head),
                      actor=text.split(" ", 1)[0], countries=["VE"], confidence=0.9, rule="bench")
        ]

    def reload_if_changed(self) -> bool:
        return False


def main() -> int:
    import asyncio

    from services.detector.faust_app import build_app, required_topics
    from services.kafka import ensure_topics

    mode = sys.argv[1]
    settings = load_settings(None)
    configure_logging("json", "WARNING")
    if mode == "real":
        from services.detector.engine import DetectionEngine

        detector = DetectionEngine.from_settings(settings)
    else:
        detector = FixedDetector()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    kafka = settings.kafka
    loop.run_until_complete(ensure_topics(kafka, required_topics(settings)))
    app = build_app(settings, detector, datadir=None)
    worker = faust.Worker(app, loop=loop, loglevel=logging.WARNING, override_logging=False, quiet=True,
                          redirect_stdouts=False)
    worker.spinner = None
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
