"""The web console: one static page and its script, no build step, nothing from the internet."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)

CONSOLE_HEADERS = {
    # Scripts and styles only from this origin: a feed item smuggling markup cannot run code.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@router.get("/")
async def console() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", headers=CONSOLE_HEADERS)
