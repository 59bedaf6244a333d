"""One poll of one source, start to finish: fetch, parse, dedup, produce, mark seen, record.

The order is what makes ingest lossless: ids are marked seen, and the cursor (validators,
``since_id``, paging cursors) is advanced, only after Kafka acknowledged the documents. A
broker outage therefore costs a re-fetch, never an item. Marking seen also archives the
documents (same transaction), so a broker that forgets them (the embedded one, restarted)
costs a replay, never an item.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import structlog

from models import Document
from services.ingest.fetcher import Fetcher, FetchError
from services.ingest.kinds import PayloadInvalid, SourceSpec, kind_named
from services.ingest.kinds.base import Cursor, Harvest
from services.ingest.publisher import BrokerUnavailable, DocumentPublisher
from services.ingest.reachability import ReachabilityDigest, looks_unreachable
from services.ingest.schedule import Outcome
from services.ingest.seen import SeenSet
from services.ingest.status import SourceStatus

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CycleResult:
    status: SourceStatus
    outcome: Outcome
    produced: int = 0
    retry_after: float | None = None


async def poll_source(spec: SourceSpec, fetcher: Fetcher, cursor: Cursor, now: datetime) -> Harvest:
    """Fetch and normalise one source once: the code path shared by the service and ``tocsin fetch``."""
    return await kind_named(spec.kind).poll(spec, fetcher, cursor, now)


async def complete(documents: list[Document], spec: SourceSpec, fetcher: Fetcher) -> list[Document]:
    """Full article text for summary-only items, when the source asks for it."""
    if not (spec.options.full_text and documents):
        return documents
    from services.ingest.article import with_full_text

    return await with_full_text(documents, spec, fetcher)


def _unique(documents: list[Document]) -> list[Document]:
    by_id: dict[str, Document] = {}
    for document in documents:
        by_id.setdefault(document.id, document)
    return list(by_id.values())


@dataclass
class PollCycle:
    """Shared by every source loop of one process.

    ``_claims`` closes the race between two sources carrying the same article: a cycle claims
    ids before asking the seen-set, and releases them only after marking them seen, so a
    concurrent cycle either finds the claim (and leaves the item to its owner) or finds the
    item already seen.
    """

    fetcher: Fetcher
    seen: SeenSet
    publisher: DocumentPublisher
    digest: ReachabilityDigest = field(default_factory=ReachabilityDigest)
    _claims: set[str] = field(default_factory=set, init=False, repr=False)

    async def run(self, spec: SourceSpec, status: SourceStatus, now: datetime) -> CycleResult:
        try:
            found = await poll_source(spec, self.fetcher, status.cursor, now)
        except (FetchError, PayloadInvalid) as exc:
            retry_after = getattr(exc, "retry_after", None)
            failed = status.failed(now, f"{type(exc).__name__}: {exc}")
            unreachable = isinstance(exc, FetchError) and exc.status is None and looks_unreachable(str(exc))
            self.digest.record(spec.id, unreachable)
            # An unreachable host is counted in the digest's one summary line, not logged per poll.
            (log.debug if unreachable else log.warning)(
                "ingest.poll_failed",
                source_id=spec.id,
                kind=spec.kind,
                url=spec.url,
                error=str(exc),
                error_type=type(exc).__name__,
                consecutive_failures=failed.consecutive_failures,
                retry_after=retry_after,
            )
            return CycleResult(failed, Outcome.SOURCE_FAILED, retry_after=retry_after)
        except Exception as exc:  # a parser bug on one hostile payload must cost one poll, not the loop
            log.exception("ingest.poll_crashed", source_id=spec.id, kind=spec.kind, url=spec.url, error=repr(exc))
            return CycleResult(status.failed(now, f"internal error: {exc!r}"), Outcome.SOURCE_FAILED)
        self.digest.record(spec.id, False)
        if found.not_modified:
            return CycleResult(status.succeeded(now, 0, found.cursor), Outcome.SUCCESS)
        candidates = _unique(found.documents)
        claimed = [doc for doc in candidates if doc.id not in self._claims]
        self._claims.update(doc.id for doc in claimed)
        try:
            return await self._produce(spec, status, now, found.cursor, candidates, claimed)
        finally:
            self._claims.difference_update(doc.id for doc in claimed)

    async def _produce(
        self,
        spec: SourceSpec,
        status: SourceStatus,
        now: datetime,
        cursor: dict[str, Any],
        candidates: list[Document],
        claimed: list[Document],
    ) -> CycleResult:
        fresh_ids = await self.seen.unseen(doc.id for doc in claimed)
        fresh = [doc for doc in claimed if doc.id in fresh_ids]
        fresh = await complete(fresh, spec, self.fetcher)
        try:
            acked = await self.publisher.publish(fresh)
        except BrokerUnavailable as exc:
            await self.seen.mark(spec.id, exc.acked, now, fresh)
            failed = replace(
                status.failed(now, f"broker unavailable: {exc}"), items_total=status.items_total + len(exc.acked)
            )
            log.warning(
                "ingest.broker_unavailable",
                source_id=spec.id,
                produced=len(exc.acked),
                pending=len(fresh) - len(exc.acked),
                error=str(exc),
            )
            return CycleResult(failed, Outcome.BROKER_FAILED, produced=len(exc.acked))
        await self.seen.mark(spec.id, acked, now, fresh)
        succeeded = status.succeeded(now, len(acked), cursor)
        if acked:
            log.info("ingest.produced", source_id=spec.id, kind=spec.kind, items=len(candidates), produced=len(acked))
        return CycleResult(succeeded, Outcome.SUCCESS, produced=len(acked))
