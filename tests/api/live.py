"""A live API on a loopback port (uvicorn in the test loop), and helpers to feed it alerts."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from alerts import catalogue as subscription_store
from alerts.intake import record_signal
from models import Detection, DocumentRef, Signal, Subscription
from services.api.app import create_app
from services.api.auth import issue_token
from services.api.http_protocol import server_config
from services.platform.config import Settings
from services.platform.storage import Database, open_database

START_TIMEOUT = 20.0


@dataclass
class LiveApi:
    base_url: str
    settings: Settings
    db: Database

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=15.0)

    async def token(self, tenant: str, admin: bool = False) -> str:
        return (await issue_token(self.db, tenant, admin=admin)).token

    async def subscription(self, tenant_token: str, **body: Any) -> dict[str, Any]:
        async with self.client(tenant_token) as client:
            response = await client.post("/v1/subscriptions", json=body)
            assert response.status_code == 201, response.text
            return response.json()

    async def push_alert(self, subscription_id: str, signal: Signal) -> int:
        """Records ``signal`` for one subscription through the alerter's own intake path."""
        async with self.db.sessions() as session:
            from alerts.tables import SubscriptionRow

            row = await session.get(SubscriptionRow, subscription_id)
        assert row is not None
        stored: Subscription = subscription_store.load(row.spec)
        return await record_signal(self.db, [stored], signal, time.time())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerRun:
    """Starts ``app`` with uvicorn on a free loopback port inside the running loop."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = server_config(app, "127.0.0.1", self.port, log_config=None, lifespan="on", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> str:
        self.task = asyncio.create_task(self.server.serve())
        async with asyncio.timeout(START_TIMEOUT):
            while not self.server.started:
                if self.task.done():
                    self.task.result()
                await asyncio.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    async def __aexit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await asyncio.wait([self.task], timeout=10)


def api_settings(tmp_path: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    """Settings for an API under test; no Kafka unless ``kafka=`` is given."""
    values: dict[str, Any] = {
        "kafka": {},
        "security": {"allow_private_targets": True},
        "database": {"url": database_url or f"sqlite+aiosqlite:///{tmp_path / 'api.db'}"},
    }
    return Settings(**{**values, **overrides})


def make_signal(
    n: int,
    *,
    pattern: str = "ultimatum",
    countries: tuple[str, ...] = ("VE",),
    title: str = "Caracas issues ultimatum",
    sentence: str = "Maduro gave Guyana a 48-hour ultimatum to withdraw from the Essequibo.",
    actor: str = "Nicolás Maduro",
    target: str = "Guyana",
    source_id: str = "wire-feed",
) -> Signal:
    detection = Detection(
        pattern=pattern,
        sentence=sentence,
        start=0,
        end=len(sentence),
        triggers=["ultimatum"],
        actor=actor,
        target=target,
        countries=list(countries),
        confidence=0.9,
        rule=f"{pattern}.r1",
    )
    doc_id = f"doc_{n:04d}"
    return Signal(
        id=f"sig_{doc_id}",
        document=DocumentRef(id=doc_id, source_id=source_id, url=f"https://news.example/{doc_id}", title=title),
        detections=[detection],
    )


async def open_live(  # type: ignore[no-untyped-def]
    tmp_path: Path, database_url: str | None = None, settings: Settings | None = None, **app_options: Any
):
    settings = settings or api_settings(tmp_path, database_url)
    db = open_database(settings.database.url)
    app = create_app(settings, database=db, **app_options)
    return settings, db, app


async def scrape_metrics(tmp_path: Path, settings: Settings | None = None, **app_options: Any) -> str:
    """One ``/metrics`` scrape of a freshly served API: the text a Prometheus server would read."""
    settings, db, app = await open_live(tmp_path, settings=settings, **app_options)
    try:
        async with ServerRun(app) as base_url:
            async with LiveApi(base_url, settings, db).client() as client:
                return (await client.get("/metrics")).text
    finally:
        await db.close()
