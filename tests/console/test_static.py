"""The console page itself: no inline script, a strict Content-Security-Policy, nothing remote."""

from __future__ import annotations

import re

from tests.api.live import LiveApi


async def test_page_is_self_contained_and_locked_down(live: LiveApi) -> None:
    async with live.client() as client:
        page = await client.get("/")
        script = await client.get("/static/console.js")
        style = await client.get("/static/console.css")
    assert page.status_code == script.status_code == style.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    html = page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script in the console page"
    assert not re.search(r"""(src|href)=["']https?://""", html), "the console loads something remote"
    assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
