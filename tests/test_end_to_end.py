"""The walking skeleton: ``tocsin run`` carries a feed item to a signed webhook.

Everything is real: ``tocsin run`` starts its own embedded tansu broker and its service
processes; the feed and the webhook receiver are loopback HTTP servers.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import httpx
import pytest
import yaml

from services.platform.broker import free_port
from tests.conftest import OWN_FIXTURES, SEED_ARTICLE
from tests.support.feeds import rss_with_article
from tests.support.http_servers import LoopbackServer
from tests.support.processes import TocsinProcess, descendants, pid_alive
from tests.support.webhooks import verify_standard_webhook

pytestmark = pytest.mark.broker

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SECOND_ITEM = (
    "China has deployed two warships and a supply vessel off the coast of Venezuela, "
    "the defence ministry in Caracas said on Wednesday."
)
READY_BOUND = 60.0  # generous: start-up time is measured and printed, not asserted
DELIVERY_BOUND = 30.0  # the "within 30 s" from ready


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _article(kind: str) -> str:
    if kind == "seed":
        if not SEED_ARTICLE.exists():
            pytest.skip(f"{SEED_ARTICLE} is absent; the own-article case still runs")
        return SEED_ARTICLE.read_text(encoding="utf-8")
    return (OWN_FIXTURES / "e2e" / "own_article.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("kind", "stop_signal"), [("seed", signal.SIGINT), ("own", signal.SIGKILL)], ids=["seed-ctrl-c", "own-crash"]
)
def test_feed_item_reaches_a_signed_webhook(kind: str, stop_signal: int, tmp_path: Path) -> None:
    article = _article(kind)
    with LoopbackServer() as feed, LoopbackServer() as receiver:
        feed_route = feed.serve(
            "/feed.xml",
            rss_with_article("Pressure mounts on Caracas", article, "https://news.example/a/1?utm_source=x", "item-1"),
        )
        config = {
            "http": {"host": "127.0.0.1", "port": free_port()},
            "security": {"allow_private_targets": True},
            "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"},
            "sources": [{"id": "seed-feed", "kind": "rss", "url": feed.url("/feed.xml"), "interval": "10s"}],
            "subscriptions": [
                {
                    "id": "desk",
                    "patterns": ["ultimatum", "military_buildup", "wire_denial"],
                    "countries": ["VE"],
                    "webhook": {"url": receiver.url("/hook"), "secret": SECRET},
                }
            ],
        }
        config_file = tmp_path / "tocsin.yaml"
        config_file.write_text(yaml.safe_dump(config))
        env = {key: value for key, value in os.environ.items() if not key.startswith("TOCSIN_")}
        run = TocsinProcess(["run", "--config", str(config_file)], tmp_path, env)
        run.env = {**env, "TOCSIN_LOG_FORMAT": "json"}
        started = time.monotonic()
        with run:
            assert run.wait_for_output("Tocsin is running", READY_BOUND), run.describe()
            ready_at = time.monotonic()
            match = re.search(r"ready in ([\d.]+) s", run.stdout())
            assert match, run.describe()
            posts = receiver.wait_for_posts(1, DELIVERY_BOUND)
            assert posts, f"no webhook within {DELIVERY_BOUND}s of ready\n{run.describe()}"
            # Let other detections of the same document arrive too.
            posts = receiver.wait_for_posts(3, 5.0)
            metrics = httpx.get(f"http://127.0.0.1:{config['http']['port']}/metrics", timeout=10).text
            steady = None
            if kind == "own":
                # Steady state: a new item appears; time its first poll to its webhook.
                before = len(posts)
                second = feed.serve(
                    "/feed.xml",
                    rss_with_article("Warships near Venezuela", SECOND_ITEM, "https://news.example/a/2", "item-2"),
                )
                more = receiver.wait_for_posts(before + 1, DELIVERY_BOUND)
                assert len(more) > before and second.hits, f"no webhook for the second item\n{run.describe()}"
                steady = more[before].received_at - second.hits[0]
                posts = more
            family = descendants(run.pid)
            assert len(family) >= 4, f"expected broker + 3 services under tocsin run, got {family}"
            if stop_signal == signal.SIGKILL:
                run.process.kill()  # a crash of the parent
                run.process.wait()
            else:
                run.stop(stop_signal)
            deadline = time.monotonic() + 15
            while any(pid_alive(pid) for pid in family) and time.monotonic() < deadline:
                time.sleep(0.1)
            orphans = [pid for pid in family if pid_alive(pid)]
            for pid in orphans:
                os.kill(pid, signal.SIGKILL)
            assert not orphans, f"processes outlived tocsin run after {signal.Signals(stop_signal).name}"

    # Figures counted inside the worker processes reach the API's /metrics.
    assert re.search(r'tocsin_detections_total\{pattern="(military_buildup|ultimatum)"\} [1-9]', metrics), metrics[
        -3000:
    ]
    assert re.search(r"tocsin_feed_to_outbox_seconds_count [1-9]", metrics), metrics[-3000:]
    # So does the embedded broker's memory, which tocsin run watches (it only grows).
    broker_memory = re.search(r"^tocsin_embedded_broker_resident_bytes (\S+)$", metrics, re.MULTILINE)
    assert broker_memory and float(broker_memory.group(1)) > 1024 * 1024, metrics[-3000:]
    first = posts[0]
    for post in posts:
        assert verify_standard_webhook(SECRET, post.headers, post.body), "signature does not verify"
    payloads = [json.loads(post.body) for post in posts]
    text = "\n".join(s for payload in payloads for s in _strings(payload))
    assert "military_buildup" in text or "ultimatum" in text, text[:2000]
    sentences = [line.strip() for line in re.split(r"(?<=[.!?”\"])\s+|\n", article) if len(line.strip()) > 30]
    assert any(sentence[:40] in text for sentence in sentences), "payload does not quote an evidence sentence"
    print(
        f"\n[{kind}] start-up to ready: {match.group(1)} s (reported by tocsin run); "
        f"ready observed after {ready_at - started:.1f} s; "
        f"first feed poll -> first webhook: {first.received_at - feed_route.hits[0]:.2f} s; "
        f"webhooks received: {len(posts)}"
        + (f"; steady state, poll serving a new item -> its webhook: {steady:.2f} s" if steady is not None else "")
    )
