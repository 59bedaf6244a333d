"""HTTP with manners: one place that knows how Tocsin asks a server for something.

Conditional GET, an honest User-Agent, connect and total timeouts, a size cap on the decoded
body that holds against compression bombs (:mod:`services.platform.httpbody`),
a redirect limit, ``Retry-After`` on 429/503, and per-host plus global concurrency limits.
Every poller and the full-article fetch go through :class:`Fetcher`, so these manners hold
for every source kind.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from services.platform import httpbody, netguard
from services.platform.version import VERSION

DEFAULT_USER_AGENT = f"Tocsin/{VERSION} (news and social monitoring; +https://github.com/tocsin/tocsin)"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_TOTAL_TIMEOUT = 30.0
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_PER_HOST_LIMIT = 2
DEFAULT_GLOBAL_LIMIT = 64
MAX_RETRY_AFTER = 6 * 3600.0
HOST_SPACING = {"api.gdeltproject.org": 5.0}
"""Hosts that publish a request rate: seconds between the starts of two requests."""


class FetchError(Exception):
    """A request that produced no usable body; ``retry_after`` is the server's wish, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


class ResponseTooLarge(FetchError):
    """The body exceeded the size cap; reading stopped there."""


@dataclass(frozen=True)
class Validators:
    """What a server gave us to ask "has it changed?" next time."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Fetched:
    """A response body read within limits (empty when the server said 304)."""

    url: str
    status: int
    body: bytes
    content_type: str
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    per_host: int = DEFAULT_PER_HOST_LIMIT
    global_limit: int = DEFAULT_GLOBAL_LIMIT
    user_agent: str = DEFAULT_USER_AGENT
    host_spacing: Mapping[str, float] = field(default_factory=lambda: dict(HOST_SPACING))


def make_http_client(allow_private: bool, limits: FetchLimits = FetchLimits()) -> httpx.AsyncClient:
    """The SSRF-guarded client every poller shares (the guard re-checks each redirect hop)."""
    return netguard.guarded_client(
        allow_private,
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        timeout=httpx.Timeout(limits.total_timeout, connect=limits.connect_timeout),
        headers={"User-Agent": limits.user_agent, "Accept-Encoding": httpbody.ACCEPT_ENCODING},
        limits=httpx.Limits(max_connections=limits.global_limit, max_keepalive_connections=limits.global_limit),
    )


@dataclass
class Fetcher:
    """Fetches bodies politely; shared by all pollers of one ingest process."""

    client: httpx.AsyncClient
    limits: FetchLimits = field(default_factory=FetchLimits)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _global: asyncio.Semaphore = field(init=False)
    _hosts: defaultdict[str, asyncio.Semaphore] = field(init=False)
    _next_start: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self._global = asyncio.Semaphore(self.limits.global_limit)
        self._hosts = defaultdict(lambda: asyncio.Semaphore(self.limits.per_host))
        self._next_start = {}

    async def _keep_spacing(self, host: str) -> None:
        """Waits until ``host``'s published request rate allows another start.

        The slot is reserved before sleeping, so concurrent callers queue one spacing apart.
        """
        spacing = self.limits.host_spacing.get(host)
        if not spacing:
            return
        now = self.clock()
        start = max(now, self._next_start.get(host, now))
        self._next_start[host] = start + spacing
        if start > now:
            await self.sleep(start - now)

    async def get(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        accept: str | None = None,
        max_bytes: int | None = None,
        total_timeout: float | None = None,
    ) -> Fetched:
        """The body of ``url``; raises :class:`FetchError` (or a subclass) on anything else."""
        host = httpx.URL(url).host
        cap = max_bytes or self.limits.max_bytes
        headers = validators.headers() if validators else {}
        if accept:
            headers["Accept"] = accept
        async with self._hosts[host]:
            await self._keep_spacing(host)
            async with self._global:
                return await self._guarded_get(url, headers, cap, total_timeout)

    async def _guarded_get(self, url: str, headers: dict[str, str], cap: int, total_timeout: float | None) -> Fetched:
        """One request within the total timeout, every failure turned into :class:`FetchError`."""
        try:
            async with asyncio.timeout(total_timeout or self.limits.total_timeout):
                return await self._get(url, headers, cap)
        except TimeoutError:
            raise FetchError(f"no complete answer within {total_timeout or self.limits.total_timeout:g}s") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {self.limits.max_redirects} redirects") from None
        except netguard.ForbiddenTarget as exc:
            raise FetchError(f"refused target: {exc}") from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out: {type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None

    async def _get(self, url: str, headers: dict[str, str], cap: int) -> Fetched:
        async with self.client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 304:
                return Fetched(str(response.url), status, b"", "", _validators(response))
            if status in (429, 503):
                raise FetchError(
                    f"HTTP {status}", retry_after=parse_retry_after(response.headers.get("Retry-After")), status=status
                )
            if status >= 400:
                raise FetchError(f"HTTP {status}", status=status)
            try:
                body = await httpbody.read_bounded(response, cap)
            except httpbody.BodyTooLarge as exc:
                raise ResponseTooLarge(str(exc), status=status) from None
            except httpbody.BodyRefused as exc:
                raise FetchError(str(exc), status=status) from None
            return Fetched(
                str(response.url),
                status,
                body,
                response.headers.get("Content-Type", ""),
                _validators(response),
            )


def _validators(response: httpx.Response) -> Validators:
    return Validators(etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
