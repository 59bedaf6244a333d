"""The console in a real browser: log in, watch alerts arrive live, filter them, and show a
hostile feed item as text."""

from __future__ import annotations

from tests.api.live import make_signal

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">Breaking'


async def _log_in(page, live, token: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto(live.base_url + "/")
    await page.fill("#token", token)
    await page.click("#login-form button[type=submit]")
    await page.wait_for_selector("#live.on")


class TestConsole:
    async def test_login_live_alerts_filters_and_escaping(self, page, live, tmp_path):
        token = await live.token("desk", admin=True)
        sub = await live.subscription(token, webhook={"url": "https://hooks.example/desk"})

        await page.goto(live.base_url + "/")
        await page.fill("#token", "tcs_wrong")
        await page.click("#login-form button[type=submit]")
        await page.wait_for_selector("#login-error:has-text('not accepted')")

        await _log_in(page, live, token)
        assert await page.locator(".alert").count() == 0

        await live.push_alert(sub["id"], make_signal(1, title="Maduro issues ultimatum to Guyana"))
        first = page.locator(".alert").first
        await first.wait_for()
        assert await first.locator(".headline").inner_text() == "Maduro issues ultimatum to Guyana"
        assert await first.locator("mark").all_inner_texts() == ["ultimatum"]
        assert "Venezuela" in await first.locator(".country").inner_text()
        assert await first.locator(".roles").inner_text() == "Nicolás Maduro → Guyana"
        assert await first.locator(".corroboration a").get_attribute("href") == "https://news.example/doc_0001"

        await live.push_alert(sub["id"], make_signal(2, title=HOSTILE, countries=("GY",), pattern="wire_denial",
                                                     actor="Irfaan Ali"))
        hostile = page.locator(".alert", has=page.locator(".pattern", has_text="wire_denial"))
        await hostile.wait_for()
        assert await hostile.locator(".headline").inner_text() == HOSTILE
        assert await page.evaluate("window.__pwned") is None
        assert await page.locator("#alert-list script, #alert-list img").count() == 0

        await page.select_option("#filter-country", "VE")
        await page.wait_for_function("document.querySelectorAll('.alert').length === 1")
        assert await page.locator(".alert .pattern").inner_text() == "ultimatum"
        await page.select_option("#filter-country", "")
        await page.select_option("#filter-pattern", "wire_denial")
        await page.wait_for_function("document.querySelectorAll('.alert').length === 1")
        assert await page.locator(".alert .headline").inner_text() == HOSTILE
        await page.select_option("#filter-pattern", "")
        await page.wait_for_function("document.querySelectorAll('.alert').length === 2")

        screenshot = tmp_path / "console-alerts.png"
        await page.screenshot(path=str(screenshot), full_page=True)
        print(f"console screenshot: {screenshot}")
        assert screenshot.stat().st_size > 0

    async def test_sources_and_subscriptions_pages(self, page, live, tmp_path):
        admin = await live.token("ops", admin=True)
        async with live.client(admin) as client:
            await client.post("/v1/sources", json={"id": "wire", "kind": "rss", "url": "https://news.example/rss"})
        await _log_in(page, live, admin)

        await page.click("#nav a[data-page=sources]")
        row = page.locator("#source-table tbody tr")
        await row.first.wait_for()
        assert (await row.first.locator("td").all_inner_texts())[:3] == ["wire", "rss", "unknown"]

        await page.click("#nav a[data-page=subscriptions]")
        await page.fill("#sub-url", "https://hooks.example/new")
        await page.fill("#sub-countries", "VE, GY")
        await page.click("#subscription-form button[type=submit]")
        await page.wait_for_selector("#secret-box:has-text('whsec_')")
        await page.locator("#subscription-table tbody tr").first.wait_for()
        cells = await page.locator("#subscription-table tbody tr td").all_inner_texts()
        assert cells[2] == "VE, GY" and cells[3] == "https://hooks.example/new"
        screenshot = tmp_path / "console-subscriptions.png"
        await page.screenshot(path=str(screenshot), full_page=True)
        print(f"console screenshot: {screenshot}")

    async def test_a_plain_token_sees_that_sources_need_admin(self, page, live):
        await _log_in(page, live, await live.token("desk"))
        await page.click("#nav a[data-page=sources]")
        await page.wait_for_selector("#sources-error:has-text('admin token')")
