"""``/healthz`` (process up) and ``/readyz`` (what this process depends on is reachable)."""

from __future__ import annotations

import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from services.api.deps import Ctx
from services.platform.config import KafkaSettings
from services.platform.kafka import wait_for_kafka

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


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and serving HTTP."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(ctx: Ctx) -> JSONResponse:
    """Every component this process depends on is reachable and ready."""
    components = dict(ctx.readiness()) if ctx.readiness else {}
    if ctx.settings.kafka.bootstrap:
        components["broker"] = await BROKER_PROBE.reachable(ctx.settings.kafka)
    try:
        async with ctx.db.sessions() as session:
            await session.execute(text("SELECT 1"))
        components["database"] = True
    except Exception:  # any failure means not ready; the reason is in the database's own logs
        components["database"] = False
    ready = all(components.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "components": components},
        status_code=200 if ready else 503,
    )
