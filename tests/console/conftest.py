"""A real headless Chromium (Debian's, never a downloaded one) driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.api.live import LiveApi, ServerRun, api_settings, open_live
from tests.console.desk_data import desk_subscriptions

CHROMIUM = Path(os.environ.get("TOCSIN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
async def page() -> AsyncIterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser tests"
        )
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page = await context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            await browser.close()


@pytest.fixture
async def live(tmp_path) -> AsyncIterator[LiveApi]:
    """A live API on a loopback port (SQLite)."""
    settings, db, app = await open_live(tmp_path)
    try:
        async with ServerRun(app) as base_url:
            yield LiveApi(base_url, settings, db)
    finally:
        await db.close()


@pytest.fixture
async def desk_live(tmp_path) -> AsyncIterator[LiveApi]:
    """A live API whose configuration names the desks' subscriptions."""
    settings, db, app = await open_live(tmp_path, settings=api_settings(tmp_path, subscriptions=desk_subscriptions()))
    try:
        async with ServerRun(app) as base_url:
            yield LiveApi(base_url, settings, db)
    finally:
        await db.close()
