"""The HTTP server's connection handling: a request must finish its headers in time.

uvicorn times out idle keep-alive connections but not a request whose headers never end:
300 connections that sent half a request line were all still open a minute later, each a
file descriptor and a slot. :class:`HeaderTimeoutProtocol` closes a connection whose next
request has not finished its headers within :data:`HEADER_TIMEOUT` seconds (the body has
its own limit, in :mod:`services.api.request_body`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
"""Seconds from connecting (or from the previous answer) to the end of the request headers."""


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on the request headers."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(HEADER_TIMEOUT, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._between_requests():
            self._arm()  # part of a request line or headers: the clock runs
        else:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm()  # idle now: uvicorn's keep-alive timeout applies until the next bytes

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._between_requests() and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def server_config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """A ``uvicorn.Config`` for the Tocsin API with the header deadline in place."""
    return uvicorn.Config(app, host=host, port=port, http=HeaderTimeoutProtocol, **options)
