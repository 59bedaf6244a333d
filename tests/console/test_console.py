"""The console in a real browser: log in, watch alerts arrive live, filter them, and show a
hostile feed item as text."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect

from tests.api.live import make_signal

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">Breaking'


async def _log_in(page, live, token: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto(live.base_url + "/")
    await page.fill("#token", token)
    await page.click("#login-form button[type=submit]")
    await page.wait_for_selector("#live.on")


class TestConsole:
    async def test_login_live_story_cards_filters_and_escaping(self, page, live, tmp_path):
        token = await live.token("desk", admin=True)
        sub = await live.subscription(token, webhook={"url": "https://hooks.example/desk"}, group_interval="0s")

        await page.goto(live.base_url + "/")
        await page.fill("#token", "tcs_wrong")
        await page.click("#login-form button[type=submit]")
        await page.wait_for_selector("#login-error:has-text('not accepted')")
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SHOTS / "login.png"))

        await _log_in(page, live, token)
        assert await page.locator(".story-card").count() == 0

        await live.push_alert(sub["id"], make_signal(1, title="Maduro issues ultimatum to Guyana"))
        first = page.locator(".story-card").first
        await first.wait_for()
        # The headline says the event, not the article's title.
        assert await first.locator(".headline").inner_text() == "Nicolás Maduro · ultimatum · Guyana"
        assert await first.locator("mark.trigger").all_inner_texts() == ["ultimatum"]
        assert "Venezuela" in await first.locator(".countries").inner_text()
        assert await first.locator(".byline a").get_attribute("href") == "https://news.example/doc_0001"

        await live.push_alert(
            sub["id"],
            make_signal(
                2,
                title=HOSTILE,
                sentence=HOSTILE + " was called baseless.",
                countries=("GY",),
                pattern="wire_denial",
                actor="Irfaan Ali",
            ),
        )
        hostile = page.locator(".story-card", has=page.locator(".headline", has_text="wire denial"))
        await hostile.wait_for()
        assert (await hostile.locator(".evidence").inner_text()).startswith(HOSTILE)
        assert await page.evaluate("window.__pwned") is None
        assert await page.locator("#story-list script, #story-list img").count() == 0

        await page.select_option("#filter-country", "VE")
        await expect(page.locator(".story-card")).to_have_count(1)
        assert "ultimatum" in await page.locator(".story-card .headline").inner_text()
        await page.select_option("#filter-country", "")
        await page.select_option("#filter-pattern", "wire_denial")
        await expect(page.locator(".story-card")).to_have_count(1)
        await page.select_option("#filter-pattern", "")
        await expect(page.locator(".story-card")).to_have_count(2)

    async def test_sources_and_subscriptions_pages(self, page, live, tmp_path):
        admin = await live.token("ops", admin=True)
        async with live.client(admin) as client:
            await client.post("/v1/sources", json={"id": "wire", "kind": "rss", "url": "https://news.example/rss"})
        await _log_in(page, live, admin)

        await page.click("#nav a[data-page=sources]")
        row = page.locator("#source-table tbody tr")
        await row.first.wait_for()
        assert (await row.first.locator("td").all_inner_texts())[:3] == ["wire", "rss", "unknown"]
        await page.screenshot(path=str(SHOTS / "sources.png"), full_page=True)

        await page.click("#nav a[data-page=subscriptions]")
        await page.fill("#sub-url", "https://hooks.example/new")
        await page.fill("#sub-countries", "VE, GY")
        await page.click("#subscription-form button[type=submit]")
        await page.wait_for_selector("#secret-box:has-text('whsec_')")
        await page.locator("#subscription-table tbody tr").first.wait_for()
        cells = await page.locator("#subscription-table tbody tr td").all_inner_texts()
        assert cells[2] == "VE, GY" and cells[3] == "https://hooks.example/new"
        # The secret is a throwaway one, but a published image should not carry a whsec_ string.
        await page.screenshot(path=str(SHOTS / "subscriptions.png"), full_page=True, mask=[page.locator("#secret-box")])

    async def test_a_plain_token_sees_that_sources_need_admin(self, page, live):
        await _log_in(page, live, await live.token("desk"))
        await page.click("#nav a[data-page=sources]")
        await page.wait_for_selector("#sources-error:has-text('admin token')")
