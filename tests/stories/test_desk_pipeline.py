"""The issue's "done when", through the real pipeline: ``tocsin run`` polls loopback feeds,
detects, builds stories, alerts, and the webhooks say what a desk editor would count.

- One story from four outlets: a wire agency (Reuters), a newspaper's syndicated copy of it
  (The Guardian), the acting government's state agency (TASS) and an independent rewrite
  (BBC). The webhook says ``corroboration: 2`` and how each outlet was counted.
- The "world briefing": a sentence on rallies in Caracas, then "Pakistan's foreign office
  called the Reuters story baseless". It reaches a Pakistan subscription, never the
  Venezuela one.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import yaml

from services.platform.broker import free_port
from tests.support.feeds import rss_with_article
from tests.support.http_servers import LoopbackServer
from tests.support.processes import TocsinProcess
from tests.support.webhooks import verify_standard_webhook

pytestmark = pytest.mark.broker

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
READY_BOUND = 120.0
STORY_BOUND = 90.0
WIRE = (
    "Russia has deployed about 40,000 troops and armoured units near the border with Finland, satellite "
    "images show, in the largest build-up there since 2022.\nThe defence ministry in Moscow declined to comment."
)
OUTLETS = {
    "reuters-world": ("https://www.reuters.com/world/europe/russia-finland-troops-2026-03-02/", WIRE),
    "guardian-world": ("https://www.theguardian.com/world/2026/mar/02/russia-finland-troops", WIRE),
    "tass-en": (
        "https://tass.com/defense/1888001",
        "Russia has moved troops to its north-western border with Finland in response to NATO exercises, "
        "the defence ministry in Moscow said on Thursday.",
    ),
    "bbc-europe": (
        "https://www.bbc.co.uk/news/articles/c0russiafinland",
        "Satellite pictures reviewed by analysts suggest that Russia has massed tens of thousands of "
        "soldiers and tanks close to Finland's eastern frontier.",
    ),
}
BRIEFING = (
    "Thousands rallied in Caracas on Sunday against the government, the third weekend of protests.\n"
    "Pakistan's foreign office called the Reuters story baseless."
)


def _payloads(receiver: LoopbackServer) -> list[dict]:
    posts = list(receiver.received)
    for post in posts:
        assert verify_standard_webhook(SECRET, post.headers, post.body)
    return [json.loads(post.body) for post in posts]


def _wait(receiver: LoopbackServer, done, bound: float) -> list[dict]:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        payloads = _payloads(receiver)
        if done(payloads):
            return payloads
        receiver.wait_for_posts(len(payloads) + 1, min(5.0, max(0.1, deadline - time.monotonic())))
    return _payloads(receiver)


def _four_outlets_seen(payloads: list[dict]) -> bool:
    return any(len(p["data"].get("outlets", [])) == 4 for p in payloads)


def test_four_outlets_corroborate_twice_and_the_briefing_stays_out_of_venezuela(tmp_path: Path) -> None:
    with (
        LoopbackServer() as feeds,
        LoopbackServer() as russia_desk,
        LoopbackServer() as venezuela_desk,
        LoopbackServer() as pakistan_desk,
    ):
        sources = []
        for n, (source_id, (url, text)) in enumerate(OUTLETS.items()):
            feeds.serve(f"/{source_id}.xml", rss_with_article("Russian troops near Finland", text, url, f"item-{n}"))
            sources.append({"id": source_id, "kind": "rss", "url": feeds.url(f"/{source_id}.xml"), "interval": "10s"})
        feeds.serve(
            "/briefing.xml",
            rss_with_article("World briefing", BRIEFING, "https://www.dawn.com/news/world-briefing", "brief-1"),
        )
        sources.append({"id": "dawn-briefing", "kind": "rss", "url": feeds.url("/briefing.xml"), "interval": "10s"})

        def subscription(ident: str, receiver: LoopbackServer, **filters) -> dict:
            return {
                "id": ident,
                "group_interval": "0s",
                "group_wait": "0s",
                **filters,
                "webhook": {"url": receiver.url("/hook"), "secret": SECRET},
            }

        port = free_port()
        config = {
            "http": {"host": "127.0.0.1", "port": port, "public_url": "https://desk.example.org"},
            "security": {"allow_private_targets": True},
            "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"},
            "sources": sources,
            "subscriptions": [
                subscription("russia-desk", russia_desk, patterns=["military_buildup"], countries=["RU"]),
                subscription("venezuela-desk", venezuela_desk, countries=["VE"]),
                subscription("pakistan-desk", pakistan_desk, countries=["PK"]),
            ],
        }
        config_file = tmp_path / "tocsin.yaml"
        config_file.write_text(yaml.safe_dump(config))
        env = {key: value for key, value in os.environ.items() if not key.startswith("TOCSIN_")}
        run = TocsinProcess(["run", "--config", str(config_file)], tmp_path, env)
        with run:
            assert run.wait_for_output("Tocsin is running", READY_BOUND), run.describe()
            russia = _wait(russia_desk, _four_outlets_seen, STORY_BOUND)
            assert _four_outlets_seen(russia), f"{[p['data'].get('outlets') for p in russia]}\n{run.describe()}"
            pakistan = _wait(pakistan_desk, bool, STORY_BOUND)
            assert pakistan, f"the briefing never reached the Pakistan desk\n{run.describe()}"
            time.sleep(3.0)  # anything else for Venezuela would have been recorded with it
            venezuela = _payloads(venezuela_desk)

    latest = next(p["data"] for p in reversed(russia) if len(p["data"]["outlets"]) == 4)
    assert latest["corroboration"] == 2
    assert {o["name"]: (o["counted_as"], o["independent"]) for o in latest["outlets"]} == {
        "reuters.com": ("origin", True),
        "bbc.co.uk": ("origin", True),
        "theguardian.com": ("copy", False),
        "tass.com": ("state_media", False),
    }
    assert next(o for o in latest["outlets"] if o["name"] == "theguardian.com")["copy_of"] == "reuters.com"
    assert latest["severity"] == "urgent" and "2 independent outlets" in latest["severity_reason"]
    assert latest["console_url"] == f"https://desk.example.org/#/story/{latest['story_id']}"
    assert latest["countries"] and set(latest["countries"]) <= {"RU", "FI"}

    assert pakistan[0]["data"]["countries"] == ["PK"]
    assert all(e["countries"] == ["PK"] for e in pakistan[0]["data"]["evidence"])
    assert not [p for p in venezuela if "Pakistan" in json.dumps(p)], venezuela
    print(
        f"\nfour outlets -> corroboration {latest['corroboration']}: "
        + ", ".join(f"{o['name']}={o['counted_as']}" for o in latest["outlets"])
    )
