"""Fixtures for ingest tests: a loopback feed server, settings on the real broker, a reader."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from services.ingest.fetcher import Fetcher
    from services.ingest.kinds import SourceSpec
from aiokafka import AIOKafkaConsumer

from models import DOCUMENTS, Document
from services.platform.config import KafkaSettings, Settings
from tests.conftest import OWN_FIXTURES
from tests.ingest.feedserver import FeedServer
from tests.support.postgres import scratch_postgres

INGEST_FIXTURES = OWN_FIXTURES / "ingest"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def make_settings(kafka: KafkaSettings, database_url: str, sources: list[dict]) -> Settings:
    return Settings(
        kafka=kafka,
        database={"url": database_url},
        security={"allow_private_targets": True},
        sources=sources,
    )


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """SQLite always; a scratch PostgreSQL database too when TOCSIN_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    async with scratch_postgres("PostgreSQL variant skipped", prefix="tocsin_ingest") as url:
        yield url


class DocumentReader:
    """Reads the documents topic from the beginning, without a consumer group."""

    def __init__(self, kafka: KafkaSettings, topic: str | None = None) -> None:
        self.topic = topic or kafka.documents_topic
        self.consumer = AIOKafkaConsumer(
            self.topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
        )
        self.records: list[tuple[bytes | None, Document]] = []

    async def __aenter__(self) -> "DocumentReader":
        await self.consumer.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.consumer.stop()

    async def read_until(self, count: int, timeout: float = 30.0) -> list[Document]:
        """Documents read so far once at least ``count`` arrived, or whatever arrived by ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.records) < count and loop.time() < deadline:
            batches = await self.consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    self.records.append((record.key, DOCUMENTS.decode(record.value)))
        return [doc for _key, doc in self.records]

    async def drain(self, seconds: float = 1.0) -> list[Document]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            batches = await self.consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    self.records.append((record.key, DOCUMENTS.decode(record.value)))
        return [doc for _key, doc in self.records]


@pytest.fixture
async def stop_event() -> AsyncIterator[asyncio.Event]:
    event = asyncio.Event()
    yield event
    event.set()


@pytest.fixture
async def fetcher() -> AsyncIterator["Fetcher"]:
    """The real fetcher, allowed to reach loopback.

    Its limits are roomy on purpose: a loaded 2-core CI machine once took over two seconds to
    complete a loopback connect. Tests about timeouts pass their own short ``total_timeout``."""
    from services.ingest.fetcher import Fetcher, FetchLimits, make_http_client

    limits = FetchLimits(total_timeout=20.0, connect_timeout=10.0)
    async with make_http_client(True, limits) as client:
        yield Fetcher(client, limits)


def spec_for(kind: str, **options: object) -> "SourceSpec":
    from services.ingest.kinds import build_spec
    from services.platform.config import SourceSettings

    return build_spec(SourceSettings(id=f"test-{kind}", kind=kind, **options))
