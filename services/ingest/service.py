"""The ingest service's composition root: builds the parts and runs one loop per source."""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import structlog

from services.ingest.archive import DocumentArchive
from services.ingest.catalogue import watch_sources
from services.ingest.cycle import PollCycle
from services.ingest.fetcher import Fetcher, FetchLimits, make_http_client
from services.ingest.kinds import SourceSpec, build_spec
from services.ingest.publisher import DocumentPublisher
from services.ingest.reachability import ReachabilityDigest, looks_unreachable
from services.ingest.schedule import next_delay
from services.ingest.seen import SeenSet
from services.ingest.sharding import SourceShards
from services.ingest.status import SourceStatus, StatusBoard
from services.ingest.watchdog import assess
from services.platform.config import Settings
from services.platform.kafka import ensure_topics
from services.platform.storage import open_database

log = structlog.get_logger(__name__)

PURGE_EVERY = 3600.0
INTERNAL_ERROR_RETRY = 30.0


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> bool:
    """Waits ``seconds``; True when ``stop`` was set meanwhile."""
    try:
        async with asyncio.timeout(max(seconds, 0.0)):
            await stop.wait()
        return True
    except TimeoutError:
        return stop.is_set()


def enabled_specs(settings: Settings) -> list[SourceSpec]:
    """Validated specs for every enabled source; a bad source fails start-up with its name."""
    return [build_spec(source) for source in settings.sources if source.enabled]


@dataclass
class SourceLoop:
    """Polls one source forever: first poll at once, then on its jittered schedule."""

    spec: SourceSpec
    cycle: PollCycle
    board: StatusBoard
    publisher: DocumentPublisher
    started_at: datetime
    rng: random.Random

    async def run(self, stop: asyncio.Event) -> None:
        status = await self.board.load(self.spec.id, self.spec.kind)
        while not stop.is_set():
            now = _now()
            try:
                result = await self.cycle.run(self.spec, status, now)
                delay = next_delay(
                    self.spec.interval, result.outcome, result.status.consecutive_failures, result.retry_after, self.rng
                )
                status = await self._record(replace(result.status, next_poll_at=now + timedelta(seconds=delay)), now)
            except Exception as exc:  # a bug or a database hiccup must not end this source's loop
                log.exception("ingest.cycle_crashed", source_id=self.spec.id, error=str(exc))
                delay = INTERNAL_ERROR_RETRY
            if await _sleep_unless_stopped(stop, delay):
                return

    async def _record(self, status: SourceStatus, now: datetime) -> SourceStatus:
        options = self.spec.options
        verdict = assess(status, now, options.expected_update, self.started_at, options.failure_threshold)
        if verdict.alarm is not None:
            # Offline, every source alarms at once: the digest's summary line says it instead.
            quiet = bool(status.last_error) and looks_unreachable(status.last_error or "")
            (log.debug if quiet else log.warning)(
                "ingest.watchdog",
                source_id=self.spec.id,
                alarm=verdict.alarm.value,
                consecutive_failures=status.consecutive_failures,
                last_error=status.last_error,
            )
            await self.publisher.emit_ops(
                verdict.alarm.value,
                self.spec.id,
                now,
                kind=self.spec.kind,
                consecutive_failures=status.consecutive_failures,
                last_error=status.last_error,
                last_success_at=status.last_success_at.isoformat() if status.last_success_at else None,
            )
        status = replace(status, watchdog=verdict.state)
        await self.board.save(status)
        return status


