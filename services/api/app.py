"""The HTTP API. For now: liveness and readiness; the API issue adds the rest."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.responses import JSONResponse

ReadinessProbe = Callable[[], dict[str, bool]]


def create_app(readiness: ReadinessProbe | None = None) -> FastAPI:
    """``readiness`` returns a map of component name to ready; all true means ready."""
    app = FastAPI(title="Tocsin", version="0.1.0")

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is up and serving HTTP."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        """Every component this process depends on is reachable and ready."""
        components = readiness() if readiness else {}
        ready = all(components.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "components": components},
            status_code=200 if ready else 503,
        )

    return app
