"""Hostile and broken sources: each yields a clear log line and a status, none stops the others."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from pathlib import Path

from structlog.testing import capture_logs

from services.ingest import run_ingest
from services.ingest.status import SourceStatus, StatusBoard
from services.platform.storage import open_database
from tests.ingest.conftest import INGEST_FIXTURES, DocumentReader, make_settings, sqlite_url
from tests.ingest.feedserver import FeedServer, Reply

HOSTILE = INGEST_FIXTURES / "hostile"
MB = 1024 * 1024


def _fifty_megabytes():
    chunk = b"<item>" + b"x" * (64 * 1024 - 6)
    for _ in range(50 * MB // len(chunk)):
        yield chunk


async def _statuses_after_first_poll(
    database_url: str, ids: set[str], timeout: float = 30.0
) -> dict[str, SourceStatus]:
    database = open_database(database_url)
    board = StatusBoard(database)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while True:
            try:
                statuses = {status.source_id: status for status in await board.all()}
            except Exception:
                statuses = {}
            if ids <= {sid for sid, status in statuses.items() if status.polls >= 1}:
                return statuses
            if loop.time() > deadline:
                raise AssertionError(f"not polled within {timeout}s: {sorted(ids - set(statuses))}")
            await asyncio.sleep(0.1)
    finally:
        await database.close()


async def test_hostile_sources_fail_soft_and_alone(broker, kafka_settings, tmp_path: Path) -> None:
    never = threading.Event()
    with FeedServer() as server:
        server.routes.update(
            {
                "/good.xml": Reply((INGEST_FIXTURES / "rss" / "desk_feed.xml").read_bytes()),
                "/bomb.xml": Reply((HOSTILE / "entity_bomb.xml").read_bytes()),
                "/xxe.xml": Reply((HOSTILE / "external_entity.xml").read_bytes()),
                "/malformed.xml": Reply((HOSTILE / "malformed.xml").read_bytes()),
                "/latin1.xml": Reply((HOSTILE / "invalid_utf8.xml").read_bytes()),
                "/homepage": Reply((HOSTILE / "not_a_feed.html").read_bytes(), content_type="text/html"),
                "/huge.xml": Reply(chunks=_fifty_megabytes),
                "/hang.xml": Reply(b"<rss/>", hold=never),
                "/busy.xml": Reply(b"slow down", 429, "text/plain", {"Retry-After": "120"}),
                "/loop-a": Reply(b"", 302, headers={"Location": "/loop-b"}),
                "/loop-b": Reply(b"", 302, headers={"Location": "/loop-a"}),
            }
        )
        names = {
            "good": "/good.xml",
            "bomb": "/bomb.xml",
            "xxe": "/xxe.xml",
            "malformed": "/malformed.xml",
            "latin1": "/latin1.xml",
            "homepage": "/homepage",
            "huge": "/huge.xml",
            "hang": "/hang.xml",
            "busy": "/busy.xml",
            "loop": "/loop-a",
        }
        # Only the hanging source needs the short timeout; the others get room to reach their
        # own failure (six redirects or ten megabytes on a loaded CI machine can take over 1 s).
        # One poll each within the test (a loaded machine can take longer than a short interval
        # to poll every source once), but for the busy source, whose short interval its
        # Retry-After must override.
        sources = [
            {
                "id": name,
                "kind": "rss",
                "url": server.url(path),
                "interval": "10s" if name == "busy" else "10m",
                "timeout": "1s" if name == "hang" else "20s",
            }
            for name, path in names.items()
        ]
        database_url = sqlite_url(tmp_path)
        settings = make_settings(kafka_settings, database_url, sources)
        stop = asyncio.Event()
        with capture_logs() as logs:
            service = asyncio.create_task(run_ingest(settings, stop))
            try:
                statuses = await _statuses_after_first_poll(database_url, set(names))
                async with DocumentReader(kafka_settings) as reader:
                    documents = await reader.read_until(5, timeout=15)
            finally:
                stop.set()
                await asyncio.wait_for(service, 15)

    titles = {doc.title for doc in documents}
    assert "Ministry issues 48-hour ultimatum over border crossings" in titles  # the good feed is unharmed
    assert {"Unclosed item & bare ampersand", "Café na praça"} <= titles  # broken but salvageable
    assert not any("lol" in title or "leak" in title for title in titles)

    expected_errors = {
        "bomb": "entity-expansion",
        "xxe": "declares XML entities",
        "homepage": "not a readable feed",
        "huge": "exceeds the 10485760-byte cap",
        "hang": "no complete answer within 1s",
        "busy": "HTTP 429",
        "loop": "more than 5 redirects",
    }
    for name, fragment in expected_errors.items():
        status = statuses[name]
        assert status.consecutive_failures == 1 and fragment in (status.last_error or ""), (name, status.last_error)
        assert status.last_success_at is None
    for name in ("good", "malformed", "latin1"):
        assert statuses[name].last_error is None and statuses[name].last_success_at is not None
    busy = statuses["busy"]
    assert busy.next_poll_at - busy.last_poll_at >= timedelta(seconds=120), "Retry-After was not honoured"
    assert statuses["good"].items_last_hour == 3

    failures = {entry["source_id"]: entry for entry in logs if entry["event"] == "ingest.poll_failed"}
    assert set(failures) == set(expected_errors)
    assert failures["busy"]["retry_after"] == 120.0
    malformed_logs = [entry for entry in logs if entry["event"] == "ingest.feed_malformed"]
    assert {entry["source_id"] for entry in malformed_logs} >= {"malformed", "latin1"}
