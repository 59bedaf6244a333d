"""The detect stage's confirmations: written only once the outputs are acknowledged, kept across a database failure."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from models import Document
from services.ingest.archive import ArchivedDocument
from services.ingest.seen import SeenSet
from services.platform.storage import open_database
from services.stream.confirmations import NOT_YET_ARCHIVED_TRIES, Confirmations


async def _archived(url: str, ids: list[str]) -> None:
    db = open_database(url)
    try:
        await db.create_schema()
        docs = [Document(id=doc_id, source_id="wire", text="t") for doc_id in ids]
        await SeenSet(db, keep_documents=True, await_detection=True).mark("wire", ids, datetime.now(timezone.utc), docs)
    finally:
        await db.close()


async def _confirmed(url: str) -> set[str]:
    db = open_database(url)
    try:
        async with db.sessions() as session:
            rows = await session.scalars(
                select(ArchivedDocument.document_id).where(ArchivedDocument.confirmed_at.is_not(None))
            )
            return set(rows)
    finally:
        await db.close()


async def test_documents_are_confirmed_after_their_outputs_and_not_if_those_fail(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"
    await _archived(url, ["d1", "d2", "d3", "d4"])
    loop = asyncio.get_running_loop()
    delivered, lost = loop.create_future(), loop.create_future()
    confirmations = Confirmations(url)
    confirmations.finished(["d1", "d2"], [delivered])
    confirmations.finished(["d3"], [lost])
    confirmations.finished(["d4"])  # dead-lettered: nothing to wait for
    flushing = asyncio.create_task(confirmations.flush())
    await asyncio.sleep(0)
    assert not flushing.done(), "confirmed before the detection events were acknowledged"
    delivered.set_result(None)
    lost.set_exception(RuntimeError("not acknowledged"))
    assert await flushing == 3
    await confirmations.close()
    assert await _confirmed(url) == {"d1", "d2", "d4"}


async def test_a_document_finished_before_ingest_archived_it_is_confirmed_on_a_later_flush(tmp_path: Path) -> None:
    """The broker acknowledges a document before ingest commits its archive row; detect may be quicker."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"
    await _archived(url, ["d0"])
    confirmations = Confirmations(url)
    confirmations.finished(["d1"])
    assert await confirmations.flush() == 0
    await _archived(url, ["d1"])
    assert await confirmations.flush() == 1
    await confirmations.close()
    assert await _confirmed(url) == {"d1"}


async def test_an_id_never_archived_is_dropped_after_a_few_tries(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"
    await _archived(url, ["d0"])
    confirmations = Confirmations(url)
    confirmations.finished(["ghost"])
    for _ in range(NOT_YET_ARCHIVED_TRIES):
        assert await confirmations.flush() == 0
    await _archived(url, ["ghost"])
    assert await confirmations.flush() == 0, "kept trying an id past its tries"
    await confirmations.close()


async def test_a_database_failure_keeps_the_ids_for_the_next_flush(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"
    confirmations = Confirmations(url)
    confirmations.finished(["d1"])
    assert await confirmations.flush() == 0  # no schema yet: the UPDATE fails, the id is kept
    await _archived(url, ["d1"])
    assert await confirmations.flush() == 1
    await confirmations.close()
    assert await _confirmed(url) == {"d1"}
