"""``/healthz`` (process up) and ``/readyz`` (what this process depends on is reachable)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from services.api.deps import Ctx

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and serving HTTP."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(ctx: Ctx) -> JSONResponse:
    """Every component this process depends on is reachable and ready."""
    components = dict(ctx.readiness()) if ctx.readiness else {}
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
