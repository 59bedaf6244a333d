"""Reading HTTP bodies with a hard memory bound, compressed or not.

httpx decodes ``Content-Encoding`` for us, but each raw chunk is inflated in one go and
stacked codings are inflated layer by layer: a 1.8 kB ``gzip, gzip`` response became 2 GB
before any size check could look at it. Here the raw bytes are inflated incrementally,
each step asking zlib for no more than what is left under the cap, so reading stops at the
cap whatever the compression ratio. One coding at most: stacked codings have no honest use
and are refused. Only the codings Tocsin asks for (:data:`ACCEPT_ENCODING`) are accepted.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

import httpx

ACCEPT_ENCODING = "gzip, deflate"
"""Sent on every request whose body Tocsin reads; anything else in the answer is refused."""

_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class BodyRefused(Exception):
    """The body cannot be read within the rules (too large, stacked or unknown coding)."""


class BodyTooLarge(BodyRefused):
    """The decoded body passed the cap; reading stopped there."""


def content_coding(headers: httpx.Headers) -> str | None:
    """The one content coding of a response (None for identity); refuses stacked codings."""
    codings = [c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True)]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise BodyRefused(f"stacked content codings {', '.join(codings)!r} are refused")
    if not codings:
        return None
    if codings[0] not in _WBITS:
        raise BodyRefused(f"content coding {codings[0]!r} was not asked for")
    return codings[0]


class BoundedInflater:
    """Inflates gzip or deflate data without ever producing more than ``cap`` bytes in total."""

    def __init__(self, coding: str, cap: int) -> None:
        self.coding = coding
        self.cap = cap
        self.produced = 0
        self._raw_deflate = False
        self._inflater = zlib.decompressobj(_WBITS[coding])

    def _fresh(self) -> zlib._Decompress:
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else _WBITS[self.coding])

    def feed(self, data: bytes) -> bytes:
        """The bytes ``data`` decodes to; raises :class:`BodyTooLarge` past the cap."""
        out = bytearray()
        while data:
            room = self.cap - self.produced + 1  # one byte over tells "too large" from "exactly the cap"
            try:
                piece = self._inflater.decompress(data, room)
            except zlib.error as exc:
                if self.coding == "deflate" and not self._raw_deflate and self.produced == 0 and not out:
                    self._raw_deflate = True  # servers that send raw deflate without the zlib header
                    self._inflater = self._fresh()
                    continue
                raise BodyRefused(f"invalid {self.coding} data: {exc}") from None
            self.produced += len(piece)
            if self.produced > self.cap:
                raise BodyTooLarge(f"decoded body exceeds the {self.cap}-byte cap")
            out += piece
            if self._inflater.unconsumed_tail:
                data = self._inflater.unconsumed_tail
            elif self._inflater.eof and self._inflater.unused_data:
                data = self._inflater.unused_data  # the next gzip member
                self._inflater = self._fresh()
            else:
                data = b""
        return bytes(out)


async def bounded_chunks(response: httpx.Response, cap: int) -> AsyncIterator[bytes]:
    """The decoded body of ``response`` in chunks, stopping with :class:`BodyTooLarge` at ``cap``.

    Reads the raw stream, so httpx's own (unbounded) decoders never run."""
    coding = content_coding(response.headers)
    declared = response.headers.get("content-length", "")
    if coding is None and declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge(f"body of {declared} bytes exceeds the {cap}-byte cap")
    inflater = BoundedInflater(coding, cap) if coding else None
    size = 0
    async for raw in response.aiter_raw():
        size += len(raw)
        if size > cap:  # compressed bytes count against the cap too
            raise BodyTooLarge(f"body exceeds the {cap}-byte cap")
        chunk = inflater.feed(raw) if inflater else raw
        if chunk:
            yield chunk


async def read_bounded(response: httpx.Response, cap: int) -> bytes:
    """The whole decoded body of ``response``, at most ``cap`` bytes (see :func:`bounded_chunks`)."""
    body = bytearray()
    async for chunk in bounded_chunks(response, cap):
        body += chunk
    return bytes(body)


async def discard(response: httpx.Response, cap: int) -> int:
    """Reads and drops at most ``cap`` raw bytes of ``response`` (never decoded); returns the
    count. The caller closes the response, which drops the connection if more was left."""
    seen = 0
    async for raw in response.aiter_raw():
        seen += len(raw)
        if seen >= cap:
            break
    return seen
