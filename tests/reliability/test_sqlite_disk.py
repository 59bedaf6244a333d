"""Fault 6: the SQLite file's disk fills up, or is read-only: a clear error, no corruption.

The database lives on a tiny tmpfs mounted for the test (needs root, which CI has; skipped
with a reason otherwise; a chmod would not do, root ignores permissions). ``tocsin alert`` runs
as a real process with the real broker.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.platform.storage import open_database
from tests.alerts.factories import detection, signal
from tests.alerts.receivers import Receiver
from tests.reliability.alerter_harness import alerter_config, produce, wait_for_rows
from tests.support.processes import TocsinProcess

pytestmark = pytest.mark.broker

DISK = "1m"
LATE_ALERTS = 3


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """Writes until the disk is full; returns the filler file (delete it to free the space)."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(descriptor)
    return filler


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


async def wait_for_log(process: TocsinProcess, needle: str, timeout: float) -> None:
    found = await asyncio.to_thread(process.wait_for_output, needle, timeout)
    assert found, f"{needle!r} not logged within {timeout}s\n{process.describe()}"


async def test_a_full_disk_holds_signals_back_until_there_is_room(
    kafka_settings, small_disk: Path, tmp_path: Path
) -> None:
    database = small_disk / "tocsin.db"
    database_url = f"sqlite+aiosqlite:///{database}"
    async with Receiver() as receiver:
        config = alerter_config(tmp_path / "tocsin.yaml", kafka_settings, database_url, receiver.url)
        alerter = TocsinProcess(["alert", "--config", str(config)], tmp_path)
        db = open_database(database_url)
        with alerter:
            await produce(kafka_settings, signal(detection(actor="Before Full")))
            await receiver.wait_for(1, timeout=60)
            await wait_for_rows(
                db, lambda rows: [r.status for r in rows] == ["delivered"], 30, "first delivery recorded"
            )

            filler = await asyncio.to_thread(fill, small_disk)
            await produce(kafka_settings, *(signal(detection(actor=f"While Full {n}")) for n in range(LATE_ALERTS)))
            await wait_for_log(alerter, "database or disk is full", timeout=30)
            assert alerter.process.poll() is None, alerter.describe()
            assert len(receiver.requests) == 1

            filler.unlink()
            await receiver.wait_for(1 + LATE_ALERTS, timeout=60)
            rows = await wait_for_rows(
                db,
                lambda rows: len(rows) == 1 + LATE_ALERTS and all(r.status == "delivered" for r in rows),
                30,
                "every delivery recorded once there was room",
            )
            await db.close()
            code = alerter.stop()
        assert code == 0, alerter.describe()

    assert receiver.successes == {row.id: 1 for row in rows}
    assert "alert.signal_failed" not in alerter.stderr() + alerter.stdout(), "a signal was dropped for lack of disk"
    assert integrity(database) == "ok"


async def test_a_read_only_database_fails_with_a_clear_error_and_stays_intact(
    kafka_settings, small_disk: Path, tmp_path: Path
) -> None:
    database = small_disk / "tocsin.db"
    database_url = f"sqlite+aiosqlite:///{database}"
    async with Receiver() as receiver:
        config = alerter_config(tmp_path / "tocsin.yaml", kafka_settings, database_url, receiver.url)
        with TocsinProcess(["alert", "--config", str(config)], tmp_path) as first:
            await produce(kafka_settings, signal(detection(actor="Before Read Only")))
            await receiver.wait_for(1, timeout=60)
            db = open_database(database_url)
            await wait_for_rows(
                db, lambda rows: [r.status for r in rows] == ["delivered"], 30, "first delivery recorded"
            )
            await db.close()
            assert first.stop() == 0, first.describe()

        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
        second = TocsinProcess(["alert", "--config", str(config)], tmp_path)
        second.stdout_path, second.stderr_path = tmp_path / "second.stdout", tmp_path / "second.stderr"
        with second:
            await produce(kafka_settings, signal(detection(actor="While Read Only")))
            await wait_for_log(second, "unable to open database file", timeout=30)
            code = await asyncio.to_thread(second.process.wait, 30)

    assert code != 0, "the alerter ran on a database it cannot write"
    assert len(receiver.requests) == 1, "delivered without being able to record it"
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)  # SQLite reads WAL files via -shm
    assert integrity(database) == "ok"
    output = second.stderr()
    assert "Traceback" not in output, output[-3000:]
    assert f"the folder {small_disk.resolve()} is read-only" in output, output[-2000:]
