"""Request limits: body size, rate per token, no CORS unless configured, 422 bodies."""

from __future__ import annotations

from tests.api.live import LiveApi, ServerRun, open_live


class TestLimits:
    async def test_oversized_body_is_413(self, live):
        async with live.client(await live.token("desk")) as client:
            response = await client.post("/v1/analyze", content=b"x" * 2_000_000,
                                         headers={"content-type": "application/json"})
            assert response.status_code == 413

    async def test_rate_limit_per_token(self, tmp_path):
        settings, db, app = await open_live(tmp_path, rate=0.01, burst=3)
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

    async def test_no_cors_headers(self, live):
        async with live.client() as client:
            preflight = await client.options("/v1/alerts", headers={
                "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
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
