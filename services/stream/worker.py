"""Runs the detect Faust app as a worker process (``tocsin detect``)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

import faust
import structlog

from services.platform.config import Settings
from services.platform.kafka import ensure_topics, wait_for_kafka

log = structlog.get_logger(__name__)


def run_detect_worker(settings: Settings) -> int:
    """Blocks until SIGINT/SIGTERM. Topics are created first so the agent can subscribe at once."""
    from services.detector.engine import DetectionEngine  # spaCy import is slow; only here
    from services.stream.app import build_app, required_topics
    from services.stream.confirmations import Confirmations

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
    code = 0
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        code = int(exc.code or 0)
    _exit_now(code)
    return code  # not reached


def _exit_now(code: int) -> None:
    """Leaves the process at once, once Faust has stopped and committed.

    Why not a normal exit: by the time Faust closes its loop, every offset is committed and
    the tables live in Kafka changelogs, but the interpreter's exit would still join the
    detection pool's and the consumer thread's leftovers, which took seconds on every Ctrl-C
    of ``tocsin run`` and nothing is gained by waiting for them.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
