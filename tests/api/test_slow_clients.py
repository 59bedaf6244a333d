"""Issue 19 item 9: an incomplete request cannot hold a connection for ever, and one token
cannot open streams without bound."""

from __future__ import annotations

import asyncio

import httpx

from services.api.limits import ApiLimits
from tests.api.live import LiveApi, ServerRun, open_live


async def _closed_within(port: int, payload: bytes, seconds: float) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(payload)
    await writer.drain()
    try:
        async with asyncio.timeout(seconds):
            while await reader.read(4096):
                pass
        return True
    except TimeoutError:
        return False
    finally:
        writer.close()


async def test_incomplete_headers_and_bodies_are_cut_off(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    import services.api.http_protocol as http_protocol

    monkeypatch.setattr(http_protocol, "HEADER_TIMEOUT", 0.5)
    settings, db, app = await open_live(tmp_path, limits=ApiLimits(body_timeout=0.5))
    try:
        async with ServerRun(app) as base_url:
            port = int(base_url.rsplit(":", 1)[1])
            assert await _closed_within(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n", 5.0), "half a header"
            assert await _closed_within(port, b"", 5.0), "nothing at all"
            body = b'POST /v1/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"pat'
            assert await _closed_within(port, body, 5.0), "half a body"
            async with httpx.AsyncClient(base_url=base_url) as client:  # a complete request is unharmed
                assert (await client.get("/healthz")).status_code == 200
    finally:
        await db.close()


async def _opens_again(client: httpx.AsyncClient) -> bool:
    """The server notices a closed stream within a second or so; until then it may say 429."""
    for _ in range(50):
        async with client.stream("GET", "/v1/stream") as again:
            if again.status_code == 200:
                return True
        await asyncio.sleep(0.2)
    return False


async def test_streams_per_token_are_capped(tmp_path):  # type: ignore[no-untyped-def]
    settings, db, app = await open_live(tmp_path, limits=ApiLimits(streams_per_token=2))
    try:
        async with ServerRun(app) as base_url:
            live = LiveApi(base_url, settings, db)
            token, other = await live.token("desk"), await live.token("desk")
            async with live.client(token) as client, live.client(other) as other_client:
                async with client.stream("GET", "/v1/stream") as first, client.stream("GET", "/v1/stream") as second:
                    assert first.status_code == second.status_code == 200
                    third = await client.get("/v1/stream")
                    assert third.status_code == 429
                    async with other_client.stream("GET", "/v1/stream") as others:
                        assert others.status_code == 200
                assert await _opens_again(client), "closing a stream did not free its slot"
    finally:
        await db.close()
