"""Prometheus figures counted inside the workers, gathered by the API's ``/metrics``.

Workers are separate processes, so under ``tocsin run`` they use prometheus-client's
multiprocess mode: the supervisor points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder, each
process writes its values there, and the API aggregates the folder at scrape time. Without
that variable (a worker run alone) the figures live in the process's default registry.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600)

DETECTIONS_FOUND = Counter("tocsin_detections", "detections found, per pattern", ["pattern"])
SIGNALS_EMITTED = Counter("tocsin_signals", "signals emitted by the stream, per type", ["type"])
FEED_TO_OUTBOX = Histogram(
    "tocsin_feed_to_outbox_seconds",
    "from a document's fetch to its alert being recorded in the outbox (end-to-end, before the send)",
    buckets=LATENCY_BUCKETS,
)
DELIVERY_ATTEMPT = Histogram(
    "tocsin_delivery_attempt_seconds", "one delivery attempt, per outcome", ["outcome"], buckets=LATENCY_BUCKETS
)

EVENT_LOOP_LAG = Histogram(
    "tocsin_event_loop_lag_seconds",
    "how late a 100 ms timer fires on a service's event loop (heartbeats and commits wait this long)",
    ["service"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
LOOP_PROBE_INTERVAL = 0.1


async def probe_event_loop(service: str) -> None:
    """Runs forever, recording how late each 100 ms sleep wakes up: the loop's responsiveness."""
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(LOOP_PROBE_INTERVAL)
        EVENT_LOOP_LAG.labels(service).observe(max(0.0, loop.time() - started - LOOP_PROBE_INTERVAL))


def prepare_multiprocess_dir(path: Path) -> dict[str, str]:
    """Empties ``path`` (stale files from a previous run would be summed in) and returns the env."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    return {MULTIPROC_ENV: str(path.resolve())}


def worker_metrics_text() -> bytes:
    """The workers' figures from the shared folder, or b"" when not running multiprocess."""
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory or not Path(directory).is_dir():
        return b""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]  # its __init__ is unannotated
    return generate_latest(registry)
