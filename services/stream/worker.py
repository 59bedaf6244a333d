"""Runs the detect Faust app as a worker process (``tocsin detect``)."""

from __future__ import annotations

import asyncio
import logging

import faust
import structlog

from services.platform.config import Settings
from services.platform.kafka import ensure_topics, wait_for_kafka

log = structlog.get_logger(__name__)


def run_detect_worker(settings: Settings) -> int:
    """Blocks until SIGINT/SIGTERM. Topics are created first so the agent can subscribe at once."""
    from services.stream.confirmations import Confirmations
    from services.detector.engine import DetectionEngine  # spaCy import is slow; only here
    from services.stream.app import build_app, required_topics

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    kafka = settings.kafka
    loop.run_until_complete(wait_for_kafka(kafka))
    loop.run_until_complete(ensure_topics(kafka, required_topics(settings)))
    engine = DetectionEngine.from_settings(settings)
    archive = settings.archive
    confirmations = Confirmations(settings.database.url) if archive.enabled and archive.track_detection else None
    app = build_app(settings, engine, confirmations=confirmations)
    worker = faust.Worker(
        app,
        loop=loop,
        loglevel=logging.getLevelName(logging.getLogger().level),
        override_logging=False,
        quiet=True,
        redirect_stdouts=False,
    )
    worker.spinner = None  # its terminal escapes would mangle the supervisor's output
    log.info("detect.starting", bootstrap=kafka.bootstrap, topic=kafka.documents_topic)
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
