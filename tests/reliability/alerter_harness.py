"""A real alerter process on the real broker, and the outbox it writes, for fault tests.

Reuses the crash test's process launcher and signal producer
(``tests/alerts/test_crash_and_scale.py``); adds a config with a compressed retry schedule
and a configurable database, and waits on the outbox with bounded polls.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from alerts.outbox import deliveries
from alerts.tables import DeliveryRow
from services.platform.config import KafkaSettings
from services.platform.storage import Database
from tests.alerts.factories import SECRET
from tests.alerts.test_crash_and_scale import produce, start_alerter, wait_exit

__all__ = ["SECRET", "alerter_config", "produce", "start_alerter", "stop_alerter", "wait_for_rows", "wait_exit"]


def alerter_config(
    path: Path, kafka: KafkaSettings, database_url: str, hook: str, retry_schedule: Sequence[str] = ("0.2s", "0.4s")
) -> Path:
    config = {
        "kafka": kafka.model_dump(),
        "security": {"allow_private_targets": True},
        "database": {"url": database_url},
        # These faults compress the retry window to seconds; an endpoint's circuit breaker
        # (30 s cooldown) would stretch it, so it is out of the way here and tested on its own
        # (tests/alerts/test_tenant_isolation.py).
        "delivery": {"retry_schedule": list(retry_schedule), "timeout": "2s", "breaker_failures": 1000},
        "subscriptions": [{"id": "desk", "patterns": ["ultimatum"], "webhook": {"url": hook, "secret": SECRET}}],
    }
    path.write_text(yaml.safe_dump(config))
    return path


async def wait_for_rows(
    db: Database, predicate: Callable[[list[DeliveryRow]], bool], timeout: float, what: str, log: Path | None = None
) -> list[DeliveryRow]:
    """The outbox rows once ``predicate`` holds; an assertion naming ``what`` after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    rows: list[DeliveryRow] = []
    while loop.time() < deadline:
        try:
            rows = list(await deliveries(db))
        except Exception:  # noqa: BLE001 - the schema may not exist yet, or the database is cut
            rows = []
        if predicate(rows):
            return rows
        await asyncio.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{what} not reached within {timeout}s: {[(r.id, r.status) for r in rows]}\n{tail}")


async def stop_alerter(process: subprocess.Popen, log: Path) -> None:
    """SIGTERM and a clean exit (0), or an assertion carrying the log's tail."""
    if process.poll() is None:
        process.terminate()
    code = await wait_exit(process)
    assert code == 0, f"alerter exited {code}\n{log.read_text(errors='replace')[-3000:]}"
