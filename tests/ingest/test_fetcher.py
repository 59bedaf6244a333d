"""HTTP manners of the shared fetcher, against a real loopback server."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from services.ingest.fetcher import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchError,
    FetchLimits,
    ResponseTooLarge,
    Validators,
    make_http_client,
    parse_retry_after,
)
from tests.ingest.feedserver import FeedServer, Reply

MB = 1024 * 1024


def _fifty_megabytes():
    chunk = b"<item>" + b"x" * (64 * 1024 - 6)
    for _ in range(50 * MB // len(chunk)):
        yield chunk


class TestManners:
    async def test_conditional_get_and_user_agent(self, fetcher: Fetcher) -> None:
        with FeedServer(
            {"/feed": Reply(b"<rss/>", etag='"abc"', headers={"Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT"})}
        ) as server:
            first = await fetcher.get(server.url("/feed"))
            second = await fetcher.get(server.url("/feed"), validators=first.validators)
            _path, headers = server.requests[-1]
        assert first.body == b"<rss/>" and first.validators == Validators('"abc"', "Tue, 24 Nov 2026 10:00:00 GMT")
        assert second.not_modified and second.body == b""
        assert headers["If-None-Match"] == '"abc"'
        assert headers["If-Modified-Since"] == "Tue, 24 Nov 2026 10:00:00 GMT"
        assert headers["User-Agent"] == DEFAULT_USER_AGENT

    async def test_streamed_body_is_cut_at_the_cap(self, fetcher: Fetcher) -> None:
        with FeedServer({"/big": Reply(chunks=_fifty_megabytes)}) as server:
            with pytest.raises(ResponseTooLarge, match="exceeds the 10485760-byte cap"):
                await fetcher.get(server.url("/big"))

    async def test_declared_length_over_the_cap_is_refused_before_reading(self, fetcher: Fetcher) -> None:
        with FeedServer({"/big": Reply(b"x" * (2 * MB))}) as server:
            with pytest.raises(ResponseTooLarge, match="body of 2097152 bytes"):
                await fetcher.get(server.url("/big"), max_bytes=MB)

    async def test_a_server_that_never_answers_times_out(self, fetcher: Fetcher) -> None:
        never = threading.Event()
        with FeedServer({"/hang": Reply(b"late", hold=never)}) as server:
            with pytest.raises(FetchError, match="no complete answer within 0.5s"):
                await fetcher.get(server.url("/hang"), total_timeout=0.5)

    async def test_429_carries_retry_after(self, fetcher: Fetcher) -> None:
        with FeedServer({"/busy": Reply(b"slow down", 429, "text/plain", {"Retry-After": "120"})}) as server:
            with pytest.raises(FetchError) as caught:
                await fetcher.get(server.url("/busy"))
        assert caught.value.status == 429 and caught.value.retry_after == 120.0

    async def test_503_retry_after_as_http_date(self, fetcher: Fetcher) -> None:
        with FeedServer({"/down": Reply(b"", 503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})}) as server:
            with pytest.raises(FetchError) as caught:
                await fetcher.get(server.url("/down"))
        assert caught.value.status == 503 and caught.value.retry_after == 6 * 3600.0  # capped

    async def test_redirect_loop_is_cut(self, fetcher: Fetcher) -> None:
        with FeedServer() as server:
            server.routes["/a"] = Reply(b"", 302, headers={"Location": server.url("/b")})
            server.routes["/b"] = Reply(b"", 302, headers={"Location": server.url("/a")})
            with pytest.raises(FetchError, match="more than 5 redirects"):
                await fetcher.get(server.url("/a"))
            assert server.hits("/a") + server.hits("/b") == 6

    async def test_loopback_is_refused_unless_allowed(self) -> None:
        with FeedServer({"/feed": Reply(b"<rss/>")}) as server:
            async with make_http_client(False, FetchLimits()) as client:
                with pytest.raises(FetchError, match="refused target"):
                    await Fetcher(client).get(server.url("/feed"))
            assert server.requests == []

    async def test_redirect_to_loopback_is_refused(self) -> None:
        async with make_http_client(False, FetchLimits()) as client:
            with pytest.raises(FetchError, match="refused target"):
                await Fetcher(client).get("http://169.254.169.254/latest/meta-data/")


class TestRetryAfter:
    def test_seconds_and_dates(self) -> None:
        now = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
        assert parse_retry_after("30", now) == 30.0
        assert parse_retry_after("Wed, 25 Nov 2026 12:01:00 GMT", now) == 60.0
        assert parse_retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now) == 0.0
        assert parse_retry_after("soon", now) is None
        assert parse_retry_after(None, now) is None


class FakeClock:
    """A clock that moves only when the fetcher sleeps, so spacing is tested without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class TestHostSpacing:
    async def test_hosts_with_a_published_rate_are_spaced(self) -> None:
        clock = FakeClock()
        limits = FetchLimits(host_spacing={"127.0.0.1": 5.0})
        with FeedServer({"/api": Reply(b"{}")}) as server:
            async with make_http_client(True, limits) as client:
                fetcher = Fetcher(client, limits, clock=clock, sleep=clock.sleep)
                for _ in range(3):
                    await fetcher.get(server.url("/api"))
                clock.now += 60  # a quiet minute later, no wait at all
                await fetcher.get(server.url("/api"))
        assert clock.sleeps == [5.0, 5.0]
        assert server.hits("/api") == 4

    async def test_other_hosts_are_not_spaced(self) -> None:
        clock = FakeClock()
        with FeedServer({"/feed": Reply(b"<rss/>")}) as server:
            async with make_http_client(True, FetchLimits()) as client:
                fetcher = Fetcher(client, FetchLimits(), clock=clock, sleep=clock.sleep)
                for _ in range(3):
                    await fetcher.get(server.url("/feed"))
        assert clock.sleeps == []

    def test_gdelt_is_spaced_by_default(self) -> None:
        assert FetchLimits().host_spacing["api.gdeltproject.org"] == 5.0
