"""``/v1/stream``: Server-Sent Events of new and updated alerts of the caller's tenant."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from services.api.deps import Caller, Ctx

router = APIRouter(tags=["alerts"])

HEARTBEAT_EVERY = 15.0
CHECK_EVERY = 1.0


@router.get(
    "/v1/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`event: alert.created|alert.updated`, "
            "`data:` the alert JSON (as from /v1/alerts/{id}); `: keep-alive` comments between",
        }
    },
)
async def stream(ctx: Ctx, caller: Caller, request: Request) -> StreamingResponse:
    if not ctx.streams.take(caller.token_id):
        raise HTTPException(
            429, f"this token already has {ctx.streams.per_token} open streams", headers={"Retry-After": "5"}
        )
    released = False

    def release() -> None:
        """Once, from whichever runs: the generator's end, or the response's end when the
        client left before the generator started."""
        nonlocal released
        if not released:
            released = True
            ctx.streams.give_back(caller.token_id)

    listener = ctx.feed.listen(caller.tenant)

    async def events() -> AsyncIterator[str]:
        try:
            yield ": connected\n\n"
            idle = 0.0
            while True:
                try:
                    event = await asyncio.wait_for(listener.queue.get(), CHECK_EVERY)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    idle += CHECK_EVERY
                    if idle >= HEARTBEAT_EVERY:
                        idle = 0.0
                        yield ": keep-alive\n\n"
                    continue
                idle = 0.0
                data = json.dumps(event["alert"], ensure_ascii=False, separators=(",", ":"))
                yield f"event: {event['type']}\nid: {event['alert']['id']}\ndata: {data}\n\n"
        finally:
            ctx.feed.forget(listener)
            release()

    def finish() -> None:
        ctx.feed.forget(listener)
        release()

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        background=BackgroundTask(finish),
    )
