"""The desk views in a real browser, on a seeded morning: stories first, the story page, the
map, the timeline and failed deliveries. Each view is saved under docs/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.console.desk_data import seed

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
FINLAND = "Russia · military buildup · Finland"


async def _log_in(page, live, token: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Logs in and returns the list every request URL is appended to (to prove nothing leaves)."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    await page.goto(live.base_url + "/")
    await page.fill("#token", token)
    await page.click("#login-form button[type=submit]")
    await page.wait_for_selector("#live.on")
    return requests


async def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.fixture
async def live(desk_live):
    return desk_live


@pytest.fixture
async def morning(desk_live):
    token = await desk_live.token("default")
    return token, await seed(desk_live)


async def test_stories_first_with_filters(page, live, morning) -> None:
    token, ids = morning
    requests = await _log_in(page, live, token)
    card = page.locator(".story-card", has=page.locator(".headline", has_text=FINLAND))
    await card.wait_for()
    # One card per story, though it went to two subscriptions.
    assert await card.count() == 1
    assert (
        await card.locator(".why").inner_text() == "2 independent outlets (1 wire); not counted: 1 copy, 1 state media"
    )
    assert await card.locator(".severity").inner_text() == "URGENT"
    chips = await card.locator(".sent .chip").all_inner_texts()
    assert chips == ["defence-wire: delivered", "europe-desk: delivered"]
    assert await card.locator("mark.trigger").all_inner_texts() == ["deployed", "troops"]
    assert "Finland" in await card.locator(".countries").inner_text()
    await page.hover(".story-card:first-child")
    await _shot(page, "stories.png")

    await page.select_option("#filter-severity", "flash")
    await expect(page.locator(".story-card")).to_have_count(1)
    assert await page.locator(".story-card .headline").inner_text() == "China · military buildup · Taiwan"
    await page.select_option("#filter-severity", "")
    await page.fill("#filter-text", "Essequibo")
    await expect(page.locator(".story-card .headline")).to_have_text(["Nicolás Maduro · ultimatum · Guyana"])
    card = page.locator(".story-card")
    assert await card.locator(".headline").inner_text() == "Nicolás Maduro · ultimatum · Guyana"
    assert "failed (dead-lettered)" in await card.locator(".sent").inner_text()
    await page.fill("#filter-text", "")
    await page.select_option("#filter-range", "30")
    await page.select_option("#filter-country", "RU")
    await expect(page.locator("#story-count")).to_contain_text("stories")
    await expect(page.locator(".story-card .countries").last).to_contain_text("Russia")
    assert await page.locator(".story-card").count() > 5
    countries = await page.locator(".story-card .countries").all_inner_texts()
    assert all("Russia" in text for text in countries)
    await _shot(page, "stories-filtered.png")
    assert all(url.startswith(live.base_url) for url in requests), [
        u for u in requests if not u.startswith(live.base_url)
    ]


async def test_story_page_counts_outlets_silences_and_retries(page, live, morning) -> None:
    token, ids = morning
    await _log_in(page, live, token)
    await page.click(f".story-card .headline a:text('{FINLAND}')")
    await page.wait_for_selector("#story .evidence-list li")
    assert await page.locator("#story h2.headline").inner_text() == FINLAND
    assert await page.locator("#story .evidence-list li").count() == 4
    first = page.locator("#story .evidence-list li").first
    assert await first.locator("mark.actor").count() >= 1 and await first.locator("mark.target").count() >= 1
    rows = await page.locator("#story .panel table").first.locator("tbody tr").all_inner_texts()
    counted = {row.split("\t")[0].replace("wire", "").strip(): row.split("\t")[1] for row in rows}
    assert counted == {
        "reuters.com": "independent",
        "bbc.co.uk": "independent",
        "theguardian.com": "copy of reuters.com (counts toward it)",
        "tass.com": "state media of the acting government",
    }
    await _shot(page, "story.png")

    await page.click("button:text('Silence military buildup in Finland (24 h)')")
    await page.wait_for_selector("#story .message:has-text('silenced for 24 hours on 2 subscriptions')")
    async with live.client(token) as client:
        silences = (await client.get("/v1/silences")).json()
    assert {(s["pattern"], s["country"]) for s in silences} == {("military_buildup", "FI")}

    await page.goto(f"{live.base_url}/#/story/{ids['guyana']}")  # as a webhook's console_url links it
    await page.wait_for_selector("#story button.retry")
    assert "HTTP 410" in await page.locator("#story .attempt").first.inner_text()
    await page.click("#story button.retry")
    await page.wait_for_selector("#story .message:has-text('Queued again')")
    async with live.client(token) as client:
        alerts = (await client.get("/v1/stories/" + ids["guyana"])).json()
    assert alerts["deliveries"][0]["status"] == "pending"


async def test_map_timeline_and_failed_deliveries(page, live, morning) -> None:
    token, ids = morning
    requests = await _log_in(page, live, token)
    await page.click("#nav a[data-page=map]")
    await page.wait_for_selector("#world path[data-country=RU]")
    await page.select_option("#map-range", "30")
    await expect(page.locator("#world path[data-country=RU]")).to_have_attribute(
        "data-stories", re.compile(r"^1[0-9]$")
    )
    russia = page.locator("#world path[data-country=RU]")
    quiet = page.locator("#world path[data-country=BR]")
    assert await russia.get_attribute("fill") != await quiet.get_attribute("fill")
    assert (await page.locator("#map-top li").first.inner_text()).startswith("Russia")
    await _shot(page, "map.png")

    await page.click("#nav a[data-page=timeline]")
    await page.wait_for_selector("#timeline-chart rect")
    await page.select_option("#timeline-country", "RU")
    await expect(page.locator("#timeline-legend")).to_contain_text("Russia")
    bars = await page.locator("#timeline-chart rect").count()
    assert bars >= 5
    await _shot(page, "timeline.png")

    await page.click("#nav a[data-page=deliveries]")
    await page.wait_for_selector("#delivery-table tbody tr")
    rows = await page.locator("#delivery-table tbody tr").all_inner_texts()
    assert any("failed (dead-lettered)" in row and "HTTP 410" in row for row in rows)
    assert any("retrying" in row and "no answer" in row for row in rows)
    assert await page.locator("#failed-count").inner_text() == str(len(rows))
    await _shot(page, "deliveries.png")
    await page.locator("#delivery-table button.retry").first.click()
    await page.wait_for_selector("#deliveries-message:has-text('Queued again')")
    assert all(url.startswith(live.base_url) for url in requests)
