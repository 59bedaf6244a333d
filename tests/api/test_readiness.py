"""/readyz names the broker when one is configured, and goes not-ready when it is gone."""

from __future__ import annotations

from pathlib import Path

import httpx

from services.platform.broker import free_port
from services.platform.config import KafkaSettings
from tests.api.live import ServerRun, api_settings, open_live


async def _readyz(tmp_path: Path, bootstrap: str) -> tuple[int, dict]:
    settings = api_settings(tmp_path, kafka=KafkaSettings(bootstrap=bootstrap))
    _settings, db, app = await open_live(tmp_path, settings=settings)
    try:
        async with ServerRun(app) as base_url:
            async with httpx.AsyncClient(base_url=base_url, timeout=15) as client:
                response = await client.get("/readyz")
                return response.status_code, response.json()
    finally:
        await db.close()


async def test_ready_with_a_reachable_broker(tmp_path: Path, broker) -> None:
    status, body = await _readyz(tmp_path, broker.bootstrap)
    assert status == 200 and body["components"] == {"broker": True, "database": True}


async def test_not_ready_without_the_broker(tmp_path: Path) -> None:
    status, body = await _readyz(tmp_path, f"127.0.0.1:{free_port()}")
    assert status == 503 and body["components"]["broker"] is False and body["components"]["database"] is True
