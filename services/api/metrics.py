"""``/metrics`` in the Prometheus text format.

Two kinds of figures: this process's own HTTP traffic (counted as it happens), and the
pipeline's state read from the shared database at scrape time (documents ingested per
source, alerts, deliveries by status, delivery attempts by outcome) and consumer lag read
from Kafka, so one scrape of the API shows the whole service without every worker exposing
a port.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from fastapi import APIRouter, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alerts.tables import AttemptRow, DeliveryRow, StoryGroupRow
from services.api.deps import Ctx
from services.ingest.status import SourceStatusRow
from services.platform.metrics import worker_metrics_text

HTTP_REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "tocsin_api_requests",
    "API requests by method, route and status",
    ["method", "route", "status"],
    registry=HTTP_REGISTRY,
)
LATENCY = Histogram("tocsin_api_request_seconds", "API request duration", ["route"], registry=HTTP_REGISTRY)

router = APIRouter(tags=["health"])


class HttpMetrics:
    """Counts every request by its route template (not its path, which would explode the labels)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        code = 500

        async def watched(message: Message) -> None:
            nonlocal code
            if message["type"] == "http.response.start":
                code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            REQUESTS.labels(scope["method"], route, str(code)).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)


class _Snapshot:
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


async def lag_family(ctx: Ctx) -> GaugeMetricFamily:
    lag = GaugeMetricFamily(
        "tocsin_consumer_lag", "messages not yet consumed, per consumer group and topic", labels=["group", "topic"]
    )
    for (group, topic), behind in (await ctx.lag.read()).items():
        lag.add_metric([group, topic], float(behind))
    return lag


async def pipeline_families(ctx: Ctx) -> list[Metric]:
    documents = CounterMetricFamily(
        "tocsin_documents_ingested", "new documents produced, per source", labels=["source"]
    )
    failing = GaugeMetricFamily("tocsin_sources_failing", "sources whose last poll failed")
    alerts = GaugeMetricFamily("tocsin_alerts", "stories notified to subscriptions (alerts)")
    deliveries = GaugeMetricFamily("tocsin_deliveries", "outbox deliveries by status", labels=["status"])
    attempts = CounterMetricFamily("tocsin_delivery_attempts", "delivery attempts by outcome", labels=["outcome"])
    async with ctx.db.sessions() as session:
        for source_id, total, _failures in await session.execute(
            select(SourceStatusRow.source_id, SourceStatusRow.items_total, SourceStatusRow.consecutive_failures)
        ):
            documents.add_metric([source_id], float(total or 0))
        failing.add_metric(
            [],
            float(
                await session.scalar(
                    select(func.count()).select_from(SourceStatusRow).where(SourceStatusRow.consecutive_failures > 0)
                )
                or 0
            ),
        )
        alerts.add_metric(
            [],
            float(
                await session.scalar(
                    select(func.count()).select_from(StoryGroupRow).where(StoryGroupRow.last_notified_at.is_not(None))
                )
                or 0
            ),
        )
        for state, count in await session.execute(
            select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
        ):
            deliveries.add_metric([state], float(count))
        for outcome, count in await session.execute(
            select(AttemptRow.outcome, func.count()).group_by(AttemptRow.outcome)
        ):
            attempts.add_metric([outcome], float(count))
    return [documents, failing, alerts, deliveries, attempts]


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
async def metrics(ctx: Ctx) -> Response:
    snapshot = CollectorRegistry()
    extra = ctx.extra_metrics() if ctx.extra_metrics is not None else []
    snapshot.register(_Snapshot([*await pipeline_families(ctx), await lag_family(ctx), *extra]))
    body = generate_latest(HTTP_REGISTRY) + generate_latest(snapshot) + worker_metrics_text()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
