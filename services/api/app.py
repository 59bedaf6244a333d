"""The HTTP API and web console: the composition root that builds the app and its parts.

``create_app(settings, readiness)`` is all a caller needs; the database is opened from
``settings.database.url`` (or handed in by tests), its tables are created at start-up, and
the live alert feed polls in the background while the app runs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError, OperationalError

import alerts.tables  # noqa: F401 - registers the alerter's tables for create_schema
import services.api.auth.tables  # noqa: F401
import services.ingest.seen  # noqa: F401
import services.ingest.status  # noqa: F401
from alerts.catalogue import SubscriptionCatalog
from alerts.tables import NOTIFIED_INDEX
from services.api.context import ApiContext
from services.api.feed import AlertFeed
from services.api.lag import LagReader
from services.api.limits import ApiLimits, RateLimiter, StreamSlots
from services.api.metrics import HttpMetrics
from services.api.metrics import router as metrics_router
from services.api.offline_docs import install_offline_docs
from services.api.request_body import RequestBodyGuard
from services.api.route_docs import document_routes
from services.api.routes import alerts as alert_routes
from services.api.routes import (
    analyze,
    console,
    deliveries,
    desk,
    detections,
    health,
    patterns,
    silences,
    sources,
    stream,
    subscriptions,
    whoami,
)
from services.api.routes.console import STATIC_DIR
from services.platform.config import Settings
from services.platform.storage import Database, ensure_schema, open_database
from services.platform.version import VERSION

ReadinessProbe = Callable[[], dict[str, bool]]

log = structlog.get_logger(__name__)


async def _ensure_index(db: Database) -> None:
    """The feed's index, also on databases made before it existed; a racing instance may win."""
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(lambda sync: NOTIFIED_INDEX.create(sync, checkfirst=True))
    except DBAPIError as exc:
        log.info("api.index_exists", error=type(exc.orig).__name__)


def create_app(
    settings: Settings,
    readiness: ReadinessProbe | None = None,
    *,
    database: Database | None = None,
    clock: Callable[[], float] = time.time,
    limits: ApiLimits | None = None,
    extra_metrics: Callable[[], list[Any]] | None = None,
) -> FastAPI:
    """``readiness`` returns a map of component name to ready; all true (and the database) means ready.

    ``extra_metrics`` returns Prometheus metric families that only the caller knows (``tocsin
    run``'s embedded broker memory), added to every ``/metrics`` scrape.
    """
    limits = limits or ApiLimits()
    owned = database is None
    db = database or open_database(settings.database.url)
    catalog = SubscriptionCatalog(db, settings.subscriptions)
    ctx = ApiContext(
        settings=settings,
        db=db,
        catalog=catalog,
        feed=AlertFeed(db, catalog.tenant_of, clock),
        limiter=RateLimiter(limits.rate, limits.burst),
        failed_auth=RateLimiter(limits.failed_auth_rate, limits.failed_auth_burst),
        lag=LagReader(settings.kafka),
        clock=clock,
        readiness=readiness,
        extra_metrics=extra_metrics,
        streams=StreamSlots(limits.streams_per_token),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await ensure_schema(db)
        await _ensure_index(db)
        await catalog.refresh(force=True)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(catalog.run(stop)), asyncio.create_task(ctx.feed.run(stop))]
        log.info("api.started", subscriptions=len(catalog.current()))
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            if owned:
                await db.close()

    app = FastAPI(
        title="Tocsin",
        version=VERSION,
        description="Manage sources, patterns, subscriptions and silences; search and stream alerts. "
        "Authenticate with `Authorization: Bearer <token>` (`tocsin token create`).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.api = ctx
    app.state.write_probe = health.WriteProbe()

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        """A full, locked or unreachable database is a temporary condition: 503 with a reason
        (it was a bare 500), and ``/readyz`` goes not ready with it."""
        problem = health.write_problem(exc)
        if problem is None:
            raise exc
        app.state.write_probe.write_failed(problem)
        log.warning("api.database_unavailable", path=request.url.path, reason=problem)
        return JSONResponse(
            {"detail": f"the database cannot take this request now: {problem}"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    routers = [
        module.router
        for module in (
            health,
            whoami,
            subscriptions,
            alert_routes,
            desk,
            detections,
            deliveries,
            silences,
            stream,
            sources,
            patterns,
            analyze,
            console,
        )
    ] + [metrics_router]
    for router in routers:
        app.include_router(router)
    # Summaries and every error answer, in the OpenAPI document: derived from the same
    # routers the app includes, so a new route module cannot be left out.
    document_routes(app, routers)
    install_offline_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(HttpMetrics)
    app.add_middleware(RequestBodyGuard, max_bytes=limits.max_body, timeout=limits.body_timeout)
    return app
