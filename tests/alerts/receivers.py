"""Real loopback HTTP receivers for alerter tests, and an independent Standard Webhooks verifier.

The verifier is written from the spec, not from ``alerts.signing``, so a bug in the
alerter's signing cannot be mirrored by the test.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


class SignatureMismatch(AssertionError):
    pass


def verify_standard_webhook(
    secret: str, headers: dict[str, str], body: bytes, now: float, tolerance: float = 300
) -> None:
    """Raises unless one of the ``v1`` signatures matches and the timestamp is fresh."""
    msg_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(now - int(timestamp)) > tolerance:
        raise SignatureMismatch("timestamp outside tolerance")
    assert secret.startswith("whsec_")
    key = base64.b64decode(secret.split("_", 1)[1])
    to_sign = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, to_sign, hashlib.sha256).digest()).decode()
    for candidate in headers["webhook-signature"].split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return
    raise SignatureMismatch("no matching v1 signature")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hang: bool = False


Behaviour = Callable[[Request], Reply | Awaitable[Reply]]

REASONS = {
    200: "OK",
    204: "No Content",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Receiver:
    """A minimal HTTP/1.1 server on 127.0.0.1 recording every request it gets."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or (lambda request: Reply())
        self.requests: list[Request] = []
        self.successes: dict[str, int] = {}
        self.arrived = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._hanging: list[asyncio.Event] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def __aenter__(self) -> "Receiver":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for event in self._hanging:
            event.set()
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def wait_for(self, count: int, timeout: float = 30.0) -> list[Request]:
        """Waits until ``count`` requests arrived (bounded), returns them all."""
        async with asyncio.timeout(timeout):
            async with self.arrived:
                await self.arrived.wait_for(lambda: len(self.requests) >= count)
        return list(self.requests)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                method, path, _ = line.decode().split(" ", 2)
                headers: dict[str, str] = {}
                while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = header.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                request = Request(method, path, headers, body)
                reply = self.behaviour(request)
                if asyncio.iscoroutine(reply) or isinstance(reply, Awaitable):
                    reply = await reply
                async with self.arrived:
                    self.requests.append(request)
                    if 200 <= reply.status < 300 and not reply.hang:
                        key = headers.get("webhook-id", "")
                        self.successes[key] = self.successes.get(key, 0) + 1
                    self.arrived.notify_all()
                if reply.hang:
                    release = asyncio.Event()
                    self._hanging.append(release)
                    await release.wait()
                    return
                head = [
                    f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'Status')}",
                    f"content-length: {len(reply.body)}",
                ]
                head += [f"{k}: {v}" for k, v in reply.headers.items()]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + reply.body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            self._writers.discard(writer)
            writer.close()
