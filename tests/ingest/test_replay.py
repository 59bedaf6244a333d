"""An embedded start re-produces what the detect stage never confirmed, and only that."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from models import Document
from services.ingest.archive import DocumentArchive
from services.ingest.publisher import BrokerUnavailable
from services.ingest.replay import replay_unconfirmed
from services.ingest.seen import SeenSet
from services.platform.config import KafkaSettings
from services.platform.kafka import ensure_topics
from services.platform.storage import open_database
from tests.ingest.conftest import DocumentReader, make_settings, sqlite_url

T0 = datetime.now(timezone.utc) - timedelta(hours=1)


async def _archive(url: str, count: int, confirmed: set[int]) -> list[Document]:
    db = open_database(url)
    try:
        await db.create_schema()
        seen = SeenSet(db, keep_documents=True, await_detection=True)
        docs = [Document(id=f"doc_replay_{n:03d}", source_id="wire", text=f"Body {n}") for n in range(count)]
        for n, doc in enumerate(docs):
            await seen.mark("wire", [doc.id], T0 + timedelta(seconds=n), [doc])
        await DocumentArchive(db).confirm([docs[n].id for n in confirmed], T0 + timedelta(minutes=5))
        return docs
    finally:
        await db.close()


@pytest.mark.broker
async def test_unconfirmed_documents_are_produced_again_each_once(
    kafka_settings: KafkaSettings, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path)
    docs = await _archive(url, 12, confirmed={0, 5})
    settings = make_settings(kafka_settings, url, [])
    await ensure_topics(kafka_settings, [kafka_settings.documents_topic])
    report = await replay_unconfirmed(settings)
    assert (report.replayed, report.failed) == (10, 0)
    async with DocumentReader(kafka_settings) as reader:
        await reader.read_until(10)
        produced = await reader.drain(1.0)  # and nothing more
    expected = [doc for n, doc in enumerate(docs) if n not in (0, 5)]
    assert sorted(d.id for d in produced) == [d.id for d in expected]  # each once, none confirmed
    assert {d.id: d for d in produced} == {d.id: d for d in expected}  # the very documents


async def test_a_broker_that_refuses_leaves_the_rest_for_the_next_start(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    await _archive(url, 5, confirmed=set())

    class Refusing:
        def __init__(self) -> None:
            self.calls = 0

        async def publish(self, documents):  # type: ignore[no-untyped-def]
            self.calls += 1
            raise BrokerUnavailable("down", acked=[documents[0].id])

    settings = make_settings(KafkaSettings(bootstrap="127.0.0.1:9"), url, [])
    refusing = Refusing()
    report = await replay_unconfirmed(settings, publisher=refusing)  # type: ignore[arg-type]
    assert (report.replayed, report.failed, refusing.calls) == (1, 4, 1)
    db = open_database(url)
    try:
        assert (await DocumentArchive(db).counts()).unconfirmed == 5  # replay never confirms: detect does
    finally:
        await db.close()
