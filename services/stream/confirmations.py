"""The detect stage telling the document archive which documents it has finished.

A document is finished when its detection events have been acknowledged by the broker (or
it was dead-lettered). From then on the archive no longer needs to replay it after an
embedded restart. The hot path only appends ids and send futures to a list; a timer writes
them in one ``UPDATE`` per interval, so the database costs one statement per second, not one
per document. A confirmation that is lost (the worker killed between finishing a document
and the next write) means a replay of that document at the next embedded start, which the
downstream stages absorb: detection events carry ids derived from the document and the
match, and stories ignore an event id they already hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from datetime import datetime, timezone

import structlog

from services.ingest.archive import DocumentArchive
from services.platform.storage import Database, open_database

log = structlog.get_logger(__name__)

MAX_PENDING = 100_000
"""Ids held while the database is unreachable; past it the oldest are dropped (a replay, not a loss)."""
NOT_YET_ARCHIVED_TRIES = 5
"""Flushes an id not found in the archive is tried again: ingest archives a document just
after the broker acknowledged it, so detect may finish it first. Past that, the id is for a
document never archived (archive off when it was produced) and is dropped."""


class Confirmations:
    """Collects finished document ids on the worker's loop and writes them in batches."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._database: Database | None = None
        self._waiting: list[tuple[list[str], list[Awaitable[object]]]] = []
        self._ready: list[str] = []
        self._early: dict[str, int] = {}
        self._lock = asyncio.Lock()

    def finished(self, document_ids: Iterable[str], outputs: Iterable[Awaitable[object]] = ()) -> None:
        """Called by the agent for a batch: these documents are done once ``outputs`` are acknowledged."""
        ids = list(document_ids)
        if ids:
            self._waiting.append((ids, list(outputs)))

    async def flush(self) -> int:
        """Writes every confirmation whose outputs were acknowledged; returns how many documents
        it confirmed (or found confirmed already)."""
        async with self._lock:
            waiting, self._waiting = self._waiting, []
            for ids, outputs in waiting:
                results = await asyncio.gather(*outputs, return_exceptions=True)
                failed = [result for result in results if isinstance(result, BaseException)]
                if failed:
                    # Not acknowledged: leave the documents unconfirmed, a replay will redo them.
                    log.warning("detect.outputs_not_acknowledged", documents=len(ids), error=repr(failed[0]))
                    continue
                self._ready.extend(ids)
            if len(self._ready) > MAX_PENDING:
                del self._ready[: len(self._ready) - MAX_PENDING]
            ids = [*self._ready, *self._early]
            if not ids:
                return 0
            try:
                if self._database is None:
                    self._database = open_database(self._url)
                missing = await DocumentArchive(self._database).confirm(ids, datetime.now(timezone.utc))
            except Exception as exc:  # the database may be busy or down; keep the ids and retry
                log.warning("detect.confirm_failed", pending=len(ids), error=f"{type(exc).__name__}: {exc}")
                return 0
            tries = {doc_id: self._early.get(doc_id, 0) + 1 for doc_id in missing}
            self._early = {doc_id: n for doc_id, n in tries.items() if n < NOT_YET_ARCHIVED_TRIES}
            self._ready = []
            done = len(set(ids) - missing)
            log.debug("detect.confirmed", documents=done, not_yet_archived=len(missing))
            return done

    async def close(self) -> None:
        """A last flush, then the connection pool goes."""
        try:
            await self.flush()
        finally:
            if self._database is not None:
                await self._database.close()
                self._database = None
