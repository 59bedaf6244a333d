"""Feeding a source kind's poll function a body without HTTP: the fetcher is the seam.

The poll functions take a :class:`~services.ingest.fetcher.Fetcher`; this one answers every
request with the same canned body, so a fuzz example runs the kind's whole parse path in
microseconds (the real HTTP client is exercised by the ingest tests).
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar

from services.ingest.fetcher import Fetched, Validators

T = TypeVar("T")


class CannedFetcher:
    def __init__(self, body: bytes, content_type: str = "application/json") -> None:
        self.body = body
        self.content_type = content_type

    async def get(self, url: str, **_options: Any) -> Fetched:
        return Fetched(url=url, status=200, body=self.body, content_type=self.content_type, validators=Validators())


def run_now(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs a coroutine that never suspends (its only awaits are on :class:`CannedFetcher`),
    without the cost of an event loop per example."""
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value
    coroutine.close()
    raise AssertionError("the poll function suspended; it awaits something besides the fetcher")
