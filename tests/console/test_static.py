"""The console page itself: no inline script, a strict Content-Security-Policy, nothing remote."""

from __future__ import annotations

import re

from tests.api.live import LiveApi


async def test_page_is_self_contained_and_locked_down(live: LiveApi) -> None:
    async with live.client() as client:
        page = await client.get("/")
        script = await client.get("/static/console.js")
        desk = await client.get("/static/desk.js")
        style = await client.get("/static/console.css")
        world = await client.get("/static/world-map.json")
    assert page.status_code == script.status_code == desk.status_code == style.status_code == world.status_code == 200
    # The map is drawn from country outlines shipped with Tocsin, keyed by ISO code.
    shapes = {country["id"] for country in world.json()["countries"]}
    assert {"RU", "VE", "PK", "FI", "CN"} <= shapes
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    html = page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script in the console page"
    assert not re.search(r"""(src|href)=["']https?://""", html), "the console loads something remote"
    for code in (script.text, desk.text):
        assert "innerHTML" not in code and "insertAdjacentHTML" not in code
        assert not re.search(r"""["'`]https?://(?!www\.w3\.org/2000/svg)""", code), "a script reaches outside"
