"""``/v1/analyze``: detections in a text or a web page, as ``tocsin analyze --json`` gives them.

The answer has the shape of one line of ``tocsin analyze --jsonl``: ``{"id", "detections"}``
with the ``models.Detection`` fields. The detection engine (spaCy) is loaded on first use,
in a thread, and shared; pages are fetched through the SSRF guard with size and time limits.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field, HttpUrl, model_validator

from services.api.context import ApiContext
from services.api.deps import Caller, Ctx
from services.platform.httpbody import BodyRefused, BodyTooLarge, read_bounded
from services.platform.netguard import ForbiddenTarget, guarded_client

router = APIRouter(tags=["patterns"])

MAX_TEXT = 200_000
MAX_PAGE_BYTES = 5_000_000
FETCH_TIMEOUT = 15.0


class AnalyzeIn(BaseModel):
    """Give ``text`` or ``url``; ``context`` is earlier text used only to resolve who is who."""

    id: str | None = Field(None, max_length=200)
    text: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    url: HttpUrl | None = None
    context: str | None = Field(None, max_length=MAX_TEXT)

    @model_validator(mode="after")
    def _one_input(self) -> "AnalyzeIn":
        if (self.text is None) == (self.url is None):
            raise ValueError("give exactly one of text or url")
        return self


class AnalyzeOut(BaseModel):
    id: str | None
    detections: list[dict[str, Any]]


async def engine_of(ctx: ApiContext) -> Any:
    async with ctx.engine_lock:
        if ctx.engine is None:
            from services.detector.engine import DetectionEngine

            ctx.engine = await asyncio.to_thread(DetectionEngine.from_settings, ctx.settings)
    return ctx.engine


async def fetch_page_text(url: str, allow_private: bool) -> str:
    from services.ingest.article import extract_article_text

    async with guarded_client(allow_private, timeout=FETCH_TIMEOUT, follow_redirects=True, max_redirects=3) as client:
        try:
            async with (
                asyncio.timeout(FETCH_TIMEOUT),
                client.stream("GET", url, headers={"accept": "text/html"}) as response,
            ):
                if response.status_code >= 400:
                    raise HTTPException(
                        422,
                        [
                            {
                                "loc": ["body", "url"],
                                "type": "value_error",
                                "msg": f"the page answered {response.status_code}",
                            }
                        ],
                    )
                try:
                    body = await read_bounded(response, MAX_PAGE_BYTES)
                except BodyTooLarge:
                    raise HTTPException(
                        422,
                        [
                            {
                                "loc": ["body", "url"],
                                "type": "value_error",
                                "msg": f"the page is larger than {MAX_PAGE_BYTES} bytes",
                            }
                        ],
                    ) from None
                except BodyRefused as exc:
                    raise HTTPException(
                        422, [{"loc": ["body", "url"], "type": "value_error", "msg": f"could not read the page: {exc}"}]
                    ) from None
        except ForbiddenTarget as exc:
            raise HTTPException(
                422, [{"loc": ["body", "url"], "type": "value_error", "msg": f"forbidden target: {exc}"}]
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL, TimeoutError, UnicodeError) as exc:  # UnicodeError: bad host name
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", "url"],
                        "type": "value_error",
                        "msg": f"could not fetch the page: {type(exc).__name__}",
                    }
                ],
            ) from None
    return await asyncio.to_thread(extract_article_text, bytes(body), url)


@router.post("/v1/analyze", response_model=AnalyzeOut)
async def analyze(ctx: Ctx, _: Caller, body: AnalyzeIn) -> AnalyzeOut:
    text = (
        body.text
        if body.text is not None
        else await fetch_page_text(str(body.url), ctx.settings.security.allow_private_targets)
    )
    engine = await engine_of(ctx)
    detections = await asyncio.to_thread(engine.detect, text, body.context)
    return AnalyzeOut(id=body.id, detections=[d.model_dump(mode="json") for d in detections])
