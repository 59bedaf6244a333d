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
