"""The request body, read whole before any route runs: bounded in size, in time, and Unicode.

Reading it here, not in the route, is what gives the documented answers. FastAPI turns any
error raised while it reads the body into 400, so a chunked body over the limit came back
400 instead of 413; a client that sends half a body and waits held a connection for ever;
and JSON may spell a lone surrogate (``"\\ud800"``), which Python decodes into a string
that cannot be encoded again, so the route failed with 500 when storing or answering it.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_BODY_TIMEOUT = 30.0
DRAIN_LIMIT = 16 * 1024 * 1024
"""Bytes of a too-large body read and dropped before answering 413 (within the body timeout)."""
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


async def send_json(send: Send, status: int, body: Any) -> None:
    payload = json.dumps({"detail": body}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def has_lone_surrogate(body: bytes) -> bool:
    """True when JSON ``body`` decodes to a string holding a surrogate that is not in a pair.

    Only bodies that spell a surrogate escape at all are parsed, so others cost one scan."""
    if not _SURROGATE_ESCAPE.search(body):
        return False
    try:
        decoded = json.loads(body)
    except ValueError:
        return False  # not JSON: the route's own validation answers
    try:
        json.dumps(decoded, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class RequestBodyGuard:
    """Reads each request body before the app: 413 past ``max_bytes`` (by Content-Length or
    while reading), 408 when it is not complete within ``timeout`` seconds, 422 for JSON
    holding a lone surrogate; then replays it to the app."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = DEFAULT_BODY_TIMEOUT) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await send_json(send, 413, f"request body larger than {self.max_bytes} bytes")
            return
        if scope["method"] in _NO_BODY and declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # nothing to read (and /v1/stream keeps receive for disconnects)
            return
        body = bytearray()
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    body += message.get("body", b"")
                    if len(body) > self.max_bytes:
                        await _drain(receive, message, DRAIN_LIMIT)
                        await send_json(send, 413, f"request body larger than {self.max_bytes} bytes")
                        return
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await send_json(send, 408, f"request body not complete within {self.timeout:g}s")
            return
        if has_lone_surrogate(bytes(body)):
            await send_json(
                send,
                422,
                [
                    {
                        "loc": ["body"],
                        "type": "value_error",
                        "msg": "the JSON holds a lone surrogate (like \\ud800), which is not Unicode text",
                    }
                ],
            )
            return
        await self.app(scope, _replay(bytes(body), receive), send)


async def _drain(receive: Receive, message: Message, limit: int) -> None:
    """Reads and drops the rest of a refused body (up to ``limit`` bytes), so the client,
    still sending, reads the 413 instead of a reset connection."""
    dropped = 0
    while message.get("more_body", False) and dropped < limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        dropped += len(message.get("body", b""))


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
