"""``/docs`` works without the internet: every asset it loads is served by Tocsin itself."""

from __future__ import annotations

import re


async def test_docs_page_loads_only_local_assets(live) -> None:  # noqa: ANN001
    async with live.client() as client:
        page = await client.get("/docs")
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text) + re.findall(r"url: '([^']+)'", page.text)
        assert sources, page.text
        for source in sources:
            assert source.startswith("/"), f"/docs loads {source} from outside"
            asset = await client.get(source)
            assert asset.status_code == 200, source
        assert "swagger-ui-bundle.js" in page.text
        assert (await client.get("/redoc")).status_code == 404


async def test_the_docs_page_reads_an_openapi_30_document(live) -> None:  # noqa: ANN001
    """Swagger UI 4.15 renders only OpenAPI 3.0: no 3.1-only spelling may reach it."""
    import json

    async with live.client() as client:
        original = (await client.get("/openapi.json")).json()
        page = (await client.get("/docs")).text
        assert "/docs/openapi-3.0.json" in page
        converted = (await client.get("/docs/openapi-3.0.json")).json()
    assert original["openapi"].startswith("3.1")
    assert converted["openapi"] == "3.0.3"
    assert set(converted["paths"]) == set(original["paths"])
    text = json.dumps(converted)
    assert '{"type": "null"}' not in text
    assert '"const":' not in text
    assert '"nullable": true' in text


async def test_the_docs_page_renders_in_a_browser(live) -> None:  # noqa: ANN001
    """The real thing: headless Chromium opens /docs offline and Swagger UI lists the routes."""
    from tests.console.conftest import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        import pytest

        pytest.skip(f"{CHROMIUM} is absent")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = await browser.new_page()
            await page.goto(f"{live.base_url}/docs")
            await page.wait_for_selector(".opblock", timeout=20000)
            body = await page.inner_text("body")
        finally:
            await browser.close()
    assert "Unable to render" not in body
    assert "/v1/subscriptions" in body
