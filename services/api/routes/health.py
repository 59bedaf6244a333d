"""``/healthz`` (process up) and ``/readyz`` (what this process depends on is reachable, and
the database takes writes)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from services.api.deps import Ctx
from services.platform.config import KafkaSettings
from services.platform.kafka import wait_for_kafka
from services.platform.storage import Database, revisions

log = structlog.get_logger(__name__)

router = APIRouter(tags=["health"])

BROKER_CHECK_TIMEOUT = 2.0
BROKER_CHECK_TTL = 5.0


class BrokerProbe:
    """Asks Kafka for metadata at most every few seconds, so probes cannot load the cluster."""

    def __init__(self) -> None:
        self._checked: dict[str, tuple[float, bool]] = {}

    async def reachable(self, kafka: KafkaSettings) -> bool:
        now = time.monotonic()
        key = kafka.bootstrap or ""
        cached = self._checked.get(key)
        if cached and now - cached[0] < BROKER_CHECK_TTL:
            return cached[1]
        try:
            await wait_for_kafka(kafka, timeout=BROKER_CHECK_TIMEOUT)
            ok = True
        except TimeoutError:
            ok = False
        self._checked[key] = (now, ok)
        return ok


BROKER_PROBE = BrokerProbe()

WRITE_CHECK_TTL = 2.0
WRITE_LOCK_WAIT_MS = 1000
"""How long the probe waits for another writer's lock: well under the API's own 5 s, so a
stuck writer shows up here before requests pile up behind it."""
WRITE_FAILURE_MEMORY = 10.0
"""A write that failed for want of room or a lock keeps the process not ready this long,
even if the probe's own small write got through in between."""
PROBE_REVISION = "readyz"


class WriteProbe:
    """Commits one tiny write (a counter in the revisions table) at most every few seconds.

    Why: ``SELECT 1`` answers while the disk is full or another process holds the write lock,
    so ``/readyz`` said ready while every write answered 500 (issue 19). Requests that fail
    with such an error report it here too (:meth:`write_failed`), because a one-row commit
    can still fit where a real write does not.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._checked: tuple[float, str | None] | None = None
        self._failed: tuple[float, str] | None = None
        self._lock = asyncio.Lock()

    def write_failed(self, reason: str) -> None:
        self._failed = (self.clock(), reason)

    async def problem(self, db: Database) -> str | None:
        """None when writes go through; otherwise why not, in the database's words."""
        now = self.clock()
        if self._failed is not None and now - self._failed[0] < WRITE_FAILURE_MEMORY:
            return self._failed[1]
        async with self._lock:  # concurrent probes share one write
            if self._checked is not None and self.clock() - self._checked[0] < WRITE_CHECK_TTL:
                return self._checked[1]
            problem = await _try_write(db)
            self._checked = (self.clock(), problem)
        if problem is not None:
            log.warning("api.database_not_writable", reason=problem)
        return problem


async def _try_write(db: Database) -> str | None:
    usual_wait: int | None = None
    async with db.sessions() as session:
        try:
            async with session.begin():
                if db.is_sqlite:
                    usual_wait = (await session.execute(text("PRAGMA busy_timeout"))).scalar()
                    await session.execute(text(f"PRAGMA busy_timeout={WRITE_LOCK_WAIT_MS}"))
                else:
                    await session.execute(text(f"SET LOCAL lock_timeout = '{WRITE_LOCK_WAIT_MS}ms'"))
                    await session.execute(text(f"SET LOCAL statement_timeout = '{2 * WRITE_LOCK_WAIT_MS}ms'"))
                await revisions.bump(session, PROBE_REVISION)
                await session.flush()
            return None
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            return write_problem(exc) or type(exc).__name__
        finally:
            if usual_wait is not None:  # the connection goes back to the pool with its usual wait
                with contextlib.suppress(Exception):
                    await session.execute(text(f"PRAGMA busy_timeout={int(usual_wait)}"))


def write_problem(exc: BaseException) -> str | None:
    """The database's own message when ``exc`` means it cannot take writes now (full, locked,
    read-only, unreachable); None for errors that are about the statement itself."""
    if not isinstance(exc, OperationalError):
        return None
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return str(original).splitlines()[0][:200] or type(original).__name__


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and serving HTTP."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(ctx: Ctx, request: Request) -> JSONResponse:
    """Every component this process depends on is reachable and ready; the database must
    also take a write. When not ready, ``detail`` says why where it is known."""
    components = dict(ctx.readiness()) if ctx.readiness else {}
    detail: dict[str, str] = {}
    if ctx.settings.kafka.bootstrap:
        components["broker"] = await BROKER_PROBE.reachable(ctx.settings.kafka)
    probe: WriteProbe = request.app.state.write_probe
    problem = await probe.problem(ctx.db)
    components["database"] = problem is None
    if problem is not None:
        detail["database"] = problem
    ready = all(components.values())
    body: dict[str, object] = {"status": "ready" if ready else "not ready", "components": components}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=200 if ready else 503)
