"""Guarantees that need real processes and a real broker: crash recovery and scaling out."""

from __future__ import annotations

import asyncio
import os
import signal as signals
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from alerts import run_alerter
from alerts.outbox import attempts, deliveries
from models import SIGNALS
from services.platform import kafka as kafka_clients
from services.platform.storage import open_database
from tests.alerts.factories import SECRET, detection, read_topic, settings_for, signal, subscription
from tests.alerts.receivers import Receiver, Reply, verify_standard_webhook

pytestmark = pytest.mark.broker
REPO = Path(__file__).resolve().parents[2]


async def produce(kafka, *signal_models) -> None:
    await kafka_clients.ensure_topics(kafka, [kafka.signals_topic])
    producer = kafka_clients.make_producer(kafka, enable_idempotence=False)
    await producer.start()
    try:
        for item in signal_models:
            await producer.send_and_wait(kafka.signals_topic, SIGNALS.encode(item), key=item.id.encode())
    finally:
        await producer.stop()


def write_config(path: Path, kafka, database_url: str, hook: str, timeout: float) -> Path:
    config = {
        "kafka": kafka.model_dump(),
        "security": {"allow_private_targets": True},
        "database": {"url": database_url},
        "delivery": {"retry_schedule": ["0.2s", "0.5s", "1s"], "timeout": f"{timeout}s"},
        "subscriptions": [{"id": "desk", "patterns": ["ultimatum"], "webhook": {"url": hook, "secret": SECRET}}],
    }
    path.write_text(yaml.safe_dump(config))
    return path


def start_alerter(config: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.alerts.alerter_process", str(config)],
        cwd=REPO,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


async def wait_exit(process: subprocess.Popen, timeout: float = 30.0) -> int:
    async with asyncio.timeout(timeout):
        while process.poll() is None:
            await asyncio.sleep(0.05)
    return process.returncode


async def test_killed_between_recorded_and_sent_delivers_exactly_once(kafka_settings, tmp_path):
    """SIGKILL while the first POST is in flight; the restarted alerter sends it again with the
    same webhook-id, and the receiver sees exactly one success for it. The attempt cut off by
    the kill stays on record (issue 19, item 12): ``sending`` at once, ``interrupted`` after."""
    hung = asyncio.Event()

    def behaviour(request):
        if not hung.is_set():
            hung.set()
            return Reply(hang=True)
        return Reply(200)

    database_url = f"sqlite+aiosqlite:///{tmp_path / 'alerts.db'}"
    log = tmp_path / "alerter.log"
    async with Receiver(behaviour) as receiver:
        config = write_config(tmp_path / "tocsin.yaml", kafka_settings, database_url, receiver.url, timeout=1.0)
        await produce(kafka_settings, signal(detection()))
        first = start_alerter(config, log)
        try:
            await receiver.wait_for(1, timeout=60)
        finally:
            first.send_signal(signals.SIGKILL)
            await wait_exit(first)

        db = open_database(database_url)
        try:
            (row,) = await deliveries(db)
            assert (row.status, row.attempts) == ("pending", 1), log.read_text()[-3000:]
            assert [(a.number, a.outcome) for a in await attempts(db, row.id)] == [(1, "sending")]

            second = start_alerter(config, log)
            try:
                await receiver.wait_for(2, timeout=60)
                async with asyncio.timeout(30):
                    while (await deliveries(db))[0].status != "delivered":
                        await asyncio.sleep(0.1)
            finally:
                second.send_signal(signals.SIGTERM)
                assert await wait_exit(second) == 0, log.read_text()[-3000:]
            history = await attempts(db, row.id)
        finally:
            await db.close()

    ids = {request.headers["webhook-id"] for request in receiver.requests}
    assert ids == {row.id}
    assert receiver.successes == {row.id: 1}
    for request in receiver.requests:
        verify_standard_webhook(SECRET, request.headers, request.body, now=time.time())
    assert [(a.number, a.outcome) for a in history] == [(1, "interrupted"), (2, "delivered")]
    assert "stopped before this attempt ended" in history[0].error


async def test_two_instances_in_one_group_deliver_each_alert_once(kafka_settings, tmp_path):
    async with Receiver() as receiver:
        sub = subscription("desk", receiver.url, patterns=["ultimatum"])
        settings = settings_for(kafka_settings, tmp_path, [sub])
        await kafka_clients.ensure_topics(kafka_settings, [kafka_settings.signals_topic])
        stop = asyncio.Event()
        tasks = [asyncio.create_task(run_alerter(settings, stop)) for _ in range(2)]
        try:
            await produce(kafka_settings, *(signal(detection(actor=f"actor {n}")) for n in range(20)))
            await receiver.wait_for(20, timeout=60)
            await asyncio.sleep(0.5)  # room for a (wrong) duplicate to show up
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks), 30)
    assert len(receiver.successes) == 20
    assert set(receiver.successes.values()) == {1}


async def test_dead_letter_emits_an_ops_event_on_the_ops_topic(kafka_settings, tmp_path):
    async with Receiver(lambda request: Reply(410)) as receiver:
        settings = settings_for(kafka_settings, tmp_path, [subscription("desk", receiver.url)])
        stop = asyncio.Event()
        task = asyncio.create_task(run_alerter(settings, stop))
        try:
            await produce(kafka_settings, signal(detection()))
            records = await read_topic(kafka_settings, kafka_settings.ops_topic, 2, timeout=60)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
    import json

    events = [json.loads(record.value) for record in records]
    assert [e["kind"] for e in events] == ["endpoint.disabled", "delivery.dead_lettered"]
    assert events[1]["subscription_id"] == "desk" and events[1]["level"] == "endpoint"
