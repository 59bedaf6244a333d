"""``/v1/detections``: what the pipeline found lately, whether or not anyone subscribed."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from services.api.deps import Caller, Ctx
from services.api.recent_detections import DetectionsUnavailable, newest_detections

router = APIRouter(prefix="/v1/detections", tags=["alerts"])


class DetectionOut(BaseModel):
    """One detection with the document it came from."""

    id: str
    story_key: str
    pattern: str
    sentence: str
    actor: str | None
    target: str | None
    countries: list[str]
    confidence: float
    rule: str
    source_id: str
    outlet: str
    url: str | None
    title: str
    observed_at: datetime


@router.get(
    "", response_model=list[DetectionOut], responses={503: {"description": "the configured Kafka cannot be read"}}
)
async def recent_detections(
    ctx: Ctx, _: Caller, limit: int = Query(50, ge=1, le=500, description="newest first")
) -> list[DetectionOut]:
    """Detections are global (patterns over public sources), so any token may read them;
    subscriptions decide only who is *told*."""
    try:
        events = await newest_detections(ctx.settings.kafka, limit)
    except DetectionsUnavailable as exc:
        raise HTTPException(503, str(exc)) from None
    return [
        DetectionOut(
            id=event.id,
            story_key=event.story_key,
            pattern=event.detection.pattern,
            sentence=event.detection.sentence,
            actor=event.detection.actor,
            target=event.detection.target,
            countries=event.detection.countries,
            confidence=event.detection.confidence,
            rule=event.detection.rule,
            source_id=event.document.source_id,
            outlet=event.outlet,
            url=event.document.url,
            title=event.document.title,
            observed_at=event.observed_at,
        )
        for event in events
    ]
