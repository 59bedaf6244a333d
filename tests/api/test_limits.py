"""Request limits: body size, rate per token, no CORS unless configured, 422 bodies."""

from __future__ import annotations

from services.api.limits import ApiLimits
from tests.api.live import LiveApi, ServerRun, open_live


class TestLimits:
    async def test_oversized_body_is_413(self, live):
        async with live.client(await live.token("desk")) as client:
            response = await client.post(
                "/v1/analyze", content=b"x" * 2_000_000, headers={"content-type": "application/json"}
            )
            assert response.status_code == 413

    async def test_rate_limit_per_token(self, tmp_path):
        settings, db, app = await open_live(tmp_path, limits=ApiLimits(rate=0.01, burst=3))
        try:
            async with ServerRun(app) as base_url:
                live = LiveApi(base_url, settings, db)
                first, second = await live.token("a"), await live.token("b")
                async with live.client(first) as client:
                    codes = [(await client.get("/v1/subscriptions")).status_code for _ in range(4)]
                    assert codes == [200, 200, 200, 429]
                    limited = await client.get("/v1/subscriptions")
                    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
                async with live.client(second) as client:
                    assert (await client.get("/v1/subscriptions")).status_code == 200
        finally:
            await db.close()

    async def test_refused_tokens_are_throttled_per_client(self, tmp_path):
        settings, db, app = await open_live(tmp_path, limits=ApiLimits(failed_auth_rate=0.01, failed_auth_burst=3))
        try:
            async with ServerRun(app) as base_url:
                live = LiveApi(base_url, settings, db)
                good = await live.token("desk")
                async with live.client("tcs_guess") as client:
                    codes = [(await client.get("/v1/whoami")).status_code for _ in range(5)]
                assert codes == [401, 401, 401, 429, 429]
                async with live.client(good) as client:  # a valid token from the same address is not held up
                    assert (await client.get("/v1/whoami")).status_code == 200
        finally:
            await db.close()

    async def test_no_cors_headers(self, live):
        async with live.client() as client:
            preflight = await client.options(
                "/v1/alerts", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
            )
            assert "access-control-allow-origin" not in preflight.headers
            plain = await client.get("/healthz", headers={"Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in plain.headers

    async def test_openapi_docs_and_metrics(self, live):
        async with live.client() as client:
            spec = (await client.get("/openapi.json")).json()
            assert "/v1/stream" in spec["paths"] and "HTTPBearer" in spec["components"]["securitySchemes"]
            assert (await client.get("/docs")).status_code == 200
            metrics = (await client.get("/metrics")).text
        assert "tocsin_api_requests_total" in metrics and "tocsin_alerts " in metrics

    async def test_readyz_reports_the_database(self, live):
        async with live.client() as client:
            assert (await client.get("/readyz")).json() == {"status": "ready", "components": {"database": True}}


class TestRateLimiter:
    def test_refills_with_time_and_forgets_full_buckets(self, monkeypatch):
        from services.api import limits

        now = [0.0]
        limiter = limits.RateLimiter(rate=1.0, burst=2, clock=lambda: now[0])
        assert [limiter.take("a"), limiter.take("a")] == [0.0, 0.0]
        assert limiter.take("a") == 1.0
        now[0] = 1.0
        assert limiter.take("a") == 0.0
        monkeypatch.setattr(limits, "MAX_TRACKED", 2)
        limiter.take("b")
        now[0] = 100.0
        limiter.take("c")  # over the bound: "a" and "b" have refilled and are forgotten
        assert set(limiter._buckets) == {"c"}


class TestHostileBodies:
    """Issue 19 items 10 and 9: a lone surrogate is 422, a chunked body over the limit is 413,
    and a body that never finishes is cut off."""

    async def test_a_lone_surrogate_is_422_not_500(self, live):
        async with live.client(await live.token("desk")) as client:
            for raw in (b'{"patterns":["\\ud800"]}', b'{"channels":[], "keywords":["a\\udfffb"]}'):
                response = await client.post(
                    "/v1/subscriptions", content=raw, headers={"content-type": "application/json"}
                )
                assert response.status_code == 422, (raw, response.status_code, response.text)
            paired = await client.post(
                "/v1/subscriptions",
                content='{"keywords":["\\ud83d\\ude00"]}'.encode(),
                headers={"content-type": "application/json"},
            )
            assert paired.status_code == 201, paired.text

    async def test_a_chunked_body_over_the_limit_is_413(self, live):
        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(40):
                yield b"x" * 65_536

        async with live.client(await live.token("desk")) as client:
            response = await client.post("/v1/analyze", content=chunks(), headers={"content-type": "application/json"})
            assert response.status_code == 413
