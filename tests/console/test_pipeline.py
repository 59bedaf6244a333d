"""The whole pipeline into the browser: ``tocsin run`` polls a loopback feed, detects, groups,
alerts, and the console shows the alert live, without a reload.

Heavier than the other console tests (it starts the broker and every service), so it is
marked ``broker``; its waits are bounded and generous.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import yaml

from services.api.auth.local import ensure_local_token
from services.platform.broker import free_port
from services.platform.config import Settings
from tests.conftest import OWN_FIXTURES
from tests.support.feeds import rss_with_article
from tests.support.http_servers import LoopbackServer
from tests.support.processes import TocsinProcess

pytestmark = pytest.mark.broker

READY_BOUND = 90.0
ALERT_BOUND = 60.0
HOSTILE_TITLE = "<script>window.__pwned = 1</script>Pressure mounts on Caracas"
EMPTY_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test wire</title><link>http://127.0.0.1/</link>
<description>empty for now</description></channel></rss>
"""


async def test_a_feed_item_arrives_live_in_the_console(page, tmp_path: Path) -> None:
    article = (OWN_FIXTURES / "e2e" / "own_article.txt").read_text(encoding="utf-8")
    with LoopbackServer() as feed, LoopbackServer() as receiver:
        feed.serve("/feed.xml", EMPTY_FEED)
        port = free_port()
        config = {
            "http": {"host": "127.0.0.1", "port": port},
            "security": {"allow_private_targets": True},
            "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"},
            "sources": [{"id": "desk-feed", "kind": "rss", "url": feed.url("/feed.xml"), "interval": "10s"}],
            "subscriptions": [
                {
                    "id": "desk",
                    "tenant": "default",
                    "group_interval": "0s",
                    "webhook": {"url": receiver.url("/hook"), "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                }
            ],
        }
        config_file = tmp_path / "tocsin.yaml"
        config_file.write_text(yaml.safe_dump(config))
        env = {key: value for key, value in os.environ.items() if not key.startswith("TOCSIN_")}
        run = TocsinProcess(["run", "--config", str(config_file)], tmp_path, env)
        with run:
            ready = await asyncio.to_thread(run.wait_for_output, "Tocsin is running", READY_BOUND)
            assert ready, run.describe()
            token = await ensure_local_token(Settings(**config))
            await page.goto(f"http://127.0.0.1:{port}/")
            await page.fill("#token", token)
            await page.click("#login-form button[type=submit]")
            await page.wait_for_selector("#live.on")
            assert await page.locator(".story-card").count() == 0

            feed.serve("/feed.xml", rss_with_article(HOSTILE_TITLE, article, "https://news.example/a/1", "item-1"))
            card = page.locator(".story-card").first
            await card.wait_for(timeout=ALERT_BOUND * 1000)
            headline = await card.locator(".headline").inner_text()
            evidence = await card.locator(".evidence").inner_text()
            assert await page.evaluate("window.__pwned") is None
            assert await page.locator("#story-list script").count() == 0
            # The headline says the event (actor · pattern · target), the evidence is the article's own sentence.
            assert " · " in headline and evidence.strip() and evidence in article.replace("\n", " ")
            screenshot = tmp_path / "console-pipeline.png"
            await page.screenshot(path=str(screenshot), full_page=True)
            print(f"console screenshot (tocsin run pipeline): {screenshot}; headline shown: {headline!r}")
