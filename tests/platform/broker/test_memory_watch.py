"""The embedded broker's memory watch: a real tansu process, its real /proc figures."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from structlog.testing import capture_logs

from services.platform.broker.memory_watch import MIB, BrokerMemoryWatch, resident_bytes
from tests.api.live import scrape_metrics

pytestmark = [pytest.mark.broker, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]


def _warnings(logs: list[dict]) -> list[dict]:
    return [entry for entry in logs if entry["event"] == "broker.memory_high"]


def test_resident_bytes_of_a_live_and_a_vanished_process():
    assert resident_bytes(os.getpid()) > 10 * MIB  # this interpreter, with pytest loaded
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert resident_bytes(finished.pid) is None


def test_warns_once_per_doubling_naming_the_remedy(broker):
    watch = BrokerMemoryWatch(broker.pid, warn_at_mb=1)
    with capture_logs() as logs:
        first = watch.check()
        watch.check()
    assert first is not None and first > MIB
    [warning] = _warnings(logs)  # the second reading is below the next doubling
    assert warning["log_level"] == "warning"
    assert warning["resident_mb"] == round(first / MIB)
    assert warning["next_warning_mb"] > first / MIB  # past the reading, however far it jumped
    assert "kafka.bootstrap" in warning["advice"]


def test_below_the_level_or_disabled_it_only_measures(broker):
    for level in (0, 1_000_000):
        watch = BrokerMemoryWatch(broker.pid, warn_at_mb=level)
        with capture_logs() as logs:
            assert watch.check() == watch.last_bytes > 0
        assert _warnings(logs) == []


async def test_the_watch_keeps_going_and_stops_reporting_a_gone_process():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    watch = BrokerMemoryWatch(child.pid, warn_at_mb=0, interval=0.05)
    running = asyncio.create_task(watch.run())
    try:
        await asyncio.sleep(0.2)
        [gauge] = watch.families()
        assert gauge.samples[0].value > 0
        child.kill()
        child.wait()
        await asyncio.sleep(0.2)
        assert not running.done()
        assert watch.families() == []  # no stale figure for a broker that is gone
    finally:
        running.cancel()
        child.kill()


async def test_metrics_carry_the_embedded_broker_memory(broker, tmp_path):
    watch = BrokerMemoryWatch(broker.pid, warn_at_mb=0)
    watch.check()
    text = await scrape_metrics(tmp_path, extra_metrics=watch.families)
    [line] = [line for line in text.splitlines() if line.startswith("tocsin_embedded_broker_resident_bytes ")]
    assert float(line.rsplit(" ", 1)[1]) == float(watch.last_bytes)
