"""Fault 4: the webhook receiver is down for the whole (compressed) retry window, then up.

The alerter runs as its own process with ``retry_schedule: [0.2s, 0.4s]``, so every delivery
is dead-lettered within a second or two of nobody listening. The receiver then comes up on
the same port and the operator's recover call (``alerts.replay_since``, what the API's
recover endpoint runs) queues them again: each arrives once, with its original
``webhook-id``, signed. (A receiver that answers 410 is covered by
``tests/alerts/test_delivery.py::test_410_disables_the_endpoint_and_dead_letters``.)
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from alerts import replay_since
from services.platform.broker import free_port
from services.platform.storage import open_database
from tests.alerts.factories import detection, signal
from tests.alerts.receivers import Receiver, verify_standard_webhook
from tests.reliability.alerter_harness import (
    SECRET,
    alerter_config,
    produce,
    start_alerter,
    stop_alerter,
    wait_for_rows,
)

pytestmark = pytest.mark.broker

ALERTS = 5


class ReceiverOnPort(Receiver):
    """The test receiver, bound to a port chosen before it exists (the one the alerter was
    configured with while nothing listened there)."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.fixed_port = port

    async def __aenter__(self) -> "ReceiverOnPort":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.fixed_port)
        self.port = self.fixed_port
        return self


async def test_dead_lettered_deliveries_are_replayed_once_the_receiver_is_back(kafka_settings, tmp_path: Path) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/hook"
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'alerts.db'}"
    log = tmp_path / "alerter.log"
    config = alerter_config(tmp_path / "tocsin.yaml", kafka_settings, database_url, hook)
    await produce(kafka_settings, *(signal(detection(actor=f"Leader {n}")) for n in range(ALERTS)))
    alerter = start_alerter(config, log)
    db = open_database(database_url)
    try:
        dead = await wait_for_rows(
            db,
            lambda rows: len(rows) == ALERTS and all(r.status == "dead" for r in rows),
            60,
            "every delivery dead-lettered while the receiver is down",
            log,
        )
        assert all(r.attempts == 3 for r in dead), [(r.id, r.attempts) for r in dead]  # first try + 2 retries
        async with ReceiverOnPort(port) as receiver:
            queued = await replay_since(db, "desk", since=0.0, now=time.time())
            assert queued == ALERTS
            await receiver.wait_for(ALERTS, timeout=60)
            delivered = await wait_for_rows(
                db, lambda rows: all(r.status == "delivered" for r in rows), 30, "every replay delivered", log
            )
            await asyncio.sleep(1.0)  # room for a (wrong) second delivery to show up
        await stop_alerter(alerter, log)
    finally:
        if alerter.poll() is None:
            alerter.kill()
        await db.close()

    assert receiver.successes == {row.id: 1 for row in dead}, receiver.successes
    assert {row.id for row in delivered} == {row.id for row in dead}
    for request in receiver.requests:
        verify_standard_webhook(SECRET, request.headers, request.body, now=time.time())
