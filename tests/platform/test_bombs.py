"""Issue 19 items 2 and 6: a response can cost Tocsin at most its cap in memory.

Each case runs one Tocsin component in a child process under an address-space limit and
reads its peak resident memory: nested ``Content-Encoding: gzip, gzip`` bombs, a single
gzip layer far over the cap, and a webhook receiver that answers with a huge body.
"""

from __future__ import annotations

import pytest

from tests.support.bombs import Canned, gzip_bomb, measure_in_child, serving

BOMB_MIB = 1024
ALLOWED_GROWTH_MIB = 60
"""Peak minus baseline: the 10 MB cap, buffers and the interpreter's own churn."""

FETCH = """
from services.ingest.fetcher import Fetcher, make_http_client
async def main(url):
    async with make_http_client(True) as client:
        try:
            fetched = await Fetcher(client).get(url)
            return f"read {len(fetched.body)} bytes"
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
"""

ANALYZE = """
from fastapi import HTTPException
from services.api.routes.analyze import fetch_page_text
async def main(url):
    try:
        text = await fetch_page_text(url, True)
        return f"read {len(text)} characters"
    except HTTPException as exc:
        return f"HTTP {exc.status_code}: {exc.detail}"
"""

CLI_ANALYZE = """
from services.cli.analyze_command import fetch_items
async def main(url):
    try:
        return f"read {len(await fetch_items(url, True))} items"
    except SystemExit as exc:
        return f"exit {exc.code}"
"""

WEBHOOK = """
import time
from alerts.channels.webhook import WebhookChannel
from alerts.service import webhook_client
from services.platform.config import Settings
from tests.alerts.factories import subscription
from tests.platform.test_outbound_guard import delivery_for
async def main(url):
    client = webhook_client(Settings(security={"allow_private_targets": True}, delivery={"timeout": 60}))
    try:
        status = await WebhookChannel(client, allow_private=True, clock=time.time).send(
            delivery_for("webhook"), subscription("desk", url + "/hook"))
        return f"delivered {status}"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        await client.aclose()
"""

CASES = {
    "fetch-gzip-gzip": (FETCH, Canned(gzip_bomb(BOMB_MIB, 2), {"Content-Encoding": "gzip, gzip"})),
    "fetch-gzip-x3": (FETCH, Canned(gzip_bomb(BOMB_MIB, 3), {"Content-Encoding": "gzip, gzip, gzip"})),
    "fetch-gzip": (FETCH, Canned(gzip_bomb(BOMB_MIB, 1), {"Content-Encoding": "gzip"})),
    "analyze-gzip-gzip": (ANALYZE, Canned(gzip_bomb(BOMB_MIB, 2), {"Content-Encoding": "gzip, gzip"})),
    "cli-analyze-gzip-gzip": (CLI_ANALYZE, Canned(gzip_bomb(BOMB_MIB, 2), {"Content-Encoding": "gzip, gzip"})),
    "webhook-gzip-gzip": (WEBHOOK, Canned(gzip_bomb(BOMB_MIB, 2), {"Content-Encoding": "gzip, gzip"})),
    "webhook-1GiB-body": (WEBHOOK, Canned(b"", {"Content-Type": "text/plain"}, stream_zeros=BOMB_MIB * 1024 * 1024)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_response_costs_at_most_the_cap(case: str) -> None:
    prelude, reply = CASES[case]
    with serving(reply) as base_url:
        result = measure_in_child(prelude, base_url + "/feed.xml")
    print(f"{case}: {result}")
    growth = result["peak_mib"] - result["baseline_mib"]
    assert growth < ALLOWED_GROWTH_MIB, f"{case}: peak {result['peak_mib']:.0f} MiB ({result})"
