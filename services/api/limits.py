"""Request size and rate limits, applied before any route runs (the body itself is read by
:mod:`services.api.request_body`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_MAX_BODY = 1_048_576
DEFAULT_BODY_TIMEOUT = 30.0
DEFAULT_STREAMS_PER_TOKEN = 8
DEFAULT_RATE = 20.0
DEFAULT_BURST = 200
DEFAULT_FAILED_AUTH_RATE = 1.0
DEFAULT_FAILED_AUTH_BURST = 30
MAX_TRACKED = 10_000


@dataclass(frozen=True)
class ApiLimits:
    """Request limits: body size, requests per token, and refused log-ins per client address
    (so guessing tokens is slow and cannot load the database)."""

    max_body: int = DEFAULT_MAX_BODY
    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    failed_auth_rate: float = DEFAULT_FAILED_AUTH_RATE
    failed_auth_burst: int = DEFAULT_FAILED_AUTH_BURST
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    """Seconds a client has to send its whole request body (408 after)."""
    streams_per_token: int = DEFAULT_STREAMS_PER_TOKEN
    """Open ``/v1/stream`` responses one token may hold (429 past it)."""


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per API token: ``rate`` requests a second on average, ``burst`` at once."""

    def __init__(
        self, rate: float = DEFAULT_RATE, burst: int = DEFAULT_BURST, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """0 when the request may go on, else the seconds to wait before the next one."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None and len(self._buckets) >= MAX_TRACKED:
            self._forget_full(now)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate if self.rate > 0 else math.inf

    def _forget_full(self, now: float) -> None:
        """Drops buckets that have refilled: forgetting them changes nothing, and it keeps
        memory bounded however many addresses knock."""
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * self.rate < self.burst
        }


class StreamSlots:
    """Counts the open event streams of each token, so one token cannot hold hundreds of
    connections (each an open file and a feed listener) while the rate limit only counts
    requests."""

    def __init__(self, per_token: int = DEFAULT_STREAMS_PER_TOKEN) -> None:
        self.per_token = per_token
        self._open: dict[str, int] = {}

    def take(self, token_id: str) -> bool:
        """True, and one slot fewer, when ``token_id`` may open another stream."""
        current = self._open.get(token_id, 0)
        if current >= self.per_token:
            return False
        self._open[token_id] = current + 1
        return True

    def give_back(self, token_id: str) -> None:
        remaining = self._open.get(token_id, 0) - 1
        if remaining > 0:
            self._open[token_id] = remaining
        else:
            self._open.pop(token_id, None)

    def open_streams(self, token_id: str) -> int:
        return self._open.get(token_id, 0)
