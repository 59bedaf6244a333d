"""/readyz reflects whether the database takes writes, not only whether it answers a SELECT
(issue 19, item 11: ready while the database was full or locked and every write answered 500)."""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.live import LiveApi, ServerRun, api_settings, open_live

DISK = "2m"


async def _until_status(client: httpx.AsyncClient, status: int, timeout: float = 20.0) -> dict:
    """Polls /readyz (its answer is cached for a moment) until it gives ``status``."""
    async with asyncio.timeout(timeout):
        while True:
            response = await client.get("/readyz")
            if response.status_code == status:
                return response.json()
            await asyncio.sleep(0.2)


async def test_not_ready_while_another_process_holds_the_write_lock(tmp_path: Path) -> None:
    settings, db, app = await open_live(tmp_path)
    path = tmp_path / "api.db"
    try:
        async with ServerRun(app) as base_url:
            async with LiveApi(base_url, settings, db).client() as client:
                assert (await client.get("/readyz")).status_code == 200
                holder = sqlite3.connect(path, isolation_level=None, timeout=0)
                holder.execute("BEGIN IMMEDIATE")  # a stuck writer: SELECT 1 still answers
                try:
                    body = await _until_status(client, 503)
                    assert body["components"]["database"] is False
                    assert "locked" in body["detail"]["database"]
                finally:
                    holder.execute("ROLLBACK")
                    holder.close()
                await _until_status(client, 200)
    finally:
        await db.close()


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


def _fill(disk: Path) -> Path:
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


async def test_not_ready_while_the_disk_is_full_and_writes_say_so(tmp_path: Path, small_disk: Path) -> None:
    settings = api_settings(tmp_path, f"sqlite+aiosqlite:///{small_disk / 'api.db'}")
    settings, db, app = await open_live(tmp_path, settings=settings)
    try:
        async with ServerRun(app) as base_url:
            live = LiveApi(base_url, settings, db)
            token = await live.token("desk")
            async with live.client(token) as client:
                await _until_status(client, 200)
                filler = await asyncio.to_thread(_fill, small_disk)
                body = await _until_status(client, 503)
                assert body["components"]["database"] is False and "full" in body["detail"]["database"]
                write = await client.post("/v1/subscriptions", json={"webhook": {"url": "https://hooks.example/x"}})
                assert write.status_code == 503 and "full" in write.json()["detail"], write.text
                filler.unlink()
                await _until_status(client, 200)
                assert (await client.post("/v1/subscriptions", json={})).status_code == 201
    finally:
        await db.close()