async def _purge_loop(seen: SeenSet, archive: DocumentArchive | None, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            removed = await seen.purge(_now())
            if removed:
                log.info("ingest.seen_purged", removed=removed)
        except Exception as exc:
            log.warning("ingest.seen_purge_failed", error=str(exc))
        if archive is not None:
            try:
                removed = await archive.purge(_now(), unconfirmed_after=seen.retention)
                if removed:
                    log.info("ingest.archive_purged", removed=removed, retention=archive.retention.total_seconds())
            except Exception as exc:
                log.warning("ingest.archive_purge_failed", error=str(exc))
        if await _sleep_unless_stopped(stop, PURGE_EVERY):
            return


class SourceRoster:
    """The sources this instance polls right now, one task each; sharding changes it at run time."""

    def __init__(self, make_loop) -> None:  # type: ignore[no-untyped-def]
        self._make_loop = make_loop
        self._running: dict[str, tuple[SourceSpec, asyncio.Task[None], asyncio.Event]] = {}

    @property
    def owned(self) -> set[str]:
        return set(self._running)

    def start(self, spec: SourceSpec) -> None:
        current = self._running.get(spec.id)
        if current is not None and current[0] == spec:
            return
        if current is not None:
            self._halt(spec.id)
        halt = asyncio.Event()
        task = asyncio.create_task(self._make_loop(spec).run(halt), name=f"ingest:{spec.id}")
        self._running[spec.id] = (spec, task, halt)

    def _halt(self, source_id: str) -> asyncio.Task[None] | None:
        entry = self._running.pop(source_id, None)
        if entry is None:
            return None
        _spec, task, halt = entry
        halt.set()
        return task

    async def stop(self, source_ids: set[str], grace: float = 10.0) -> None:
        """Stops these sources, letting a poll in progress finish (within ``grace``)."""
        tasks = [task for source_id in source_ids if (task := self._halt(source_id)) is not None]
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def reconcile(self, wanted: dict[str, SourceSpec]) -> None:
        await self.stop(self.owned - set(wanted))
        for spec in wanted.values():
            self.start(spec)

    async def close(self) -> None:
        await self.stop(self.owned)


class IngestService:
    """The running ingest service: its parts, its roster, and (when sharded) its group membership."""

    def __init__(self, settings: Settings, limits: FetchLimits | None = None) -> None:
        self.settings = settings
        self.instance = uuid.uuid4().hex[:8]
        self.specs = enabled_specs(settings)
        self.limits = limits or FetchLimits(
            global_limit=settings.ingest.max_concurrency, per_host=settings.ingest.per_host_concurrency
        )
        self.roster: SourceRoster | None = None

    @property
    def owned(self) -> set[str]:
        return self.roster.owned if self.roster else set()

    async def run(self, stop: asyncio.Event) -> None:
        kafka = self.settings.kafka
        await ensure_topics(kafka, [kafka.documents_topic, kafka.ops_topic])
        database = open_database(self.settings.database.url)
        await database.create_schema()
        publisher = DocumentPublisher(kafka)
        keep = self.settings.archive.enabled
        seen = SeenSet(
            database,
            retention=timedelta(seconds=self.settings.ingest.seen_retention),
            keep_documents=keep,
            await_detection=self.settings.archive.track_detection,
        )
        archive = DocumentArchive(database, timedelta(seconds=self.settings.archive.retention)) if keep else None
        board = StatusBoard(database)
        started_at = _now()
        log.info(
            "ingest.started",
            sources=len(self.specs),
            sharded=self.settings.ingest.sharded,
            instance=self.instance,
            documents_topic=kafka.documents_topic,
        )
        purge = asyncio.create_task(_purge_loop(seen, archive, stop), name="ingest:purge")
        try:
            async with make_http_client(self.settings.security.allow_private_targets, self.limits) as client:
                cycle = PollCycle(
                    Fetcher(client, self.limits), seen, publisher, ReachabilityDigest(expected=len(self.specs))
                )
                self.roster = SourceRoster(
                    lambda spec: SourceLoop(spec, cycle, board, publisher, started_at, random.Random())
                )
                try:
                    if self.settings.ingest.sharded:
                        await SourceShards(kafka, self.specs, self.roster, self.instance).run(stop)
                    else:
                        # Config sources plus those added through the API, re-read on every edit.
                        await watch_sources(database, self.settings.sources, self.roster.reconcile, stop)
                finally:
                    await self.roster.close()
        finally:
            purge.cancel()
            await asyncio.gather(purge, return_exceptions=True)
            await publisher.close()
            await database.close()
            log.info("ingest.stopped", instance=self.instance)


async def run_ingest(settings: Settings, stop: asyncio.Event, *, limits: FetchLimits | None = None) -> None:
    """Polls every enabled source (or, with ``ingest.sharded``, this instance's share of them)
    until ``stop`` is set, producing new documents to Kafka."""
    await IngestService(settings, limits).run(stop)
